import type { JobStatus, QueueStatus } from './request/schema.ts';

export interface RollupJob {
  telemetryId: string;
  status: JobStatus;
  dependsOn: readonly string[];
}

export const ACTIVE: ReadonlySet<JobStatus> = new Set(['launching', 'running', 'stopping']);
const FAILED: ReadonlySet<JobStatus> = new Set(['failed', 'lost']);
const STOPPED: ReadonlySet<JobStatus> = new Set(['stopped', 'terminated']);
/** Statuses a retry may start over from. */
export const RETRYABLE: ReadonlySet<JobStatus> = new Set(['failed', 'lost', 'stopped', 'terminated']);

/** A pending job can never start while something it waits for (directly or not) ended without finishing. */
export function isBlocked(
  job: RollupJob,
  byId: ReadonlyMap<string, RollupJob>,
  seen = new Set<string>(),
): boolean {
  for (const id of job.dependsOn) {
    const dep = byId.get(id);
    if (!dep || seen.has(id)) continue;
    seen.add(id);
    if (FAILED.has(dep.status) || STOPPED.has(dep.status) || isBlocked(dep, byId, seen)) return true;
  }
  return false;
}

/** Pending jobs whose every dependency has finished: the ones to launch now. */
export function launchable<T extends RollupJob>(jobs: readonly T[]): T[] {
  const byId = new Map(jobs.map((j) => [j.telemetryId, j]));
  return jobs.filter(
    (j) => j.status === 'pending' && j.dependsOn.every((id) => byId.get(id)?.status === 'finished'),
  );
}

/**
 * A queue's status from its jobs: running while any job is active or can still start (pending when
 * none has started yet); once nothing can move, finished if every job finished, failed if any failed
 * or was lost, else stopped.
 */
export function rollUp(jobs: readonly RollupJob[]): QueueStatus {
  const byId = new Map(jobs.map((j) => [j.telemetryId, j]));
  const waiting = jobs.filter((j) => j.status === 'pending' && !isBlocked(j, byId));
  if (jobs.some((j) => ACTIVE.has(j.status))) return 'running';
  if (waiting.length > 0) return waiting.length === jobs.length ? 'pending' : 'running';
  if (jobs.every((j) => j.status === 'finished')) return 'finished';
  if (jobs.some((j) => FAILED.has(j.status))) return 'failed';
  return 'stopped';
}

export function isTerminalQueue(status: QueueStatus): boolean {
  return status === 'finished' || status === 'failed' || status === 'stopped';
}
