import { ErrorCodes, errorMessage, isStreamForgeError } from '../../../protocol/index.ts';
import type { JobLauncher } from '../../../launcher/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { QueueManagerConfig } from '../config.ts';
import type { QueueManagerMetrics } from '../metrics.ts';
import { launchable } from '../rollup.ts';
import { transition } from '../store/job-transitions.ts';
import type { QueueStore } from '../store/queue-store.ts';
import type { JobRow, QueueRow } from '../store/rows.ts';
import type { Commander } from './commander.ts';
import { specOf } from './job-spec.ts';
import { markNotRun, stopOrphanedDrainers } from './upstream-failures.ts';

export interface SchedulerOptions {
  store: QueueStore;
  launcher: JobLauncher;
  config: QueueManagerConfig;
  logger: Logger;
  metrics: QueueManagerMetrics;
  /** Sends `stop` to a connector whose loader ended without finishing. */
  commander: Commander;
  /** After anything of the queue changed (cache, live streams). */
  onChanged: (queueId: string) => void;
}

/**
 * Launches the jobs of a queue whose dependencies have finished; first ends what can no longer
 * complete (upstream-failures.ts): connectors whose loader failed, pending jobs whose dependency did. Each launch is claimed in the
 * database first (pending → launching, one qm_launches row per attempt), so a job is launched once
 * however many passes run, and passes for one queue run one at a time.
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #passes = new Map<string, Promise<void>>();

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Runs a pass for the queue after the one in progress, if any. */
  schedule(queueId: string): Promise<void> {
    return this.exclusive(queueId, () => this.#pass(queueId)).catch((error: unknown) => {
      this.#options.logger.error({ queue_id: queueId, err: errorMessage(error) }, 'scheduling pass failed');
    });
  }

  /** Runs `work` for the queue between its passes (a retry reopening jobs); rejects as `work` does. */
  exclusive<T>(queueId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#passes.get(queueId) ?? Promise.resolve();
    const result = previous.then(work);
    const next = result.then(
      () => undefined,
      () => undefined,
    );
    this.#passes.set(queueId, next);
    void next.finally(() => {
      if (this.#passes.get(queueId) === next) this.#passes.delete(queueId);
    });
    return result;
  }

  /** Waits for every pass in progress (shutdown). */
  async idle(): Promise<void> {
    while (this.#passes.size > 0) await Promise.all([...this.#passes.values()]);
  }

  async #pass(queueId: string): Promise<void> {
    const { store } = this.#options;
    const queue = await store.queue(queueId);
    if (!queue || queue.stop_requested_at) return;
    let jobs = await store.jobs([queueId]);
    // What failed upstream ends what waits for it, so the queue reaches a terminal state.
    const settled =
      (await stopOrphanedDrainers(store, this.#options.commander, jobs, this.#options.logger)) +
      (await markNotRun(store, jobs));
    if (settled > 0) jobs = await store.jobs([queueId]);
    const ready = launchable(
      jobs.map((j) => ({ telemetryId: j.telemetry_id, status: j.status, dependsOn: j.depends_on, row: j })),
    ).map((j) => j.row);
    if (ready.length === 0 && settled === 0) return;
    for (const job of ready) await this.#launch(queue, job, jobs);
    await store.rollUp([queueId]);
    this.#options.onChanged(queueId);
  }

  async #launch(queue: QueueRow, job: JobRow, all: readonly JobRow[]): Promise<void> {
    const { store, launcher, config, logger, metrics } = this.#options;
    const claimed = await store.sql.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `update qm_jobs set status = 'launching', launched_at = now(), launcher_ref = null, pinged_at = null,
           last_seen_at = null, exited_at = null, exit_code = null, exit_reason = null, stop_requested_at = null
         where telemetry_id = $1 and attempt = $2 and status = 'pending'`,
        [job.telemetry_id, job.attempt],
      );
      if (rowCount === 0) return false;
      const launch = await tx.query(
        `insert into qm_launches (telemetry_id, attempt, queue_id, launcher) values ($1, $2, $3, $4)
         on conflict do nothing`,
        [job.telemetry_id, job.attempt, job.queue_id, launcher.kind],
      );
      if (launch.rowCount === 0)
        throw new Error(`attempt ${job.attempt} of ${job.telemetry_id} was launched before`);
      return true;
    });
    if (!claimed) return;
    // Ready when its queue started or its retry was asked for, and its dependencies had finished.
    const readyAt = Math.max(
      (job.retried_at ?? queue.created_at).getTime(),
      ...all.filter((j) => job.depends_on.includes(j.telemetry_id)).map((j) => j.finished_at?.getTime() ?? 0),
    );
    try {
      const result = await launcher.launch(specOf({ ...job, status: 'launching' }, queue, config, all));
      await store.sql.query(`update qm_jobs set launcher_ref = $3 where telemetry_id = $1 and attempt = $2`, [
        job.telemetry_id,
        job.attempt,
        result.ref,
      ]);
      await store.sql.query(
        `update qm_launches set ref = $3, adopted = $4 where telemetry_id = $1 and attempt = $2`,
        [job.telemetry_id, job.attempt, result.ref, result.adopted],
      );
      metrics.launched.inc({ target: job.target, launcher: launcher.kind });
      metrics.launchLatency.observe({ launcher: launcher.kind }, Math.max(0, Date.now() - readyAt) / 1000);
      logger.info(
        {
          queue_id: job.queue_id,
          telemetry_id: job.telemetry_id,
          attempt: job.attempt,
          ref: result.ref,
          adopted: result.adopted,
        },
        'job launched',
      );
    } catch (error) {
      const code = isStreamForgeError(error) ? error.code : ErrorCodes.LAUNCH_FAILED;
      logger.error(
        { queue_id: job.queue_id, telemetry_id: job.telemetry_id, err: errorMessage(error) },
        'launch failed',
      );
      metrics.failed.inc({ target: job.target, reason: 'launch' });
      await transition(
        store.sql,
        { telemetryId: job.telemetry_id, attempt: job.attempt },
        ['launching'],
        'failed',
        {
          message: `launch failed: ${errorMessage(error)}`,
          code,
        },
      );
    }
  }
}
