import type { Telemetry } from '../../../protocol/index.ts';
import type { SqlExecutor } from '../../../store/index.ts';
import type { JobStatus, QueueStatus } from '../request/schema.ts';
import type { QueueStore } from '../store/queue-store.ts';

/** A telemetry event as stored, for the live stream. */
export interface FoldedEvent {
  id: number;
  queue_id: string;
  telemetry_id: string;
  attempt: number;
  event: string;
  sent_at: number;
  received_at: Date;
  payload: Telemetry;
}

export interface FoldResult {
  /** Events stored and applied now. */
  applied: FoldedEvent[];
  /** Events already stored (redelivered) or of no job this manager knows. */
  skipped: number;
  /** Jobs whose state changed, with their new status. */
  jobs: { queueId: string; telemetryId: string; status: JobStatus }[];
  /** Queues whose status changed. */
  queues: Map<string, QueueStatus>;
  /** Queues in which a job reached its end: their waiting jobs may start now. */
  settledQueues: Set<string>;
}

/**
 * An event older than its job's current attempt by more than this (seconds) is history of an earlier
 * attempt: stored, but it moves nothing. Allows for clock skew between the job's host and the manager.
 */
const STALE_SECONDS = 2;

const TERMINAL_STATUS: Readonly<Record<string, JobStatus>> = {
  finished: 'finished',
  error: 'failed',
  interrupted: 'stopped',
};

interface Inserted {
  id: number;
  queue_id: string;
  telemetry_id: string;
  attempt: number;
  event: string;
  sent_at: number;
  received_at: Date;
  launched_at: number | null;
}

const keyOf = (t: { telemetry_id: string; event: string; sent_at: number }): string =>
  `${t.telemetry_id}\u0000${t.event}\u0000${t.sent_at}`;

/**
 * Folds a batch of telemetry into job and queue state in one transaction. Idempotent: events are
 * unique on (telemetry_id, event, sent_at), and only the ones inserted now move state, so a
 * redelivered batch changes nothing. records_written is a running total, folded with greatest().
 */
export async function foldTelemetry(store: QueueStore, batch: readonly Telemetry[]): Promise<FoldResult> {
  const unique = new Map<string, Telemetry>();
  for (const t of batch) unique.set(keyOf(t), t);
  const events = [...unique.values()];
  return store.sql.transaction(async (tx) => {
    const inserted = await insertEvents(tx, events);
    const applied = inserted.map((row) => ({ ...row, payload: unique.get(keyOf(row))! }));
    const jobs = await applyToJobs(
      tx,
      applied.filter((e) => e.launched_at === null || e.sent_at >= e.launched_at - STALE_SECONDS),
    );
    // Only a job whose status moved can move its queue's: progress alone needs no roll-up.
    const moved = [...new Set(jobs.filter((j) => j.moved).map((j) => j.queueId))];
    const queues = await store.rollUp(moved, tx);
    const settledQueues = new Set(jobs.filter((j) => j.terminal).map((j) => j.queueId));
    return {
      applied: applied.map(({ launched_at: _, ...e }) => e),
      skipped: batch.length - applied.length,
      jobs: jobs.map(({ terminal: _, moved: __, ...j }) => j),
      queues,
      settledQueues,
    };
  });
}

async function insertEvents(tx: SqlExecutor, events: Telemetry[]): Promise<Inserted[]> {
  if (events.length === 0) return [];
  const { rows } = await tx.query<Inserted>(
    // One JSON parameter: PostgreSQL parses it natively, far cheaper than escaping eight text arrays in JS.
    `with input as (
       select e as payload, e->>'queue_id' as queue_id, e->>'telemetry_id' as telemetry_id, e->>'event' as event,
              (e->>'sent_at')::float8 as sent_at, (e->>'records_written')::bigint as records_written,
              e->>'message' as message, e->>'error_message' as error_message
       from jsonb_array_elements($1::jsonb) e
     ), ins as (
       insert into qm_events (queue_id, telemetry_id, attempt, event, sent_at, records_written, message, error_message, payload)
       select i.queue_id, i.telemetry_id, j.attempt, i.event, i.sent_at, i.records_written, i.message,
              i.error_message, i.payload
       from input i join qm_jobs j on j.telemetry_id = i.telemetry_id and j.queue_id = i.queue_id
       on conflict (telemetry_id, event, sent_at) do nothing
       returning id, queue_id, telemetry_id, attempt, event, sent_at, received_at
     )
     select ins.id::float8 as id, ins.queue_id, ins.telemetry_id, ins.attempt, ins.event, ins.sent_at, ins.received_at,
            extract(epoch from j.launched_at)::float8 as launched_at
     from ins join qm_jobs j on j.telemetry_id = ins.telemetry_id
     order by ins.id`,
    [JSON.stringify(events)],
  );
  return rows;
}

/** What one batch says about one job. */
interface JobDelta {
  telemetryId: string;
  lastAt: number;
  eventAt: number | null;
  lastEvent: Telemetry | null;
  recordsWritten: number | null;
  recordsTotal: number | null;
  startedAt: number | null;
  terminal: { status: JobStatus; at: number; error: string | null; code: string | null } | null;
}

function deltas(events: readonly FoldedEvent[]): JobDelta[] {
  const byJob = new Map<string, JobDelta>();
  for (const { payload: t } of [...events].sort((a, b) => a.sent_at - b.sent_at)) {
    let d = byJob.get(t.telemetry_id);
    if (!d) {
      d = {
        telemetryId: t.telemetry_id,
        lastAt: t.sent_at,
        eventAt: null,
        lastEvent: null,
        recordsWritten: null,
        recordsTotal: null,
        startedAt: null,
        terminal: null,
      };
      byJob.set(t.telemetry_id, d);
    }
    d.lastAt = Math.max(d.lastAt, t.sent_at);
    if (t.event !== 'pong') {
      d.eventAt = t.sent_at;
      d.lastEvent = t;
    }
    if (t.records_written !== undefined)
      d.recordsWritten = Math.max(d.recordsWritten ?? 0, t.records_written);
    if (t.records_total !== undefined) d.recordsTotal = t.records_total;
    if (t.event === 'started' && d.startedAt === null) d.startedAt = t.sent_at;
    const status = TERMINAL_STATUS[t.event];
    if (status && d.terminal === null) {
      d.terminal = { status, at: t.sent_at, error: t.error_message ?? null, code: t.error_code ?? null };
    }
  }
  return [...byJob.values()];
}

async function applyToJobs(
  tx: SqlExecutor,
  events: readonly FoldedEvent[],
): Promise<{ queueId: string; telemetryId: string; status: JobStatus; moved: boolean; terminal: boolean }[]> {
  const list = deltas(events);
  if (list.length === 0) return [];
  const live = `j.status in ('launching', 'running', 'stopping', 'lost')`;
  const { rows } = await tx.query<{
    queue_id: string;
    telemetry_id: string;
    status: JobStatus;
    old_status: JobStatus;
    terminal: string | null;
  }>(
    `update qm_jobs j set
       last_seen_at = greatest(j.last_seen_at, to_timestamp(u.last_at)),
       pinged_at = null,
       last_event = case when u.event_at is not null and (j.last_event_at is null or u.event_at >= j.last_event_at)
                         then u.last_event::jsonb else j.last_event end,
       last_event_at = case when u.event_at is null then j.last_event_at else greatest(j.last_event_at, u.event_at) end,
       records_written = greatest(j.records_written, coalesce(u.records_written, 0)::bigint),
       records_total = coalesce(u.records_total::bigint, j.records_total),
       started_at = coalesce(j.started_at, to_timestamp(u.started_at)),
       status = case when ${live} and u.terminal is not null then u.terminal
                     when j.status in ('launching', 'lost') then 'running'
                     else j.status end,
       finished_at = case when ${live} and u.terminal is not null then to_timestamp(u.terminal_at) else j.finished_at end,
       -- A job stopped by the manager for a reason (upstream-failures.ts) keeps it: interrupted carries none.
       error_message = case when ${live} and u.terminal = 'stopped' then coalesce(u.error_message, j.error_message)
                            when ${live} and u.terminal is not null then u.error_message else j.error_message end,
       error_code = case when ${live} and u.terminal = 'stopped' then coalesce(u.error_code, j.error_code)
                         when ${live} and u.terminal is not null then u.error_code else j.error_code end
     from (
       -- o is the row before this update: its status tells which jobs changed state.
       select u.*, o.status as old_status
       from unnest($1::text[], $2::float8[], $3::float8[], $4::text[], $5::float8[], $6::float8[], $7::float8[],
                   $8::text[], $9::float8[], $10::text[], $11::text[])
         as u(telemetry_id, last_at, event_at, last_event, records_written, records_total, started_at, terminal,
              terminal_at, error_message, error_code)
       join qm_jobs o on o.telemetry_id = u.telemetry_id
     ) u
     where j.telemetry_id = u.telemetry_id
     returning j.queue_id, j.telemetry_id, j.status, u.old_status, u.terminal`,
    [
      list.map((d) => d.telemetryId),
      list.map((d) => d.lastAt),
      list.map((d) => d.eventAt),
      list.map((d) => (d.lastEvent ? JSON.stringify(d.lastEvent) : null)),
      list.map((d) => d.recordsWritten),
      list.map((d) => d.recordsTotal),
      list.map((d) => d.startedAt),
      list.map((d) => d.terminal?.status ?? null),
      list.map((d) => d.terminal?.at ?? null),
      list.map((d) => d.terminal?.error ?? null),
      list.map((d) => d.terminal?.code ?? null),
    ],
  );
  return rows.map((r) => ({
    queueId: r.queue_id,
    telemetryId: r.telemetry_id,
    status: r.status,
    moved: r.status !== r.old_status,
    terminal: r.terminal !== null,
  }));
}
