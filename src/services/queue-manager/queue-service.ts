import type { Bus } from '../../bus/index.ts';
import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';
// The launcher's files, not its index: `up` must not load the Kubernetes client the index brings.
import { definitionsOf, type JobCatalog } from '../../launcher/job-catalog.ts';
import type { JobDefinition, JobLauncher } from '../../launcher/index.ts';
import type { Logger } from '../../runtime/index.ts';
import type { QueueManagerConfig } from './config.ts';
import { QueueCache } from './queue-cache.ts';
import { QueueEventsHub } from './queue-events-hub.ts';
import { jobNameFor, planQueue } from './request/plan.ts';
import type { EventView, QueueStatus, QueueSummary, QueueView, StartQueue } from './request/schema.ts';
import { ACTIVE, RETRYABLE, isTerminalQueue } from './rollup.ts';
import type { QueueStore } from './store/queue-store.ts';
import type { JobRow } from './store/rows.ts';
import type { Commander } from './supervisor/commander.ts';
import { handleOf, upstreamWriterOf } from './supervisor/job-spec.ts';
import type { Scheduler } from './supervisor/scheduler.ts';
import { eventView, queueSummary, queueView } from './views.ts';

export interface QueueServiceOptions {
  config: QueueManagerConfig;
  store: QueueStore;
  bus: Bus;
  catalog: JobCatalog;
  launcher: JobLauncher;
  commander: Commander;
  scheduler: Scheduler;
  logger: Logger;
}

export interface ControlResult {
  queue_id: string;
  status: QueueStatus;
  jobs: { telemetry_id: string; status: string }[];
}

const notFound = (what: string): StreamForgeError =>
  new StreamForgeError(ErrorCodes.NOT_FOUND, `${what} does not exist`);
const conflict = (message: string): StreamForgeError => new StreamForgeError(ErrorCodes.CONFLICT, message);

/** The verbs of the REST API: start, read, stop, terminate, retry. */
export class QueueService {
  readonly #o: QueueServiceOptions;
  readonly cache: QueueCache<QueueView>;
  readonly hub = new QueueEventsHub();

  /** The job definitions of the catalogue: the API schema lists their targets and request fields. */
  get definitions(): JobDefinition[] {
    return definitionsOf(this.#o.catalog);
  }

  constructor(options: QueueServiceOptions) {
    this.#o = options;
    this.cache = new QueueCache(options.config.cacheTtlMs);
  }

  async start(body: StartQueue) {
    const { store, bus, config, scheduler, catalog } = this.#o;
    const plan = planQueue(body, catalog);
    // Data topics exist before any job that writes or reads them starts.
    const topics = [...new Set(plan.jobs.map((j) => j.topic))];
    await bus.createTopics(topics.map((name) => ({ name, partitions: config.dataTopicPartitions })));
    await store.create(plan);
    await scheduler.schedule(plan.queueId);
    const view = await this.get(plan.queueId);
    return {
      queue_id: view.queue_id,
      status: view.status,
      symbol: view.symbol,
      time_range: view.time_range,
      jobs: view.jobs.map(
        ({
          telemetry_id,
          target,
          type,
          streaming,
          job_name,
          topic,
          collection,
          depends_on,
          inputs,
          status,
        }) => ({
          telemetry_id,
          target,
          type,
          streaming,
          job_name,
          topic,
          collection,
          depends_on,
          inputs,
          status,
        }),
      ),
    };
  }

  async get(queueId: string): Promise<QueueView> {
    const cached = this.cache.get(queueId);
    if (cached) return cached;
    const generation = this.cache.generation(queueId);
    const queue = await this.#o.store.queue(queueId);
    if (!queue) throw notFound(`queue ${queueId}`);
    const view = queueView(queue, await this.#o.store.jobs([queueId]));
    this.cache.set(queueId, view, generation);
    return view;
  }

  async list(query: { status?: QueueStatus; symbol?: string; limit?: number; cursor?: string }) {
    const limit = query.limit ?? 50;
    const { rows, total } = await this.#o.store.list({
      status: query.status,
      symbol: query.symbol,
      limit,
      cursor: query.cursor === undefined ? undefined : Number(query.cursor),
    });
    const items: QueueSummary[] = rows.map((r) => queueSummary(r));
    const last = rows.at(-1);
    return { items, total, next_cursor: rows.length === limit && last ? String(last.seq) : null };
  }

  async events(queueId: string, query: { after?: number; limit?: number; telemetry_id?: string }) {
    if (!(await this.#o.store.queue(queueId))) throw notFound(`queue ${queueId}`);
    const limit = query.limit ?? 100;
    const rows = await this.#o.store.events(queueId, query.after ?? 0, limit, query.telemetry_id);
    const items: EventView[] = rows.map(eventView);
    return { items, next_after: rows.length === limit ? (rows.at(-1)?.id ?? null) : null };
  }

  /** Graceful: pending jobs never start, running ones get `stop` and end with `interrupted`. */
  async stop(queueId: string): Promise<ControlResult> {
    const { store, commander } = this.#o;
    await this.#open(queueId, 'stopped');
    await store.sql.transaction(async (tx) => {
      await tx.query(
        `update qm_queues set stop_requested_at = coalesce(stop_requested_at, now()) where queue_id = $1`,
        [queueId],
      );
      await tx.query(
        `update qm_jobs set status = 'stopped', finished_at = now(), error_message = 'stopped before it started'
         where queue_id = $1 and status = 'pending'`,
        [queueId],
      );
      await tx.query(
        `update qm_jobs set status = 'stopping', stop_requested_at = now()
         where queue_id = $1 and status in ('launching', 'running')`,
        [queueId],
      );
    });
    // One command reaches every job of the queue; the supervisor repeats it to jobs that have not ended.
    await commander.send('stop', queueId);
    return this.#result(queueId);
  }

  /** Hard: the launcher kills every active job now. */
  async terminate(queueId: string): Promise<ControlResult> {
    const { store, launcher, logger } = this.#o;
    await this.#open(queueId, 'terminated');
    const active = (await store.jobs([queueId])).filter((j) => ACTIVE.has(j.status));
    await store.sql.transaction(async (tx) => {
      await tx.query(
        `update qm_queues set stop_requested_at = coalesce(stop_requested_at, now()), terminate_requested_at = now()
         where queue_id = $1`,
        [queueId],
      );
      await tx.query(
        `update qm_jobs set status = 'stopped', finished_at = now(), error_message = 'terminated before it started'
         where queue_id = $1 and status = 'pending'`,
        [queueId],
      );
      await tx.query(
        `update qm_jobs set status = 'terminated', finished_at = now(), error_message = 'terminated by request'
         where queue_id = $1 and status in ('launching', 'running', 'stopping')`,
        [queueId],
      );
    });
    await Promise.all(
      active.map((job) =>
        launcher.terminate(handleOf(job)).catch((error: unknown) => {
          logger.error({ telemetry_id: job.telemetry_id, err: errorMessage(error) }, 'terminate failed');
        }),
      ),
    );
    return this.#result(queueId);
  }

  /** A new attempt of a job that ended badly (failed, lost, stopped, terminated); reopens its queue. */
  async retry(queueId: string, telemetryId: string): Promise<ControlResult> {
    const { store, scheduler } = this.#o;
    const job = await store.job(telemetryId);
    if (!job || job.queue_id !== queueId) throw notFound(`job ${telemetryId} in queue ${queueId}`);
    if (!RETRYABLE.has(job.status)) {
      throw conflict(
        job.status === 'finished'
          ? `job ${telemetryId} finished: only failed, lost, stopped or terminated jobs are retried`
          : `job ${telemetryId} is ${job.status}: stop it (POST /queues/${queueId}/stop) before retrying`,
      );
    }
    // Between scheduling passes: a pass must not judge the queue half reopened (it would mark jobs not run again).
    await scheduler.exclusive(queueId, async () => {
      await this.#newAttempt(job);
      // A connector stopped because this loader failed drains the new attempt's records: it runs again too.
      const jobs = await store.jobs([queueId]);
      for (const follower of jobs) {
        if (
          RETRYABLE.has(follower.status) &&
          follower.error_code === ErrorCodes.UPSTREAM_FAILED &&
          upstreamWriterOf(follower, jobs) === telemetryId
        )
          await this.#newAttempt(follower);
      }
    });
    await this.changed(queueId);
    await scheduler.schedule(queueId);
    return this.#result(queueId);
  }

  /** Makes the job pending as its next attempt; returns the queue's not-run jobs to pending. */
  async #newAttempt(job: JobRow): Promise<void> {
    const { store, launcher } = this.#o;
    const { queue_id: queueId, telemetry_id: telemetryId } = job;
    // A lost attempt may still be alive somewhere: make sure it is not, before a second one starts.
    if (job.launcher_ref) await launcher.terminate(handleOf(job));
    const queue = (await store.queue(queueId))!;
    const attempt = job.attempt + 1;
    await store.sql.transaction(async (tx) => {
      await tx.query(
        `update qm_jobs set status = 'pending', attempt = $3, job_name = $4, retried_at = now(), launcher_ref = null, launched_at = null,
           started_at = null, finished_at = null, last_seen_at = null, pinged_at = null, stop_requested_at = null,
           exited_at = null, exit_code = null, exit_reason = null, records_written = 0, records_total = null,
           last_event = null, last_event_at = null, error_message = null, error_code = null
         where telemetry_id = $1 and attempt = $2`,
        [telemetryId, job.attempt, attempt, jobNameFor(job.target, queue.symbol, telemetryId, attempt)],
      );
      await tx.query(
        `update qm_queues set stop_requested_at = null, terminate_requested_at = null where queue_id = $1`,
        [queueId],
      );
      // Jobs that never ran because something upstream failed may run now (still blocked: marked again).
      await tx.query(
        `update qm_jobs set status = 'pending', finished_at = null, error_message = null, error_code = null
         where queue_id = $1 and status = 'stopped' and error_code = $2 and launched_at is null`,
        [queueId, ErrorCodes.UPSTREAM_FAILED],
      );
    });
  }

  /** Something of the queue changed: status rolled up, cache dropped, live streams told. */
  async changed(queueId: string): Promise<void> {
    const changes = await this.#o.store.rollUp([queueId]);
    this.cache.invalidate(queueId);
    const status = changes.get(queueId);
    if (status) this.hub.publish(queueId, { kind: 'status', status });
  }

  async #open(queueId: string, verb: string): Promise<void> {
    const queue = await this.#o.store.queue(queueId);
    if (!queue) throw notFound(`queue ${queueId}`);
    if (isTerminalQueue(queue.status)) {
      throw conflict(
        `queue ${queueId} is already ${queue.status}; nothing to be ${verb} (retry a job to reopen it)`,
      );
    }
  }

  async #result(queueId: string): Promise<ControlResult> {
    await this.changed(queueId);
    const view = await this.get(queueId);
    return {
      queue_id: queueId,
      status: view.status,
      jobs: view.jobs.map((j) => ({ telemetry_id: j.telemetry_id, status: j.status })),
    };
  }
}
