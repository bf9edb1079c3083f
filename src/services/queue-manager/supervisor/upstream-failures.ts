import { ErrorCodes } from '../../../protocol/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { JobStatus } from '../request/schema.ts';
import { ACTIVE } from '../rollup.ts';
import type { QueueStore } from '../store/queue-store.ts';
import type { JobRow } from '../store/rows.ts';
import type { Commander } from './commander.ts';
import { upstreamWriterOf } from './job-spec.ts';

/** Ended without finishing: no more records, no end-of-stream markers, no output will come from it. */
const ENDED_UNFINISHED: ReadonlySet<JobStatus> = new Set(['failed', 'lost', 'stopped', 'terminated']);

/**
 * A historical connector waits for the end-of-stream markers of the loader writing its topic. When that
 * loader ended without finishing (failed, lost, stopped or terminated: retries are the user's call), the
 * markers will never come: the connector is told to stop, with the reason on the job, so it ends
 * `stopped` instead of draining forever. Returns how many were told.
 */
export async function stopOrphanedDrainers(
  store: QueueStore,
  commander: Commander,
  jobs: readonly JobRow[],
  logger: Logger,
): Promise<number> {
  let told = 0;
  for (const job of jobs) {
    if (job.streaming || !ACTIVE.has(job.status) || job.status === 'stopping') continue;
    const writerId = upstreamWriterOf(job, jobs);
    const writer = jobs.find((j) => j.telemetry_id === writerId);
    if (!writer || !ENDED_UNFINISHED.has(writer.status)) continue;
    const reason =
      `stopped: the loader ${writer.telemetry_id} writing ${job.topic} ended ${writer.status}` +
      `${writer.error_message ? ` (${writer.error_message})` : ''}, so its end-of-stream markers will never come; ` +
      `retry the loader to run both again`;
    // Only while the loader is still where this pass saw it: a retry may have reopened it since.
    const { rowCount } = await store.sql.query(
      `update qm_jobs set status = 'stopping', stop_requested_at = now(), error_message = $3, error_code = $4
       where telemetry_id = $1 and attempt = $2 and status in ('launching', 'running')
         and exists (select 1 from qm_jobs w where w.telemetry_id = $5 and w.attempt = $6 and w.status = $7)`,
      [
        job.telemetry_id,
        job.attempt,
        reason,
        ErrorCodes.UPSTREAM_FAILED,
        writer.telemetry_id,
        writer.attempt,
        writer.status,
      ],
    );
    if (rowCount === 0) continue;
    told += 1;
    logger.warn({ queue_id: job.queue_id, telemetry_id: job.telemetry_id }, reason);
    // The supervisor repeats the stop to a job still `stopping`, and terminates it after the stop grace.
    await commander
      .send('stop', job.queue_id, job.telemetry_id)
      .catch((error: unknown) =>
        logger.warn({ telemetry_id: job.telemetry_id, err: String(error) }, 'stop not sent; will repeat'),
      );
  }
  return told;
}

/**
 * Pending jobs that can never start, because something they wait for (directly or not) ended without
 * finishing, are marked `stopped` with "not run: …" (SF_UPSTREAM_FAILED), so no job is left pending in a
 * queue that is over. A retry of a job of the queue returns them to pending. Returns how many were marked.
 */
export async function markNotRun(store: QueueStore, jobs: readonly JobRow[]): Promise<number> {
  const byId = new Map(jobs.map((j) => [j.telemetry_id, j]));
  const status = new Map(jobs.map((j) => [j.telemetry_id, j.status]));
  const because = new Map<string, { blocker: string; message: string }>();
  // Walk in dependency order: a job blocked by a job marked here is blocked too.
  let changed = true;
  while (changed) {
    changed = false;
    for (const job of jobs) {
      if (status.get(job.telemetry_id) !== 'pending') continue;
      const blocker = job.depends_on.find((id) => ENDED_UNFINISHED.has(status.get(id) ?? 'pending'));
      if (blocker === undefined) continue;
      const dep = byId.get(blocker)!;
      because.set(job.telemetry_id, {
        blocker,
        message:
          `not run: it waits for ${blocker}, which ${because.has(blocker) ? 'did not run' : `ended ${status.get(blocker)}`}` +
          `${!because.has(blocker) && dep.error_message ? ` (${dep.error_message})` : ''}`,
      });
      status.set(job.telemetry_id, 'stopped');
      changed = true;
    }
  }
  let marked = 0;
  // In dependency order; each only while its blocker is still over (a retry may have reopened it since).
  for (const [telemetryId, { blocker, message }] of because) {
    const job = byId.get(telemetryId)!;
    const { rowCount } = await store.sql.query(
      `update qm_jobs set status = 'stopped', finished_at = now(), error_message = $3, error_code = $4
       where telemetry_id = $1 and attempt = $2 and status = 'pending'
         and exists (select 1 from qm_jobs d where d.telemetry_id = $5 and d.status = any($6::text[]))`,
      [telemetryId, job.attempt, message, ErrorCodes.UPSTREAM_FAILED, blocker, [...ENDED_UNFINISHED]],
    );
    marked += rowCount;
  }
  return marked;
}
