import type { Bus, TopicPartition } from '../bus/index.ts';
import { errorMessage } from '../protocol/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { ConsumerMetrics } from './metrics.ts';

/** Records between a partition's committed position and its end. */
export interface PartitionLag extends TopicPartition {
  lag: bigint;
}

export interface LagMonitorOptions {
  bus: Bus;
  groupId: string;
  topic: string;
  intervalMs: number;
  metrics: ConsumerMetrics;
  logger: Logger;
  /** The partitions to report: the ones assigned now. */
  assigned: (partition: number) => boolean;
  onCaughtUp?: (lag: readonly PartitionLag[]) => void;
}

/** Sets consumer_lag per assigned partition every interval, from the broker's end and committed offsets. */
export class LagMonitor {
  readonly #o: LagMonitorOptions;
  #timer: NodeJS.Timeout | undefined;
  #inFlight = false;

  constructor(options: LagMonitorOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#refresh(), this.#o.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Measures now: end offset − committed position, per assigned partition. */
  async measure(): Promise<PartitionLag[]> {
    const { bus, groupId, topic, assigned } = this.#o;
    const lag = await bus.lag(groupId, topic);
    return [...lag].filter(([p]) => assigned(p)).map(([partition, l]) => ({ topic, partition, lag: l }));
  }

  async #refresh(): Promise<void> {
    if (this.#inFlight) return;
    this.#inFlight = true;
    try {
      const lag = await this.measure();
      for (const { partition, lag: value } of lag) this.#o.metrics.lag(partition, value);
      if (lag.length > 0 && lag.every((l) => l.lag === 0n)) this.#o.onCaughtUp?.(lag);
    } catch (error) {
      this.#o.logger.debug({ err: errorMessage(error) }, 'could not measure lag');
    } finally {
      this.#inFlight = false;
    }
  }
}
