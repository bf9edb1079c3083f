import { ErrorCodes, errorMessage } from '../../../protocol/index.ts';
import type { JobLauncher } from '../../../launcher/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { QueueManagerConfig } from '../config.ts';
import type { QueueManagerMetrics } from '../metrics.ts';
import { transition } from '../store/job-transitions.ts';
import type { QueueStore } from '../store/queue-store.ts';
import type { JobRow } from '../store/rows.ts';
import type { Commander } from './commander.ts';
import { handleOf } from './job-spec.ts';

export interface SupervisorOptions {
  store: QueueStore;
  launcher: JobLauncher;
  commander: Commander;
  config: QueueManagerConfig;
  logger: Logger;
  metrics: QueueManagerMetrics;
  /** After a job of the queue changed state here. */
  onChanged: (queueId: string) => Promise<void>;
}

/** How often a stop is repeated to a job that has not ended yet (it may have started reading after the first). */
const STOP_RESEND_MS = 2000;

/**
 * Watches the active jobs every SUPERVISE_INTERVAL_MS: silence longer than the heartbeat timeout gets a
 * ping, no answer within the ping timeout marks the job lost and has the launcher kill it (so nothing
 * leaks); a job told to stop that outlives the stop grace is terminated; a job whose process or pod
 * ended without a final event is failed (or lost) once the exit grace has passed.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #stopSentAt = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#ticking ??= this.tick().finally(() => (this.#ticking = undefined));
    }, this.#options.config.superviseIntervalMs);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticking;
  }

  async tick(): Promise<void> {
    try {
      const jobs = await this.#options.store.activeJobs();
      for (const job of jobs) await this.#check(job, Date.now());
      for (const id of this.#stopSentAt.keys())
        if (!jobs.some((j) => j.telemetry_id === id)) this.#stopSentAt.delete(id);
    } catch (error) {
      this.#options.logger.warn(
        { err: errorMessage(error) },
        'supervision pass failed; next one in an interval',
      );
    }
  }

  async #check(job: JobRow, now: number): Promise<void> {
    const { config } = this.#options;
    if (job.exited_at && now - job.exited_at.getTime() >= config.exitGraceMs) {
      const failed = job.exit_code !== null && job.exit_code !== 0;
      const message = `${job.exit_reason ?? 'ended'} without a final telemetry event${failed ? '; see the job log' : ''}`;
      return this.#end(job, failed ? 'failed' : 'lost', message);
    }
    if (job.status === 'stopping' && job.stop_requested_at) {
      if (now - job.stop_requested_at.getTime() >= config.stopGraceMs) {
        await this.#options.launcher
          .terminate(handleOf(job))
          .catch((error: unknown) => this.#warn(job, error));
        return this.#end(
          job,
          'terminated',
          `did not stop within ${config.stopGraceMs / 1000} s of the stop command`,
        );
      }
      if (
        now - (this.#stopSentAt.get(job.telemetry_id) ?? job.stop_requested_at.getTime()) >=
        STOP_RESEND_MS
      ) {
        this.#stopSentAt.set(job.telemetry_id, now);
        await this.#options.commander
          .send('stop', job.queue_id, job.telemetry_id)
          .catch((e: unknown) => this.#warn(job, e));
      }
      return;
    }
    const heard = job.last_seen_at ?? job.launched_at;
    if (!heard) return;
    const limit = job.last_seen_at ? config.heartbeatTimeoutMs : config.startTimeoutMs;
    if (now - heard.getTime() < limit) return;
    if (!job.pinged_at) {
      await this.#options.commander
        .send('ping', job.queue_id, job.telemetry_id)
        .catch((e: unknown) => this.#warn(job, e));
      await this.#options.store.sql.query(
        `update qm_jobs set pinged_at = now() where telemetry_id = $1 and attempt = $2 and pinged_at is null`,
        [job.telemetry_id, job.attempt],
      );
      return;
    }
    if (now - job.pinged_at.getTime() >= config.pingTimeoutMs) {
      await this.#options.launcher.terminate(handleOf(job)).catch((error: unknown) => this.#warn(job, error));
      const silent = Math.round((now - heard.getTime()) / 1000);
      await this.#end(
        job,
        'lost',
        `no telemetry for ${silent} s and no pong within ${config.pingTimeoutMs / 1000} s of a ping`,
      );
    }
  }

  async #end(job: JobRow, to: 'failed' | 'lost' | 'terminated', message: string): Promise<void> {
    const { store, metrics, logger } = this.#options;
    const code = to === 'failed' ? ErrorCodes.JOB_FAILED : to === 'lost' ? ErrorCodes.TIMEOUT : undefined;
    const moved = await transition(
      store.sql,
      { telemetryId: job.telemetry_id, attempt: job.attempt },
      [job.status],
      to,
      {
        message,
        code,
      },
    );
    if (!moved) return;
    logger.warn({ queue_id: job.queue_id, telemetry_id: job.telemetry_id, status: to }, message);
    if (to !== 'terminated')
      metrics.failed.inc({ target: job.target, reason: to === 'lost' ? 'lost' : 'exit' });
    await this.#options.onChanged(job.queue_id);
  }

  #warn(job: JobRow, error: unknown): void {
    this.#options.logger.warn(
      { queue_id: job.queue_id, telemetry_id: job.telemetry_id, err: errorMessage(error) },
      'supervision action failed',
    );
  }
}
