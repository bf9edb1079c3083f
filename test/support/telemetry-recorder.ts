import type { Bus, Subscription } from '../../src/bus/index.ts';
import { parseTelemetry, type Telemetry } from '../../src/protocol/index.ts';
import { waitFor } from './wait.ts';

export interface TelemetryRecorderOptions {
  /**
   * `end` (default): what is sent from the moment it opens. `earliest`: everything on the topic, for a
   * queue of its own (isolatedQueue) whose jobs may have started before the recorder.
   */
  from?: 'end' | 'earliest';
}

/** Collects every telemetry event on a topic; tests wait on, or look at, what it saw. */
export class TelemetryRecorder {
  readonly events: Telemetry[] = [];
  readonly #stop = new AbortController();
  #subscription: Subscription | undefined;
  #loop: Promise<void> | undefined;

  static async open(
    bus: Bus,
    topic: string,
    options: TelemetryRecorderOptions = {},
  ): Promise<TelemetryRecorder> {
    const recorder = new TelemetryRecorder();
    const from =
      options.from === 'earliest'
        ? 'earliest'
        : [...(await bus.endOffsets(topic))].map(([partition, offset]) => ({ topic, partition, offset }));
    recorder.#subscription = await bus.subscribe({ topics: [topic], from, maxWaitMs: 50 });
    recorder.#loop = recorder.#run(recorder.#subscription);
    return recorder;
  }

  async #run(subscription: Subscription): Promise<void> {
    while (!this.#stop.signal.aborted) {
      for (const record of await subscription.poll({ maxWaitMs: 200, signal: this.#stop.signal })) {
        const parsed = parseTelemetry(record.value);
        if (parsed.ok) this.events.push(parsed.value);
      }
    }
  }

  of(telemetryId: string, event?: Telemetry['event']): Telemetry[] {
    return this.events.filter(
      (e) => e.telemetry_id === telemetryId && (event === undefined || e.event === event),
    );
  }

  /** The events of every job of `target` (loader-producer…), of one kind when `event` is given, in order. */
  ofTarget(target: string, event?: Telemetry['event']): Telemetry[] {
    return this.events.filter((e) => e.target === target && (event === undefined || e.event === event));
  }

  waitFor(telemetryId: string, event: Telemetry['event'], timeoutMs = 20_000): Promise<Telemetry> {
    return waitFor(`${event} from ${telemetryId}`, () => this.of(telemetryId, event)[0], timeoutMs);
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#subscription?.close();
  }
}
