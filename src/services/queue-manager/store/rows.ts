import type { ResolvedInput } from '../request/schema.ts';
import type { JobStatus, QueueStatus } from '../request/schema.ts';

/** A row of qm_queues as the store selects it (bigints cast to numbers in SQL). */
export interface QueueRow {
  queue_id: string;
  seq: number;
  symbol: string;
  time_range: string;
  status: QueueStatus;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  stop_requested_at: Date | null;
  terminate_requested_at: Date | null;
  jobs_by_status: Record<string, number> | null;
  records_written: number | null;
}

/** A row of qm_jobs. */
export interface JobRow {
  telemetry_id: string;
  queue_id: string;
  position: number;
  target: string;
  type: string;
  streaming: boolean;
  job_name: string;
  topic: string;
  collection: string;
  params: Record<string, unknown>;
  /** What each input name of the request resolved to. */
  inputs: ResolvedInput[];
  depends_on: string[];
  status: JobStatus;
  attempt: number;
  /** When the current attempt was asked for by a retry; null for the first attempt. */
  retried_at: Date | null;
  launcher_ref: string | null;
  launched_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  last_seen_at: Date | null;
  pinged_at: Date | null;
  stop_requested_at: Date | null;
  exited_at: Date | null;
  exit_code: number | null;
  exit_reason: string | null;
  records_written: number;
  records_total: number | null;
  last_event: Record<string, unknown> | null;
  error_message: string | null;
  error_code: string | null;
}

export const JOB_COLUMNS = `telemetry_id, queue_id, position, target, type, streaming, job_name, topic, collection,
  params, inputs, depends_on, status, attempt, retried_at, launcher_ref, launched_at, started_at, finished_at, last_seen_at, pinged_at,
  stop_requested_at, exited_at, exit_code, exit_reason, records_written::float8 as records_written,
  records_total::float8 as records_total, last_event, error_message, error_code`;

export const QUEUE_COLUMNS = `q.queue_id, q.seq::float8 as seq, q.symbol, q.time_range, q.status, q.created_at,
  q.updated_at, q.started_at, q.finished_at, q.stop_requested_at, q.terminate_requested_at`;

/** Event history row. */
export interface EventRow {
  id: number;
  telemetry_id: string;
  attempt: number;
  event: string;
  sent_at: number;
  received_at: Date;
  records_written: number | null;
  message: string | null;
  error_message: string | null;
  payload: Record<string, unknown>;
}
