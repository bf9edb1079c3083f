import { Registry } from 'prom-client';
import type { Bus, Subscription, TopicPartition } from '../bus/index.ts';
import { ErrorCodes, errorMessage, isStreamForgeError } from '../protocol/index.ts';
import { createLogger, type Logger } from '../runtime/logger.ts';
import { ChunkRunner } from './chunk-runner.ts';
import { ChunkTracker } from './chunk-tracker.ts';
import { Committer } from './committer.ts';
import { DeadLetterWriter } from './dead-letters.ts';
import { backoffMs, sleep } from './failure.ts';
import { LagMonitor, type PartitionLag } from './lag-monitor.ts';
import { Liveness } from './liveness.ts';
import { ConsumerMetrics } from './metrics.ts';
import { resolveConsumerOptions, type ResolvedConsumerOptions } from './options.ts';
import { Partitions } from './partitions.ts';
import type { ConsumerHooks, EventConsumerInit } from './consumer-init.ts';

/**
 * Reads a topic with a consumer group and hands each record to its handler. An offset is committed
 * only once its record and every record before it in the partition was handled or dead-lettered; a
 * dependency outage pauses the partition (nothing dead-lettered, nothing committed past it).
 */
export class EventConsumer {
  readonly options: ResolvedConsumerOptions;
  readonly registry: Registry;
  readonly #bus: Bus;
  readonly #logger: Logger;
  readonly #hooks: ConsumerHooks;
  readonly #metrics: ConsumerMetrics;
  readonly #liveness: Liveness;
  readonly #runner: ChunkRunner;
  readonly #stop = new AbortController();
  readonly #abandon = new AbortController();
  readonly #partitions: Partitions;
  readonly #chunks = new ChunkTracker();
  readonly #done = Promise.withResolvers<void>();
  #subscription: Subscription | undefined;
  #phase: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created';
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #committer: Committer;
  readonly #lag: LagMonitor;

  constructor(init: EventConsumerInit) {
    this.options = resolveConsumerOptions(init.options);
    this.registry = init.registry ?? new Registry();
    this.#bus = init.bus;
    this.#logger = init.logger ?? createLogger({ service: 'consumer' });
    this.#hooks = init.hooks ?? {};
    this.#metrics = new ConsumerMetrics(this.registry, this.options.topic);
    this.#partitions = new Partitions(this.options.topic);
    this.#liveness = new Liveness(this.options.livenessTimeoutMs);
    this.#runner = new ChunkRunner({
      router: init.handlers,
      options: this.options,
      deadLetters: new DeadLetterWriter(this.#bus, this.options.deadLetterTopic, this.options.groupId),
      metrics: this.#metrics,
      liveness: this.#liveness,
      logger: this.#logger,
      stopSignal: this.#stop.signal,
      handlerSignal: this.#abandon.signal,
      onDeadLettered: this.#hooks.onDeadLettered?.bind(this.#hooks),
    });
    this.#committer = new Committer({
      partitions: this.#partitions,
      metrics: this.#metrics,
      logger: this.#logger,
      intervalMs: this.options.commitIntervalMs,
      subscription: () => this.#subscription,
    });
    this.#lag = new LagMonitor({
      bus: this.#bus,
      groupId: this.options.groupId,
      topic: this.options.topic,
      intervalMs: this.options.lagIntervalMs,
      metrics: this.#metrics,
      logger: this.#logger,
      assigned: (partition) => this.#partitions.has(partition),
      onCaughtUp: this.#hooks.onCaughtUp?.bind(this.#hooks),
    });
    this.#done.promise.catch(() => undefined); // failures reach whoever awaits finished()
  }

  /** Creates missing topics, joins the group and starts the loop; resolves once subscribed. */
  async start(): Promise<void> {
    if (this.#phase === 'stopped') return; // stop() came first: nothing to start
    if (this.#phase !== 'created') throw new Error('EventConsumer.start() called twice');
    this.#phase = 'starting';
    const { topic, deadLetterTopic, createTopics } = this.options;
    if (createTopics) await this.#bus.createTopics([{ name: topic }, { name: deadLetterTopic }]);
    const subscription = await this.#subscribe();
    if (this.#stop.signal.aborted) {
      await subscription.close();
      this.#done.resolve();
      return;
    }
    this.#subscription = subscription;
    this.#phase = 'running';
    this.#liveness.beat();
    this.#loop = this.#run().then(
      () => this.#done.resolve(),
      async (error: unknown) => {
        this.#logger.error({ err: errorMessage(error) }, 'consumer failed');
        await this.#close();
        this.#done.reject(error);
      },
    );
    this.#lag.start();
    this.#logger.info(
      { topic, group: this.options.groupId, dead_letter_topic: deadLetterTopic },
      'consuming',
    );
  }

  /** Resolves when the consumer has stopped after stop(); rejects if it failed for good (e.g. bad credentials). */
  finished(): Promise<void> {
    return this.#done.promise;
  }

  /**
   * Stops fetching, lets in-flight handlers finish (up to shutdownTimeoutMs, then abandons them
   * uncommitted: they are redelivered), commits what was handled and leaves the group.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /** Why the consumer is not live (a handler hangs, the loop stopped polling), or undefined. */
  livenessProblem(): string | undefined {
    if (this.#phase !== 'running') return this.#phase === 'stopped' ? 'the consumer has stopped' : undefined;
    return this.#liveness.problem();
  }

  /** The partitions this member reads now. */
  assignment(): TopicPartition[] {
    return this.#partitions.list().map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Measures now, per assigned partition: end offset − committed position. */
  lag(): Promise<PartitionLag[]> {
    return this.#lag.measure();
  }

  async #shutdown(): Promise<void> {
    this.#stop.abort();
    if (this.#phase === 'created' || this.#phase === 'stopped') {
      this.#phase = 'stopped';
      this.#done.resolve();
      return;
    }
    this.#phase = 'stopping';
    const timer = new AbortController();
    const inTime = await Promise.race([
      (this.#loop ?? Promise.resolve()).then(() => true),
      sleep(this.options.shutdownTimeoutMs, timer.signal).then(() => false),
    ]);
    timer.abort();
    if (!inTime) {
      this.#logger.warn(
        { timeout_ms: this.options.shutdownTimeoutMs },
        'in-flight handlers did not finish in time: abandoning them uncommitted (they will be redelivered)',
      );
      this.#abandon.abort();
    }
    await this.#close();
    this.#done.resolve(); // the loop may still sit in an abandoned handler: stopped is stopped
  }

  /** Commits what was handled and leaves the group; once. */
  #close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#lag.stop();
      await this.#committer.commit(true);
      await this.#subscription?.close().catch(() => undefined);
      this.#subscription = undefined;
      this.#phase = 'stopped';
      this.#logger.info('consumer stopped');
    })();
    return this.#closing;
  }

  async #run(): Promise<void> {
    const { signal } = this.#stop;
    let failures = 0;
    try {
      while (!signal.aborted) {
        this.#liveness.beat();
        try {
          await this.#cycle(signal);
          failures = 0;
        } catch (error) {
          if (signal.aborted) return;
          this.#metrics.count('errors');
          if (!canResubscribe(error)) throw error;
          failures += 1;
          this.#logger.warn(
            { err: errorMessage(error), attempt: failures },
            'reading failed: subscribing again',
          );
          await this.#chunks.settled();
          await this.#resubscribe(failures);
        }
      }
    } finally {
      // stop(): in-flight chunks finish (or are abandoned by the shutdown timeout) before the last commit.
      await this.#chunks.settled();
    }
  }

  /**
   * One turn of the pipeline: start a chunk on every idle partition with records, then poll for more
   * while those chunks run. A partition handles one chunk at a time (offset order), but partitions
   * overlap each other and the next fetch: a sink writing partition 0 does not hold up partition 1.
   */
  async #cycle(signal: AbortSignal): Promise<void> {
    const subscription = this.#subscription;
    if (!subscription) return;
    const { batchSize, maxWaitMs, maxBufferedRecords } = this.options;
    this.#syncAssignment(subscription);
    this.#chunks.throwIfFailed();
    this.#startChunks();
    const wait = this.#partitions.waitMs(Date.now(), maxWaitMs, this.#committer.dueAt, this.#chunks.running);
    if (this.#partitions.waiting() < maxBufferedRecords) {
      // A chunk that ends wakes the poll: its partition may have more records to start on.
      const wake = AbortSignal.any([signal, this.#chunks.nextEnd()]);
      const records = await subscription.poll({ maxRecords: batchSize, maxWaitMs: wait, signal: wake });
      if (records.length > 0) {
        this.#metrics.batch(records.length);
        this.#metrics.count('messages', records.length);
        this.#metrics.count(
          'bytes',
          records.reduce((n, r) => n + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0),
        );
        this.#syncAssignment(subscription);
        this.#partitions.accept(records);
      } else if (!wake.aborted) this.#metrics.count('timeouts');
    } else {
      // Memory is full: wait for a chunk to end, or for a paused partition's outage to be waited out.
      await Promise.race([this.#chunks.nextEndPromise(), sleep(wait, signal)]);
    }
    if (signal.aborted) return;
    this.#startChunks();
    await this.#committer.commit(false);
  }

  /** Starts the next chunk of every partition that has records, no chunk running and no outage. */
  #startChunks(): void {
    for (const state of this.#partitions.ready(Date.now())) {
      if (this.#chunks.running(state.partition)) continue;
      this.#chunks.start(state.partition, () =>
        this.#runner.runPartition(state).then(() => this.#committer.commit(false)),
      );
    }
  }

  #syncAssignment(subscription: Subscription): void {
    const change = this.#partitions.sync(subscription.assignment());
    if (!change) return;
    for (const partition of change.revoked) this.#metrics.forgetLag(partition);
    this.#metrics.count('rebalances');
    this.#logger.info({ partitions: change.assigned.map((tp) => tp.partition) }, 'partitions assigned');
    try {
      this.#hooks.onAssignment?.(change.assigned);
    } catch (error) {
      this.#logger.error({ err: errorMessage(error) }, 'onAssignment hook failed');
    }
  }

  async #resubscribe(failures: number): Promise<void> {
    await this.#committer.commit(true);
    await this.#subscription?.close().catch(() => undefined);
    this.#subscription = undefined;
    for (const partition of this.#partitions.clear()) this.#metrics.forgetLag(partition);
    const { retryBackoffMs, maxRetryBackoffMs } = this.options;
    for (let attempt = failures; !this.#stop.signal.aborted; attempt += 1) {
      if (!(await sleep(backoffMs(attempt, retryBackoffMs, maxRetryBackoffMs), this.#stop.signal))) return;
      try {
        this.#subscription = await this.#subscribe();
        return;
      } catch (error) {
        if (!canResubscribe(error)) throw error;
        this.#metrics.count('errors');
        this.#logger.warn({ err: errorMessage(error), attempt }, 'subscribing failed: retrying');
      }
    }
  }

  #subscribe(): Promise<Subscription> {
    const { topic, groupId, startOffset, minBytes, maxBytes, maxWaitMs } = this.options;
    return this.#bus.subscribe({
      topics: [topic],
      groupId,
      from: startOffset,
      minBytes,
      maxBytes,
      maxWaitMs,
    });
  }
}

/** Broker trouble the loop survives by subscribing again; bad credentials, TLS or a closed bus end it. */
function canResubscribe(error: unknown): boolean {
  if (!isStreamForgeError(error)) return false;
  return error.canRetry || error.code === ErrorCodes.BUS_ERROR || error.code === ErrorCodes.BUS_UNKNOWN_TOPIC;
}
