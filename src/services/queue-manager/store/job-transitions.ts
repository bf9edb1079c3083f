import type { SqlExecutor } from '../../../store/index.ts';
import type { JobStatus } from '../request/schema.ts';

/**
 * Moves one attempt of one job from one of `from` to `to`, with an optional error; false when the job
 * was no longer in `from` (an event or another verb got there first). Ending states set finished_at.
 */
export async function transition(
  sql: SqlExecutor,
  job: { telemetryId: string; attempt: number },
  from: readonly JobStatus[],
  to: JobStatus,
  error?: { message: string; code?: string },
): Promise<boolean> {
  const ending = !['pending', 'launching', 'running', 'stopping'].includes(to);
  const { rowCount } = await sql.query(
    `update qm_jobs set status = $4,
       finished_at = case when $5 then now() else finished_at end,
       error_message = coalesce($6, error_message), error_code = coalesce($7, error_code)
     where telemetry_id = $1 and attempt = $2 and status = any($3::text[])`,
    [job.telemetryId, job.attempt, from, to, ending, error?.message ?? null, error?.code ?? null],
  );
  return rowCount > 0;
}

/** What a launcher said about an attempt's end; the supervisor decides after the exit grace. */
export async function recordExit(
  sql: SqlExecutor,
  exit: { telemetryId: string; attempt: number; exitCode: number | null; reason: string },
): Promise<void> {
  await sql.query(
    `update qm_jobs set exited_at = coalesce(exited_at, now()), exit_code = $3, exit_reason = $4
     where telemetry_id = $1 and attempt = $2 and status in ('launching', 'running', 'stopping')`,
    [exit.telemetryId, exit.attempt, exit.exitCode, exit.reason],
  );
}
