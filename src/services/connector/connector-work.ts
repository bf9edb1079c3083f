import { Type } from '@sinclair/typebox';
import { EventConsumer, defineBatchHandler } from '../../consumer/index.ts';
import {
  CandleRecordSchema,
  EndOfStreamSchema,
  ErrorCodes,
  StreamForgeError,
  TradeRecordSchema,
  collectionName,
  dataTopic,
  errorMessage,
  parseMarketType,
  readCanonicalCandle,
  readCanonicalTrade,
  type MarketRecord,
  type MarketType,
} from '../../protocol/index.ts';
import type { JobConfig, JobContext, JobProgress, JobWork } from '../../runtime/index.ts';
import { countDeadLetters } from './dead-letter-count.ts';
import { EndOfStreamTracker, type MarkerVerdict } from './end-of-stream.ts';
import { foreignRecordReason } from './foreign-records.ts';
import type { ConnectorOptions } from './options.ts';
import { openSink } from './sinks/open-sink.ts';
import type { CollectionSink } from './sinks/sink.ts';

export interface ConnectorDeps {
  /** A sink to write to (embedded mode shares one); default: opened from the options, closed at the end. */
  sink?: CollectionSink;
}

/** What a connector job drains and where it writes. */
export interface ConnectorPlan {
  type: MarketType;
  symbol: string;
  topic: string;
  collection: string;
  groupId: string;
}

export function planConnector(config: JobConfig, options: ConnectorOptions): ConnectorPlan {
  if (config.type === undefined) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'TYPE is not set: the type of the loader whose topic this connector drains',
    );
  }
  if (config.symbol === undefined)
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, 'SYMBOL is not set: e.g. SYMBOL=BTCUSDT');
  const type = parseMarketType(config.type);
  const symbol = config.symbol.toUpperCase();
  const topic = config.dataTopic ?? dataTopic(config.queueId, type.type);
  const day = config.timeRange?.start ?? new Date().toISOString().slice(0, 10);
  const collection = options.collection ?? collectionName(symbol, type.type, day);
  const groupId = options.groupId ?? `${config.target}.${topic}.${collection}`;
  return { type, symbol, topic, collection, groupId };
}

/**
 * arango-connector: drains one data topic from the earliest offset in a group stable for the job,
 * upserts each partition's batch into the collection on natural keys, commits only after the write
 * (the consumer framework's guarantee), dead-letters what cannot be stored, and finishes once every
 * partition delivered the end-of-stream marker of the loader run it follows (UPSTREAM_PRODUCER), with
 * counts that agree with the topic (else it fails with SF_END_OF_STREAM_MISMATCH); a live type without
 * a range has none: it runs until stopped.
 */
export function createConnectorWork(options: ConnectorOptions, deps: ConnectorDeps = {}): JobWork {
  return async (ctx: JobContext): Promise<JobProgress> => {
    const { bus, logger, signal } = ctx;
    const plan = planConnector(ctx.config, options);
    const { type, topic, collection, groupId } = plan;
    const sink = deps.sink ?? (await openSink(options));
    // While the database is away the partitions pause; the probe says so instead of "ready".
    ctx.addReadinessCheck('database', () => sink.ping());
    try {
      await sink.ensureCollection({
        name: collection,
        kind: type.kind,
        symbol: plan.symbol,
        interval: type.interval,
      });
      await bus.createTopics([{ name: topic, partitions: options.partitions }]);
      const ends = new EndOfStreamTracker({
        partitions: (await bus.endOffsets(topic)).size,
        follow: options.upstreamProducer,
      });
      let written = 0;
      let deadLettered = 0;
      const allEnded = Promise.withResolvers<void>();
      // A marker whose count disagrees with the topic: the connector cannot claim the stream complete.
      const broken = Promise.withResolvers<never>();
      const ignoredRuns = new Set<string>();
      const judge = (verdict: MarkerVerdict): void => {
        if (verdict.kind === 'mismatch') broken.reject(verdict.error);
        else if (verdict.kind === 'ignored' && !ignoredRuns.has(verdict.reason)) {
          ignoredRuns.add(verdict.reason);
          logger.warn({ topic }, `end-of-stream marker ignored: ${verdict.reason}`);
        }
      };
      broken.promise.catch(() => undefined);
      const finishedWhenEnded = (): void => {
        // Live types end too when their loader had a TIME_RANGE: it writes the markers once the range is in.
        if (ends.allDone()) allEnded.resolve();
      };
      for (const verdict of await ends.recover(bus, topic, groupId)) judge(verdict);
      finishedWhenEnded();
      const recordSchema = type.kind === 'candle' ? CandleRecordSchema : TradeRecordSchema;
      const handler = defineBatchHandler({
        name: `${type.kind}s`,
        schema: Type.Union([recordSchema, EndOfStreamSchema]),
        read: type.kind === 'candle' ? readCanonicalCandle : readCanonicalTrade,
        refuse: (value) =>
          foreignRecordReason({ collection, symbol: plan.symbol, interval: type.interval }, value),
        handle: async (batch) => {
          const records = batch.filter((i) => i.value.kind !== 'end').map((i) => i.value as MarketRecord);
          await sink.upsert(collection, records);
          written += records.length;
          for (const { value, record } of batch)
            if (value.kind === 'end') judge(ends.mark(record.partition, record.offset, value));
          finishedWhenEnded();
        },
      });
      const consumer = new EventConsumer({
        bus,
        handlers: handler,
        logger,
        registry: ctx.registry,
        hooks: {
          onDeadLettered: () => {
            deadLettered += 1;
          },
        },
        options: {
          topic,
          groupId,
          startOffset: 'earliest',
          batchSize: options.batchSize,
          // One chunk running and one waiting per partition (three by default) is enough to keep the sink busy.
          maxBufferedRecords: options.batchSize * 6,
          maxRetries: options.maxRetries,
          minBytes: 1,
          maxWaitMs: 500,
          commitIntervalMs: 1000,
        },
      });
      const progress = (): JobProgress => ({
        records_written: written,
        records_dead_lettered: deadLettered,
      });
      const ticker = setInterval(() => {
        ctx
          .report({
            ...progress(),
            message: `draining ${topic} into ${collection} (${ends.seen} partitions ended; ${deadLettered} records dead-lettered)`,
          })
          .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'could not publish loading'));
      }, options.loadingIntervalMs);
      // A stop may come while the connector is still setting up (its loader failed at once): an abort
      // event that already fired never fires again, so look at the signal too.
      const stopped = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      logger.info(
        { topic, collection, group: groupId, sink: sink.kind, realtime: type.realtime },
        'connector draining',
      );
      try {
        await consumer.start();
        // A consumer that fails for good (bad credentials, a closed bus) rejects finished().
        await Promise.race([allEnded.promise, stopped, consumer.finished(), broken.promise]);
      } finally {
        clearInterval(ticker);
        await consumer.stop();
      }
      if (signal.aborted) {
        return {
          ...progress(),
          message: `stopped; ${written} records written, ${deadLettered} dead-lettered this run`,
        };
      }
      return await finalCount({
        ctx,
        plan,
        deadLetterTopic: consumer.options.deadLetterTopic,
        markers: ends.markersRead,
        total: ends.total(),
        run: progress(),
      });
    } finally {
      if (!deps.sink) await sink.close();
    }
  };
}

/**
 * The `finished` counts, over every run of the job: every record the group committed is a marker, a
 * stored record or a dead letter, so stored = committed − markers − dead letters. A run that resumed
 * after a crash counts what the earlier runs stored, and nothing dead-lettered is claimed as stored.
 * No collection stats here: counting gaps sorts the whole collection (2 s for 1M rows).
 */
async function finalCount(done: {
  ctx: JobContext;
  plan: ConnectorPlan;
  deadLetterTopic: string;
  /** End-of-stream markers read, of any run: records of the topic that are not data. */
  markers: number;
  total: number;
  run: JobProgress;
}): Promise<JobProgress> {
  const { ctx, plan, deadLetterTopic, markers, total, run } = done;
  const { topic, collection, groupId } = plan;
  let committed = 0n;
  for (const offset of (await ctx.bus.committedOffsets(groupId, topic)).values()) committed += offset;
  const counted = await countDeadLetters(ctx.bus, deadLetterTopic, groupId, topic);
  if (counted === undefined)
    ctx.logger.warn({ topic: deadLetterTopic }, 'could not read the dead letters to their end');
  const deadLettered = Math.max(counted ?? 0, run.records_dead_lettered ?? 0);
  const stored = Math.max(0, Number(committed) - markers - deadLettered);
  const dead =
    deadLettered === 0
      ? 'none dead-lettered'
      : `${deadLettered} dead-lettered to ${deadLetterTopic} (its headers say why)`;
  return {
    records_written: stored,
    records_total: total,
    records_dead_lettered: deadLettered,
    message:
      `${collection}: ${stored} records of ${topic} stored, ${dead}; the loader produced ${total} ` +
      `(${run.records_written ?? 0} upserted by this run); ` +
      `\`streamforge collection ${collection}\` shows its coverage and gaps`,
  };
}
