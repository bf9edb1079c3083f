import type { QueueService } from '../queue-service.ts';
import type { JobView, QueueStatus, QueueSummary } from '../request/schema.ts';
import type { QueueStore } from '../store/queue-store.ts';
import { countsTowardQueue, jobView, queueSummary } from '../views.ts';

/** A queue as the live list shows it: the summary of GET /queues plus how far its records got. */
export interface LiveQueue extends QueueSummary {
  /** Records the queue's jobs expect in all (a loader's total counts for the connector draining it); null while unknown. */
  records_total: number | null;
  /** 0…1: the mean of the jobs' progress (a finished job 1, one without a known total 0). */
  progress: number;
  jobs_total: number;
}

type JobProgress = Pick<JobView, 'target' | 'topic' | 'status' | 'records_written' | 'records_total'>;

/** Adds records_total and progress to a summary from its jobs (views.ts counts records the same way). */
export function liveQueue(summary: QueueSummary, jobs: readonly JobProgress[]): LiveQueue {
  const topicTotal = new Map<string, number>();
  for (const j of jobs) {
    if (j.records_total !== null)
      topicTotal.set(j.topic, Math.max(topicTotal.get(j.topic) ?? 0, j.records_total));
  }
  let total: number | null = 0;
  let progress = 0;
  for (const j of jobs) {
    const known = j.records_total ?? topicTotal.get(j.topic) ?? null;
    if (countsTowardQueue(j, jobs)) total = total === null || known === null ? null : total + known;
    progress += j.status === 'finished' ? 1 : known ? Math.min(1, j.records_written / known) : 0;
  }
  const { queue_id, status, symbol, time_range, created_at, updated_at, started_at, finished_at } = summary;
  return {
    queue_id,
    status,
    symbol,
    time_range,
    created_at,
    updated_at,
    started_at,
    finished_at,
    stop_requested_at: summary.stop_requested_at,
    records_written: summary.records_written,
    jobs_by_status: summary.jobs_by_status,
    records_total: jobs.length === 0 ? null : total,
    progress: jobs.length === 0 ? 0 : progress / jobs.length,
    jobs_total: jobs.length,
  };
}

export interface LiveQuery {
  status?: QueueStatus;
  symbol?: string;
  limit?: number;
  cursor?: string;
}

type Listener = (queue: LiveQueue) => void;

/**
 * Fans the manager's queue events out to every open list stream. Changes are coalesced per queue and
 * sent at most every `intervalMs`, each queue read once per flush whatever the number of viewers:
 * a job publishing `loading` ten times a second costs the database a few reads, not one per event
 * per browser.
 */
export class LiveQueues {
  readonly #service: QueueService;
  readonly #store: QueueStore;
  readonly #intervalMs: number;
  readonly #listeners = new Set<Listener>();
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(service: QueueService, store: QueueStore, intervalMs = 250) {
    this.#service = service;
    this.#store = store;
    this.#intervalMs = intervalMs;
  }

  /** One page as GET /queues lists it, each queue with its progress. */
  async page(query: LiveQuery): Promise<{ items: LiveQueue[]; total: number; next_cursor: string | null }> {
    const list = await this.#service.list(query);
    const jobs = await this.#store.jobs(list.items.map((q) => q.queue_id));
    const byQueue = Map.groupBy(jobs, (j) => j.queue_id);
    return {
      ...list,
      items: list.items.map((q) => liveQueue(q, (byQueue.get(q.queue_id) ?? []).map(jobView))),
    };
  }

  /** Every changed queue from now on, until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    this.#unsubscribe ??= this.#service.hub.subscribeAll((queueId) => this.#mark(queueId));
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      this.#dirty.clear();
      clearTimeout(this.#timer);
      this.#timer = undefined;
    };
  }

  /** Resolves once the changes marked so far were sent (tests and close). */
  idle(): Promise<void> {
    return this.#flushing;
  }

  #mark(queueId: string): void {
    this.#dirty.add(queueId);
    this.#timer ??= setTimeout(() => {
      this.#flushing = this.#flushing.then(() => this.#flush());
    }, this.#intervalMs);
  }

  async #flush(): Promise<void> {
    this.#timer = undefined;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    if (ids.length === 0 || this.#listeners.size === 0) return;
    try {
      const [queues, jobs] = await Promise.all([
        Promise.all(ids.map((id) => this.#store.queue(id))),
        this.#store.jobs(ids),
      ]);
      const byQueue = Map.groupBy(jobs, (j) => j.queue_id);
      for (const row of queues) {
        if (!row) continue;
        const rows = byQueue.get(row.queue_id) ?? [];
        const live = liveQueue(queueSummary(row, rows), rows.map(jobView));
        for (const listener of this.#listeners) listener(live);
      }
    } catch {
      // The database is away: mark them again so the next change or flush retries them.
      for (const id of ids) this.#dirty.add(id);
      this.#timer ??= setTimeout(() => {
        this.#flushing = this.#flushing.then(() => this.#flush());
      }, this.#intervalMs * 8);
    }
  }
}
