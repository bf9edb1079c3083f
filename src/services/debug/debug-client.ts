import { randomUUID } from 'node:crypto';
import type { Bus, Subscription } from '../../bus/index.ts';
import { ensureControlTopics } from '../../runtime/index.ts';
import { createCommand, parseTelemetry, type CommandName, type Telemetry } from '../../protocol/index.ts';

export interface DebugClientOptions {
  bus: Bus;
  /** QUEUE_CONTROL_TOPIC, default 'queue-control'. */
  controlTopic: string;
  /** QUEUE_EVENTS_TOPIC, default 'queue-events'. */
  eventsTopic: string;
}

export interface Reply {
  telemetry: Telemetry;
  /** Milliseconds from sending the command to reading the reply, on this machine's clock. */
  roundTripMs: number;
}

/**
 * The seed's debug_producer.py: sends commands to `queue-control` and reads the replies on
 * `queue-events`. It reads events from the end as it was before the command was sent, so no reply
 * is missed and no old one is taken for new.
 */
export class DebugClient {
  readonly #options: DebugClientOptions;
  #events: Subscription | undefined;

  constructor(options: DebugClientOptions) {
    this.#options = options;
  }

  /** Opens the read position on queue-events; call before the first command. */
  async open(): Promise<void> {
    const { bus, eventsTopic } = this.#options;
    await bus.connect();
    await ensureControlTopics(bus, this.#options);
    const end = await bus.endOffsets(eventsTopic);
    const from = [...end].map(([partition, offset]) => ({ topic: eventsTopic, partition, offset }));
    this.#events = await bus.subscribe({ topics: [eventsTopic], from, maxWaitMs: 50 });
  }

  async send(
    command: CommandName,
    queueId: string,
    target?: string,
  ): Promise<{ commandId: string; sentAt: number }> {
    const commandId = randomUUID();
    const sentAt = performance.now();
    const message = createCommand(command, queueId, { commandId, target });
    await this.#options.bus.produce([
      { topic: this.#options.controlTopic, key: queueId, value: JSON.stringify(message) },
    ]);
    return { commandId, sentAt };
  }

  /**
   * Sends a ping and collects pongs that echo its command_id until `expect` arrived or `timeoutMs`
   * passed. Resolves with the pongs seen (possibly none).
   */
  async ping(
    queueId: string,
    options: { timeoutMs: number; expect?: number; target?: string },
  ): Promise<Reply[]> {
    const { commandId, sentAt } = await this.send('ping', queueId, options.target);
    const expect = options.expect ?? 1;
    const replies: Reply[] = [];
    const deadline = Date.now() + options.timeoutMs;
    while (replies.length < expect && Date.now() < deadline) {
      for (const telemetry of await this.#next(deadline - Date.now())) {
        if (telemetry.event === 'pong' && telemetry.command_id === commandId) {
          replies.push({ telemetry, roundTripMs: performance.now() - sentAt });
        }
      }
    }
    return replies;
  }

  /** Telemetry of one queue (or every queue for "*") as it arrives, until `signal` aborts. */
  async *follow(queueId: string, signal: AbortSignal): AsyncGenerator<Telemetry> {
    while (!signal.aborted) {
      for (const telemetry of await this.#next(1000, signal)) {
        if (queueId === '*' || telemetry.queue_id === queueId) yield telemetry;
      }
    }
  }

  async close(): Promise<void> {
    await this.#events?.close();
  }

  async #next(maxWaitMs: number, signal?: AbortSignal): Promise<Telemetry[]> {
    if (!this.#events) throw new Error('DebugClient.open() was not called');
    const records = await this.#events.poll({ maxWaitMs: Math.max(0, maxWaitMs), signal });
    return records.flatMap((record) => {
      const parsed = parseTelemetry(record.value);
      return parsed.ok ? [parsed.value] : [];
    });
  }
}
