import type { Bus, Subscription } from '../../src/bus/index.ts';
import { parseTelemetry, type Telemetry } from '../../src/protocol/index.ts';
import { waitFor } from './wait.ts';

/** Collects every telemetry event on a topic from the moment it opens; tests wait on what it saw. */
export class TelemetryRecorder {
  readonly events: Telemetry[] = [];
  readonly #stop = new AbortController();
  #subscription: Subscription | undefined;
  #loop: Promise<void> | undefined;

  static async open(bus: Bus, topic: string): Promise<TelemetryRecorder> {
    const recorder = new TelemetryRecorder();
    const end = await bus.endOffsets(topic);
    recorder.#subscription = await bus.subscribe({
      topics: [topic],
      from: [...end].map(([partition, offset]) => ({ topic, partition, offset })),
      maxWaitMs: 50,
    });
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

  waitFor(telemetryId: string, event: Telemetry['event'], timeoutMs = 20_000): Promise<Telemetry> {
    return waitFor(`${event} from ${telemetryId}`, () => this.of(telemetryId, event)[0], timeoutMs);
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#subscription?.close();
  }
}
