import { randomUUID } from 'node:crypto';
import type { Bus } from '../../../bus/index.ts';
import { createCommand, type CommandName } from '../../../protocol/index.ts';
import type { QueueManagerMetrics } from '../metrics.ts';

/** Sends commands on queue-control, keyed by queue_id; every job of the queue reads every command. */
export class Commander {
  readonly #bus: Bus;
  readonly #topic: string;
  readonly #metrics: QueueManagerMetrics;

  constructor(bus: Bus, topic: string, metrics: QueueManagerMetrics) {
    this.#bus = bus;
    this.#topic = topic;
    this.#metrics = metrics;
  }

  async send(command: CommandName, queueId: string, target?: string): Promise<string> {
    const commandId = randomUUID();
    const message = createCommand(command, queueId, { commandId, target });
    await this.#bus.produce([{ topic: this.#topic, key: queueId, value: JSON.stringify(message) }]);
    this.#metrics.commands.inc({ command });
    return commandId;
  }
}
