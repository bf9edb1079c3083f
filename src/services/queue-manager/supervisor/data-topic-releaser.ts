import type { Bus } from '../../../bus/index.ts';
import type { JobLauncher } from '../../../launcher/index.ts';
import { errorMessage } from '../../../protocol/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { isTerminalQueue } from '../rollup.ts';
import type { QueueStore } from '../store/queue-store.ts';
import { handleOf } from './job-spec.ts';

export interface DataTopicReleaserOptions {
  bus: Bus;
  store: QueueStore;
  launcher: JobLauncher;
  logger: Logger;
}

/**
 * The embedded mode's memory bus keeps a data topic's records in this process until the topic is
 * deleted. Once a queue has ended (finished, failed or stopped), each of its data topics whose every
 * job finished is deleted, as soon as those jobs' tasks have exited: no job can read it again, since a
 * finished job is never retried. A topic shared with a job that failed, was lost, stopped or was
 * terminated stays, so a retry of that job finds its input; it goes when the queue ends again with all
 * of them finished. queue-control, queue-events and dead-letter topics are never deleted here.
 */
export class DataTopicReleaser {
  readonly #o: DataTopicReleaserOptions;
  /** Ended queues whose releasable topics wait for a job task still exiting. */
  readonly #waiting = new Set<string>();
  readonly #checks = new Map<string, Promise<void>>();

  constructor(options: DataTopicReleaserOptions) {
    this.#o = options;
  }

  /** A queue's status changed, or one of its jobs exited: release what can be released, once at a time. */
  check(queueId: string): Promise<void> {
    const next = (this.#checks.get(queueId) ?? Promise.resolve())
      .then(() => this.#release(queueId))
      .catch((error: unknown) => {
        this.#o.logger.warn({ queue_id: queueId, err: errorMessage(error) }, 'releasing data topics failed');
      });
    this.#checks.set(queueId, next);
    void next.finally(() => {
      if (this.#checks.get(queueId) === next) this.#checks.delete(queueId);
    });
    return next;
  }

  /** A job task exited: the queues waiting for one are looked at again. */
  jobExited(): void {
    for (const queueId of this.#waiting) void this.check(queueId);
  }

  /** Waits for the checks in progress (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#checks.size > 0) await Promise.all([...this.#checks.values()]);
  }

  async #release(queueId: string): Promise<void> {
    const { bus, store, launcher, logger } = this.#o;
    const queue = await store.queue(queueId);
    if (!queue || !isTerminalQueue(queue.status)) {
      this.#waiting.delete(queueId);
      return;
    }
    const jobs = await store.jobs([queueId]);
    const topics = new Set(jobs.map((j) => j.topic));
    for (const job of jobs) if (job.status !== 'finished') topics.delete(job.topic);
    const existing = new Set(await bus.listTopics());
    const releasable = [...topics].filter((topic) => existing.has(topic));
    if (releasable.length === 0) {
      this.#waiting.delete(queueId);
      return;
    }
    // A job publishes `finished` before its task has closed its consumer: deleting under it would let
    // its last commit recreate state for a topic that is gone.
    const seen = await launcher.inspect(jobs.filter((j) => topics.has(j.topic)).map(handleOf));
    if ([...seen.values()].some((o) => o.state === 'running')) {
      this.#waiting.add(queueId);
      return;
    }
    this.#waiting.delete(queueId);
    await bus.deleteTopics(releasable);
    logger.info({ queue_id: queueId, topics: releasable }, 'released the data topics of an ended queue');
  }
}
