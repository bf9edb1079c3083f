import { errorMessage } from '../../../protocol/index.ts';
import type { JobLauncher } from '../../../launcher/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { QueueManagerConfig } from '../config.ts';
import { recordExit } from '../store/job-transitions.ts';
import type { QueueStore } from '../store/queue-store.ts';
import { handleOf, specOf } from './job-spec.ts';

export interface ReconcileReport {
  running: number;
  ended: number;
  relaunched: number;
  absent: number;
}

/**
 * On start, after the telemetry backlog is folded: every job the database thinks is active is looked
 * up through the launcher (by label on Kubernetes, by pid and environment for processes). Running ones
 * are watched again; ended and vanished ones get an exit recorded, which the supervisor turns into
 * failed or lost if no final event arrives; an attempt whose launch a crash interrupted is launched
 * again only when the launcher makes that harmless (Kubernetes: same name, 409 adopts). Nothing is
 * ever launched twice.
 */
export async function reconcile(options: {
  store: QueueStore;
  launcher: JobLauncher;
  config: QueueManagerConfig;
  logger: Logger;
}): Promise<ReconcileReport> {
  const { store, launcher, config, logger } = options;
  const report: ReconcileReport = { running: 0, ended: 0, relaunched: 0, absent: 0 };
  const jobs = await store.activeJobs();
  if (jobs.length === 0) return report;
  const seen = await launcher.inspect(jobs.map(handleOf));
  for (const job of jobs) {
    const found = seen.get(job.telemetry_id) ?? { state: 'absent' as const };
    const exit = { telemetryId: job.telemetry_id, attempt: job.attempt };
    if (found.state === 'running') {
      report.running += 1;
    } else if (found.state === 'succeeded' || found.state === 'failed') {
      report.ended += 1;
      const reason =
        found.state === 'failed'
          ? `ended while the manager was away: ${found.reason}`
          : 'ended while the manager was away';
      await recordExit(store.sql, { ...exit, exitCode: found.state === 'failed' ? 1 : 0, reason });
    } else if (job.status === 'launching' && job.launcher_ref === null && launcher.idempotent) {
      const queue = await store.queue(job.queue_id);
      if (!queue) continue;
      try {
        const result = await launcher.launch(specOf(job, queue, config, await store.jobs([job.queue_id])));
        await store.sql.query(
          `update qm_jobs set launcher_ref = $3 where telemetry_id = $1 and attempt = $2`,
          [job.telemetry_id, job.attempt, result.ref],
        );
        report.relaunched += 1;
        logger.info(
          { telemetry_id: job.telemetry_id, adopted: result.adopted },
          'launch interrupted by a restart completed',
        );
      } catch (error) {
        await recordExit(store.sql, {
          ...exit,
          exitCode: 1,
          reason: `launch after restart failed: ${errorMessage(error)}`,
        });
      }
    } else {
      report.absent += 1;
      const reason =
        launcher.kind === 'inline'
          ? 'in-process job ended with the previous manager process'
          : 'not found after the manager restarted (exit code unknown)';
      await recordExit(store.sql, { ...exit, exitCode: null, reason });
    }
  }
  logger.info({ ...report }, 'reconciled jobs with the launcher');
  return report;
}
