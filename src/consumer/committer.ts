import type { Subscription } from '../bus/index.ts';
import { errorMessage } from '../protocol/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { ConsumerMetrics } from './metrics.ts';
import type { Partitions } from './partitions.ts';

export interface CommitterOptions {
  partitions: Partitions;
  metrics: ConsumerMetrics;
  logger: Logger;
  /** KAFKA_COMMIT_INTERVAL in ms; 0 commits whenever asked. */
  intervalMs: number;
  /** The subscription to commit on now (it changes when the consumer subscribes again). */
  subscription: () => Subscription | undefined;
}

/**
 * Commits the positions of finished records, at most once per interval unless forced. Commits are
 * serialised, so the last one always carries the latest positions; a failed commit is retried with
 * the next one (the positions are kept).
 */
export class Committer {
  readonly #o: CommitterOptions;
  #last = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(options: CommitterOptions) {
    this.#o = options;
  }

  /** When the next interval commit is due, or undefined when commits are not interval-bound. */
  get dueAt(): number | undefined {
    return this.#o.intervalMs > 0 ? this.#last + this.#o.intervalMs : undefined;
  }

  commit(force: boolean): Promise<void> {
    this.#chain = this.#chain.then(() => this.#commit(force));
    return this.#chain;
  }

  async #commit(force: boolean): Promise<void> {
    const { partitions, metrics, logger, intervalMs } = this.#o;
    const subscription = this.#o.subscription();
    const now = Date.now();
    if (!subscription || (!force && now - this.#last < intervalMs)) return;
    const positions = partitions.uncommitted();
    if (positions.length === 0) return;
    const timed = metrics.commitTimer();
    try {
      await subscription.commit(positions);
      partitions.committed(positions);
    } catch (error) {
      metrics.count('errors');
      logger.warn({ err: errorMessage(error) }, 'commit failed: retrying with the next commit');
    } finally {
      timed();
      this.#last = now;
    }
  }
}
