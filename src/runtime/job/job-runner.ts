import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.ts';
import {
  ErrorCodes,
  errorMessage,
  isStreamForgeError,
  unixSeconds,
  type Command,
  type Telemetry,
  type TelemetryDetails,
} from '../../protocol/index.ts';
import type { JobConfig } from '../config/job-config.ts';
import { ControlLoop } from '../control/control-loop.ts';
import { ensureControlTopics } from '../control/control-topics.ts';
import type { Health } from '../http/health.ts';
import type { Logger } from '../logger.ts';
import { TelemetryPublisher } from '../telemetry/telemetry-publisher.ts';
import type { JobContext, JobProgress, JobWork } from './job-context.ts';
import { canMove, type JobState } from './job-state.ts';

/** Tries of the `error` event, each bounded by the bus (KAFKA_DELIVERY_TIMEOUT_SECONDS on Kafka). */
const ERROR_EVENT_ATTEMPTS = 3;

export interface JobRunnerOptions {
  config: JobConfig;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  health: Health;
  work: JobWork;
  /** Called after every telemetry event is on the bus. */
  onPublished?: (event: Telemetry) => void;
  /** How long work may take to end after it was told to stop, in ms; default 10000. */
  stopGraceMs?: number;
  /** Heartbeat of the liveness probe: unhealthy when the control loop has not polled for this long; default 30000. */
  livenessTimeoutMs?: number;
}

export interface JobOutcome {
  state: 'finished' | 'failed' | 'interrupted';
  /** 0 for finished and interrupted, 1 for failed: what the process exits with. */
  exitCode: number;
  error?: string;
  /** Error code of a failure (StreamForgeError codes). */
  code?: string;
}

/**
 * Runs one job: connects, listens for commands, publishes `started`, runs the work, and publishes
 * exactly one terminal event. The same runner drives every job, on Kafka or on the memory bus.
 */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #abort = new AbortController();
  readonly #pingListeners: ((command: Command) => void)[] = [];
  readonly #telemetry: TelemetryPublisher;
  #state: JobState = 'created';
  #control: ControlLoop | undefined;
  /** Whether the bus answered: without it there is nobody to tell about a failure but the log. */
  #connected = false;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
    const { config } = options;
    this.#telemetry = new TelemetryPublisher({
      bus: options.bus,
      topic: config.eventsTopic,
      job: {
        queueId: config.queueId,
        telemetryId: config.telemetryId,
        target: config.target,
        symbol: config.symbol,
        type: config.type,
      },
      onPublished: options.onPublished,
    });
  }

  get state(): JobState {
    return this.#state;
  }

  /** Tells the work to end; the job ends `interrupted`. Safe to call at any time, more than once. */
  stop(reason: string): void {
    if (this.#abort.signal.aborted || !['created', 'starting', 'running'].includes(this.#state)) return;
    this.#options.logger.info({ reason }, 'stopping');
    // Told to stop before it ran: it still starts, so the manager hears `started` then `interrupted`.
    if (this.#state !== 'created') this.#move('stopping');
    this.#abort.abort(new Error(reason));
  }

  async run(): Promise<JobOutcome> {
    const { logger } = this.#options;
    this.#move('starting');
    let outcome: JobOutcome;
    try {
      await this.#start();
      outcome = await this.#work();
    } catch (error) {
      // Failing to start (bus unreachable, bad credentials) may leave no way to publish `error`.
      outcome = await this.#fail(error);
    }
    await this.#control
      ?.close()
      .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'closing control loop'));
    logger.info({ state: outcome.state, exit_code: outcome.exitCode }, 'job ended');
    return outcome;
  }

  async #start(): Promise<void> {
    const { bus, config, logger, registry, health } = this.#options;
    await bus.connect();
    this.#connected = true;
    await ensureControlTopics(bus, config);
    this.#control = new ControlLoop({
      bus,
      topic: config.controlTopic,
      job: config,
      logger,
      registry,
      onCommand: (command) => this.#onCommand(command),
    });
    await this.#control.start();
    const control = this.#control;
    const livenessTimeout = this.#options.livenessTimeoutMs ?? 30_000;
    health.addLivenessCheck('control-loop', () => control.sinceLastPoll < livenessTimeout);
    health.addReadinessCheck('job', () => this.#state === 'running');
    await this.#telemetry.publish('started', { message: `${config.target} started` });
    health.markStarted();
    if (this.#state === 'starting') this.#move('running');
  }

  async #work(): Promise<JobOutcome> {
    const { config, logger, registry, bus } = this.#options;
    const context: JobContext = {
      signal: this.#abort.signal,
      config,
      bus,
      logger,
      registry,
      report: async (progress) => {
        await this.#telemetry.publish('loading', progress);
      },
      onPing: (listener) => this.#pingListeners.push(listener),
      addReadinessCheck: (name, check) => this.#options.health.addReadinessCheck(name, check),
    };
    const work = this.#options.work(context);
    try {
      const result = await this.#untilStoppedAndGrace(work);
      if (this.#abort.signal.aborted) return this.#interrupted(result ?? undefined);
      this.#move('finished');
      await this.#telemetry.publish('finished', { message: 'finished', ...result });
      return { state: 'finished', exitCode: 0 };
    } catch (error) {
      if (this.#abort.signal.aborted) return this.#interrupted();
      return this.#fail(error);
    }
  }

  /** The work's own end, or, once stopped, at most the grace period more. */
  #untilStoppedAndGrace<T>(work: Promise<T>): Promise<T | undefined> {
    const grace = this.#options.stopGraceMs ?? 10_000;
    const signal = this.#abort.signal;
    const overdue = new Promise<undefined>((resolve) => {
      signal.addEventListener('abort', () => setTimeout(() => resolve(undefined), grace).unref(), {
        once: true,
      });
    });
    return Promise.race([work, overdue]);
  }

  /** Ends the job `interrupted`, with the counts its work returned when it stopped in time. */
  async #interrupted(progress?: JobProgress): Promise<JobOutcome> {
    if (this.#state !== 'stopping') this.#move('stopping');
    this.#move('interrupted');
    const reason = errorMessage(this.#abort.signal.reason);
    const said = progress?.message === undefined ? '' : ` (${progress.message})`;
    await this.#telemetry.publish('interrupted', { ...progress, message: `stopped: ${reason}${said}` });
    return { state: 'interrupted', exitCode: 0 };
  }

  async #fail(error: unknown): Promise<JobOutcome> {
    const message = errorMessage(error);
    const code = isStreamForgeError(error) ? error.code : ErrorCodes.JOB_FAILED;
    this.#options.logger.error({ err: message, code }, 'job failed');
    this.#state = 'failed';
    if (!this.#connected) return { state: 'failed', exitCode: 1, error: message, code };
    await this.#publishError({ message: 'failed', error_message: message, error_code: code });
    return { state: 'failed', exitCode: 1, error: message, code };
  }

  /**
   * The `error` event is the only way the queue manager learns of the failure, and the failure may be
   * the bus itself (a broker down for longer than the delivery timeout): it is tried again, each try
   * as patient as a produce is, and every failed try is logged as an error with what it carried.
   */
  async #publishError(details: TelemetryDetails): Promise<void> {
    const { logger } = this.#options;
    for (let attempt = 1; attempt <= ERROR_EVENT_ATTEMPTS; attempt += 1) {
      try {
        await this.#telemetry.publish('error', details);
        if (attempt > 1) logger.warn({ attempt }, 'the error event was published after all');
        return;
      } catch (publishError) {
        const last = attempt === ERROR_EVENT_ATTEMPTS;
        logger.error(
          { err: errorMessage(publishError), attempt, of: ERROR_EVENT_ATTEMPTS, event: details },
          last
            ? 'could not publish the error event: the queue manager has NOT been told that this job failed'
            : 'could not publish the error event yet; trying again',
        );
      }
    }
  }

  async #onCommand(command: Command): Promise<void> {
    if (command.command === 'stop') {
      this.stop(`stop command${command.command_id ? ` ${command.command_id}` : ''}`);
      return;
    }
    await this.#telemetry.publish('pong', {
      message: 'pong',
      ping_ts: command.sent_at,
      ponged_at: unixSeconds(),
      command_id: command.command_id,
    });
    for (const listener of this.#pingListeners) listener(command);
  }

  #move(to: JobState): void {
    if (!canMove(this.#state, to)) throw new Error(`job state cannot move from ${this.#state} to ${to}`);
    this.#state = to;
  }
}
