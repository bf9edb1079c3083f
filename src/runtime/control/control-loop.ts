import { Counter, type Registry } from 'prom-client';
import type { Bus, Subscription } from '../../bus/index.ts';
import { errorMessage, isAddressedTo, parseCommand, type Command } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';

export interface ControlLoopOptions {
  bus: Bus;
  /** QUEUE_CONTROL_TOPIC. */
  topic: string;
  job: { queueId: string; telemetryId: string; target: string };
  logger: Logger;
  registry: Registry;
  /** Called for each command addressed to this job, in order; a rejection is logged, not fatal. */
  onCommand: (command: Command) => Promise<void>;
}

type Outcome = 'ping' | 'stop' | 'ignored' | 'invalid';

/**
 * Reads `queue-control` on its own (no consumer group shared with other jobs, so every job of a queue
 * receives every command), from the end as it was when the job started. A bad message is logged,
 * counted and skipped: the loop never dies of its input.
 */
export class ControlLoop {
  readonly #options: ControlLoopOptions;
  readonly #commands: Counter<'result'>;
  readonly #stopping = new AbortController();
  #subscription: Subscription | undefined;
  /** Next offset to read, per partition: where a new subscription resumes after the bus failed. */
  readonly #next = new Map<number, bigint>();
  #running: Promise<void> | undefined;
  #lastPollAt = Date.now();

  constructor(options: ControlLoopOptions) {
    this.#options = options;
    this.#commands = new Counter({
      name: 'streamforge_control_commands_total',
      help: 'Messages read from queue-control, by result: ping, stop, ignored (for another job), invalid',
      labelNames: ['result'],
      registers: [options.registry],
    });
  }

  /** Milliseconds since the loop last returned from a poll: the liveness probe's measure. */
  get sinceLastPoll(): number {
    return Date.now() - this.#lastPollAt;
  }

  /** Resolves once the read position is fixed, so no command sent after this is missed. */
  async start(): Promise<void> {
    const { bus, topic } = this.#options;
    for (const [partition, offset] of await bus.endOffsets(topic)) this.#next.set(partition, offset);
    this.#subscription = await this.#subscribe();
    this.#running = this.#loop();
  }

  #subscribe(): Promise<Subscription> {
    const { bus, topic } = this.#options;
    const from = [...this.#next].map(([partition, offset]) => ({ topic, partition, offset }));
    return bus.subscribe({ topics: [topic], from, maxWaitMs: 100 });
  }

  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
    await this.#subscription?.close();
  }

  /**
   * Polls until closed. A failed subscription (the broker went away) is replaced by a new one that
   * resumes where the old one stopped, so a broker restart loses no command and the job stays live.
   */
  async #loop(): Promise<void> {
    const signal = this.#stopping.signal;
    let failed = false;
    while (!signal.aborted) {
      try {
        if (failed) {
          await this.#subscription?.close().catch(() => undefined);
          this.#subscription = undefined;
          this.#subscription = await this.#subscribe();
          this.#options.logger.info('reading queue-control again');
          failed = false;
        }
        const records = await this.#subscription!.poll({ maxWaitMs: 1000, signal });
        this.#lastPollAt = Date.now();
        for (const record of records) {
          this.#next.set(record.partition, record.offset + 1n);
          await this.#handle(record.value);
        }
      } catch (error) {
        if (signal.aborted) break;
        failed = true;
        // Live, not stuck: retrying a broker that is away. A liveness probe that failed here would
        // have Kubernetes restart a job that is riding out a broker restart, and load it all again.
        this.#lastPollAt = Date.now();
        this.#options.logger.warn(
          { err: errorMessage(error) },
          'reading queue-control failed; retrying in 1 s',
        );
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async #handle(value: Buffer | null): Promise<void> {
    const { logger, job, onCommand } = this.#options;
    const parsed = parseCommand(value);
    if (!parsed.ok) {
      this.#count('invalid');
      logger.warn(
        { err: parsed.error.message, code: parsed.error.code, raw: value?.toString('utf8').slice(0, 200) },
        'skipping a bad message on queue-control',
      );
      return;
    }
    const command = parsed.value;
    if (!isAddressedTo(command, job)) {
      this.#count('ignored');
      logger.debug({ command }, 'command for another job ignored');
      return;
    }
    this.#count(command.command);
    logger.info({ command: command.command, command_id: command.command_id }, 'command received');
    try {
      await onCommand(command);
    } catch (error) {
      logger.error({ err: errorMessage(error), command: command.command }, 'handling a command failed');
    }
  }

  #count(result: Outcome): void {
    this.#commands.inc({ result });
  }
}
