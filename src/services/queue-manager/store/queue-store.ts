import type { SqlClient, SqlExecutor } from '../../../store/index.ts';
import type { PlannedQueue } from '../request/plan.ts';
import type { JobStatus, QueueStatus } from '../request/schema.ts';
import { rollUp } from '../rollup.ts';
import { JOB_COLUMNS, QUEUE_COLUMNS, type EventRow, type JobRow, type QueueRow } from './rows.ts';
import { TOPIC_WRITER } from '../views.ts';

export interface ListFilter {
  status?: QueueStatus;
  symbol?: string;
  limit: number;
  /** seq of the last queue of the previous page. */
  cursor?: number;
}

/** Queue and job state in SQL (PostgreSQL or PGlite); every method is one statement or one transaction. */
/** countsTowardQueue (views.ts) for a row `j` of qm_jobs: a loader whose topic a job of its queue drains counts there. */
const COUNTS_TOWARD_QUEUE = `j.target <> '${TOPIC_WRITER}' or not exists (
  select 1 from qm_jobs r where r.queue_id = j.queue_id and r.topic = j.topic and r.target <> '${TOPIC_WRITER}')`;

export class QueueStore {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  get sql(): SqlClient {
    return this.#sql;
  }

  async create(plan: PlannedQueue): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      await tx.query(
        `insert into qm_queues (queue_id, symbol, time_range, status, request) values ($1, $2, $3, 'pending', $4)`,
        [plan.queueId, plan.symbol, plan.timeRange, JSON.stringify(plan.request)],
      );
      for (const job of plan.jobs) {
        await tx.query(
          `insert into qm_jobs (telemetry_id, queue_id, position, target, type, streaming, job_name, topic, collection,
             params, inputs, depends_on, status)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending')`,
          [
            job.telemetryId,
            plan.queueId,
            job.position,
            job.target,
            job.type,
            job.streaming,
            job.jobName,
            job.topic,
            job.collection,
            JSON.stringify(job.params),
            JSON.stringify(job.inputs),
            job.dependsOn,
          ],
        );
      }
    });
  }

  async queue(queueId: string): Promise<QueueRow | undefined> {
    const { rows } = await this.#sql.query<QueueRow>(
      `select ${QUEUE_COLUMNS}, null as jobs_by_status, null as records_written from qm_queues q where q.queue_id = $1`,
      [queueId],
    );
    return rows[0];
  }

  async jobs(queueIds: readonly string[]): Promise<JobRow[]> {
    const { rows } = await this.#sql.query<JobRow>(
      `select ${JOB_COLUMNS} from qm_jobs where queue_id = any($1::text[]) order by queue_id, position`,
      [queueIds],
    );
    return rows;
  }

  async job(telemetryId: string): Promise<JobRow | undefined> {
    const { rows } = await this.#sql.query<JobRow>(
      `select ${JOB_COLUMNS} from qm_jobs where telemetry_id = $1`,
      [telemetryId],
    );
    return rows[0];
  }

  /** Jobs that may be running somewhere: what supervision and reconciliation look at. */
  async activeJobs(): Promise<JobRow[]> {
    const { rows } = await this.#sql.query<JobRow>(
      `select ${JOB_COLUMNS} from qm_jobs where status in ('launching', 'running', 'stopping') order by queue_id, position`,
    );
    return rows;
  }

  /** Queues that are not over: the ones whose pending jobs may need launching. */
  async openQueueIds(): Promise<string[]> {
    const { rows } = await this.#sql.query<{ queue_id: string }>(
      `select queue_id from qm_queues where status in ('pending', 'running') order by seq`,
    );
    return rows.map((r) => r.queue_id);
  }

  async list(filter: ListFilter): Promise<{ rows: QueueRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) where.push(`q.status = $${params.push(filter.status)}`);
    if (filter.symbol) where.push(`q.symbol = $${params.push(filter.symbol.toUpperCase())}`);
    const counted = where.length ? `where ${where.join(' and ')}` : '';
    const total = await this.#sql.query<{ n: number }>(
      `select count(*)::float8 as n from qm_queues q ${counted}`,
      params,
    );
    if (filter.cursor !== undefined) where.push(`q.seq < $${params.push(filter.cursor)}`);
    const { rows } = await this.#sql.query<QueueRow>(
      `select ${QUEUE_COLUMNS}, s.jobs_by_status, coalesce(s.records_written, 0) as records_written
       from qm_queues q
       left join lateral (
         select jsonb_object_agg(status, n) as jobs_by_status, sum(records)::float8 as records_written
         from (select status, count(*)::int as n, sum(records_written) filter (where ${COUNTS_TOWARD_QUEUE}) as records
               from qm_jobs j where j.queue_id = q.queue_id group by status) c
       ) s on true
       ${where.length ? `where ${where.join(' and ')}` : ''}
       order by q.seq desc limit $${params.push(filter.limit)}`,
      params,
    );
    return { rows, total: total.rows[0]?.n ?? 0 };
  }

  async events(queueId: string, after: number, limit: number, telemetryId?: string): Promise<EventRow[]> {
    const params: unknown[] = [queueId, after, limit];
    const { rows } = await this.#sql.query<EventRow>(
      `select id::float8 as id, telemetry_id, attempt, event, sent_at, received_at,
              records_written::float8 as records_written, message, error_message, payload
       from qm_events where queue_id = $1 and id > $2 ${telemetryId ? `and telemetry_id = $${params.push(telemetryId)}` : ''}
       order by id limit $3`,
      params,
    );
    return rows;
  }

  /**
   * Recomputes the status of these queues from their jobs and stores the ones that changed, with
   * started_at (first time running) and finished_at (set when over, cleared when a retry reopens it).
   */
  async rollUp(queueIds: readonly string[], tx: SqlExecutor = this.#sql): Promise<Map<string, QueueStatus>> {
    const changed = new Map<string, QueueStatus>();
    if (queueIds.length === 0) return changed;
    const { rows } = await tx.query<{
      queue_id: string;
      status: QueueStatus;
      jobs: { telemetry_id: string; status: JobStatus; depends_on: string[] }[];
    }>(
      `select q.queue_id, q.status,
              jsonb_agg(jsonb_build_object('telemetry_id', j.telemetry_id, 'status', j.status, 'depends_on', j.depends_on)) as jobs
       from qm_queues q join qm_jobs j on j.queue_id = q.queue_id
       where q.queue_id = any($1::text[]) group by q.queue_id, q.status`,
      [queueIds],
    );
    for (const row of rows) {
      const status = rollUp(
        row.jobs.map((j) => ({ telemetryId: j.telemetry_id, status: j.status, dependsOn: j.depends_on })),
      );
      if (status !== row.status) changed.set(row.queue_id, status);
    }
    for (const [queueId, status] of changed) {
      await tx.query(
        `update qm_queues set status = $2, updated_at = now(),
           started_at = case when $2 = 'running' then coalesce(started_at, now()) else started_at end,
           finished_at = case when $2 in ('finished', 'failed', 'stopped') then now() else null end
         where queue_id = $1`,
        [queueId, status],
      );
    }
    return changed;
  }
}
