import type { EventView, JobView, QueueSummary, QueueView } from './request/schema.ts';
import type { EventRow, JobRow, QueueRow } from './store/rows.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The job that writes a data topic; another job on the same topic drains it (the connector). */
export const TOPIC_WRITER = 'loader-producer';

/**
 * Whether a job's records count toward its queue's `records_written`, so that each record counts once:
 * a loader's records are only in flight on its topic, and when a job of the queue drains that topic
 * they count there, as stored. (queue-store.ts says the same in SQL for the queue list.)
 */
export function countsTowardQueue(job: JobRow, jobs: readonly JobRow[]): boolean {
  if (job.target !== TOPIC_WRITER) return true;
  return !jobs.some((other) => other.topic === job.topic && other.target !== TOPIC_WRITER);
}

export function jobView(j: JobRow): JobView {
  const end = j.finished_at ?? (j.started_at ? new Date() : null);
  return {
    telemetry_id: j.telemetry_id,
    target: j.target,
    type: j.type,
    streaming: j.streaming,
    job_name: j.job_name,
    topic: j.topic,
    collection: j.collection,
    depends_on: j.depends_on,
    inputs: j.inputs,
    status: j.status,
    attempt: j.attempt,
    records_written: j.records_written,
    records_total: j.records_total,
    progress: j.records_total
      ? Math.min(1, j.records_written / j.records_total)
      : j.status === 'finished'
        ? 1
        : null,
    last_event: j.last_event,
    error: j.error_message ? { message: j.error_message, code: j.error_code } : null,
    launched_at: iso(j.launched_at),
    started_at: iso(j.started_at),
    finished_at: iso(j.finished_at),
    last_seen_at: iso(j.last_seen_at),
    duration_seconds: j.started_at && end ? (end.getTime() - j.started_at.getTime()) / 1000 : null,
  };
}

export function queueSummary(q: QueueRow, jobs?: readonly JobRow[]): QueueSummary {
  let byStatus = q.jobs_by_status ?? {};
  let records = q.records_written ?? 0;
  if (jobs) {
    byStatus = {};
    records = 0;
    for (const j of jobs) {
      byStatus[j.status] = (byStatus[j.status] ?? 0) + 1;
      if (countsTowardQueue(j, jobs)) records += j.records_written;
    }
  }
  return {
    queue_id: q.queue_id,
    status: q.status,
    symbol: q.symbol,
    time_range: q.time_range,
    created_at: q.created_at.toISOString(),
    updated_at: q.updated_at.toISOString(),
    started_at: iso(q.started_at),
    finished_at: iso(q.finished_at),
    stop_requested_at: iso(q.stop_requested_at),
    records_written: records,
    jobs_by_status: byStatus,
  };
}

export function queueView(q: QueueRow, jobs: readonly JobRow[]): QueueView {
  return { ...queueSummary(q, jobs), jobs: jobs.map(jobView) };
}

export function eventView(e: EventRow): EventView {
  return { ...e, received_at: e.received_at.toISOString() };
}
