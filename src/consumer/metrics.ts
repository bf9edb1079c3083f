import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The stats of seed 002's consumer_kafka_reader_stats (kafka-go's ReaderStats), counted since start. */
export type ReaderStat = 'messages' | 'bytes' | 'rebalances' | 'timeouts' | 'errors';

/** Why a record failed: see FailureKind. */
export type FailureReason = 'invalid' | 'handler' | 'unavailable';

/**
 * Seed 002's metrics with their exact names, plus dead-lettered and retried counts. Several consumers
 * may share a registry (embedded mode): a metric already registered is reused, told apart by `topic`.
 */
export class ConsumerMetrics {
  readonly #topic: string;
  readonly #consumed: Counter<'topic' | 'event_type'>;
  readonly #failed: Counter<'topic' | 'event_type' | 'reason'>;
  readonly #deadLettered: Counter<'topic' | 'event_type' | 'reason'>;
  readonly #retried: Counter<'topic' | 'event_type' | 'reason'>;
  readonly #duration: Histogram<'topic' | 'event_type'>;
  readonly #lag: Gauge<'topic' | 'partition'>;
  readonly #commit: Histogram<'topic'>;
  readonly #batch: Histogram<'topic'>;
  readonly #reader: Gauge<'topic' | 'stat'>;
  readonly #stats: Record<ReaderStat, number> = {
    messages: 0,
    bytes: 0,
    rebalances: 0,
    timeouts: 0,
    errors: 0,
  };

  constructor(registry: Registry, topic: string) {
    this.#topic = topic;
    const metric = <M>(name: string, create: (registers: Registry[]) => M): M =>
      (registry.getSingleMetric(name) as M | undefined) ?? create([registry]);
    this.#consumed = metric(
      'consumer_events_consumed_total',
      (registers) =>
        new Counter({
          name: 'consumer_events_consumed_total',
          help: 'Events handled successfully (their offsets may be committed)',
          labelNames: ['topic', 'event_type'],
          registers,
        }),
    );
    this.#failed = metric(
      'consumer_events_failed_total',
      (registers) =>
        new Counter({
          name: 'consumer_events_failed_total',
          help: 'Failed handling attempts, by reason: invalid (dead-lettered at once), handler (retried), unavailable (dependency down, partition paused)',
          labelNames: ['topic', 'event_type', 'reason'],
          registers,
        }),
    );
    this.#deadLettered = metric(
      'consumer_events_dead_lettered_total',
      (registers) =>
        new Counter({
          name: 'consumer_events_dead_lettered_total',
          help: 'Events written to the dead-letter topic, by reason: invalid or handler (retries exhausted)',
          labelNames: ['topic', 'event_type', 'reason'],
          registers,
        }),
    );
    this.#retried = metric(
      'consumer_events_retried_total',
      (registers) =>
        new Counter({
          name: 'consumer_events_retried_total',
          help: 'Handler calls that were retries, by the reason of the failure before: handler or unavailable',
          labelNames: ['topic', 'event_type', 'reason'],
          registers,
        }),
    );
    this.#duration = metric(
      'consumer_processing_duration_seconds',
      (registers) =>
        new Histogram({
          name: 'consumer_processing_duration_seconds',
          help: 'Time a handler took for one event (for batch handlers: one batch)',
          labelNames: ['topic', 'event_type'],
          buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    );
    this.#lag = metric(
      'consumer_lag',
      (registers) =>
        new Gauge({
          name: 'consumer_lag',
          help: 'Records between the committed position and the end of each assigned partition',
          labelNames: ['topic', 'partition'],
          registers,
        }),
    );
    this.#commit = metric(
      'consumer_commit_duration_seconds',
      (registers) =>
        new Histogram({
          name: 'consumer_commit_duration_seconds',
          help: 'Time an offset commit took',
          labelNames: ['topic'],
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers,
        }),
    );
    this.#batch = metric(
      'consumer_batch_size',
      (registers) =>
        new Histogram({
          name: 'consumer_batch_size',
          help: 'Records returned by one poll',
          labelNames: ['topic'],
          buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
          registers,
        }),
    );
    this.#reader = metric(
      'consumer_kafka_reader_stats',
      (registers) =>
        new Gauge({
          name: 'consumer_kafka_reader_stats',
          help: 'Reader statistics since start: messages and bytes read, rebalances, polls that timed out empty, errors',
          labelNames: ['topic', 'stat'],
          registers,
        }),
    );
    for (const stat of Object.keys(this.#stats) as ReaderStat[]) this.#reader.set({ topic, stat }, 0);
  }

  consumed(eventType: string, count = 1): void {
    this.#consumed.inc({ topic: this.#topic, event_type: eventType }, count);
  }

  failed(eventType: string, reason: FailureReason): void {
    this.#failed.inc({ topic: this.#topic, event_type: eventType, reason });
  }

  deadLettered(eventType: string, reason: 'invalid' | 'handler'): void {
    this.#deadLettered.inc({ topic: this.#topic, event_type: eventType, reason });
  }

  retried(eventType: string, reason: 'handler' | 'unavailable'): void {
    this.#retried.inc({ topic: this.#topic, event_type: eventType, reason });
  }

  /** Starts a timer; call the result when the handler settles. */
  processing(eventType: string): () => void {
    const end = this.#duration.startTimer({ topic: this.#topic, event_type: eventType });
    return () => void end();
  }

  lag(partition: number, value: bigint): void {
    this.#lag.set({ topic: this.#topic, partition: String(partition) }, Number(value));
  }

  forgetLag(partition: number): void {
    this.#lag.remove({ topic: this.#topic, partition: String(partition) });
  }

  commitTimer(): () => void {
    const end = this.#commit.startTimer({ topic: this.#topic });
    return () => void end();
  }

  batch(size: number): void {
    this.#batch.observe({ topic: this.#topic }, size);
  }

  count(stat: ReaderStat, by = 1): void {
    this.#stats[stat] += by;
    this.#reader.set({ topic: this.#topic, stat }, this.#stats[stat]);
  }
}
