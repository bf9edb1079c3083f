import { randomBytes } from 'node:crypto';
import {
  ErrorCodes,
  StreamForgeError,
  dataTopic,
  errorMessage,
  parseMarketType,
} from '../../protocol/index.ts';
import type { JobContext, JobProgress, JobWork } from '../../runtime/index.ts';
import { BinanceRestClient, type RestNotice } from './binance/rest-client.ts';
import { LoaderMetrics } from './loader-metrics.ts';
import type { LoaderOptions } from './options.ts';
import { RecordProducer } from './record-producer.ts';
import { createSource } from './sources/create-source.ts';

/** The data topic a job writes: KAFKA_TOPIC, else derived from the queue and the type. */
export function loaderTopic(config: JobContext['config'], type: string): string {
  return config.dataTopic ?? dataTopic(config.queueId, type);
}

/**
 * loader-producer: records from the source of TYPE onto the data topic, then an end-of-stream marker
 * on every partition. Ends `finished` only when the whole range is on the bus; a stop ends it
 * `interrupted` with no markers (the range is not complete); any shortfall ends it with `error`.
 */
export function createLoaderWork(options: LoaderOptions): JobWork {
  return async (ctx: JobContext): Promise<JobProgress> => {
    const { config, logger, signal, bus } = ctx;
    const metrics = new LoaderMetrics(ctx.registry);
    if (config.type === undefined) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        'TYPE is not set: e.g. TYPE=api_candles_1m (see streamforge loader --help)',
      );
    }
    if (config.symbol === undefined)
      throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, 'SYMBOL is not set: e.g. SYMBOL=BTCUSDT');
    const type = parseMarketType(config.type);
    const symbol = config.symbol.toUpperCase();
    const topic = loaderTopic(config, type.type);
    let progress = (): JobProgress => ({ records_written: 0 });
    const say = (message: string): void => {
      ctx
        .report({ ...progress(), message })
        .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'could not publish loading'));
    };
    const rest = new BinanceRestClient({
      baseUrl: options.apiUrl,
      weightBudget: options.weightBudget,
      maxRetries: options.maxRetries,
      maxBanWaitMs: options.maxBanWaitMs,
      onNotice: (notice: RestNotice) => {
        metrics.notices.inc({ kind: notice.kind });
        logger.warn({ status: notice.status, wait_ms: notice.waitMs }, notice.message);
        if (notice.kind !== 'retry') say(notice.message);
      },
    });
    const source = createSource({
      type,
      symbol,
      range: config.timeRange,
      options,
      rest,
      logger,
      onNotice: (message) => {
        metrics.notices.inc({ kind: 'reconnect' });
        logger.warn(message);
        say(message);
      },
    });
    if (type.source === 'api' || type.source === 'ws') await rest.readLimits(symbol, signal);
    await bus.createTopics([{ name: topic, partitions: options.partitions }]);
    // Where this run's records begin on each partition: the markers say it, so a connector can count them.
    const firstOffsets = await bus.endOffsets(topic);
    const partitions = firstOffsets.size;
    const producer = new RecordProducer({
      bus,
      topic,
      partitions,
      producer: config.telemetryId,
      run: `${config.telemetryId}.${config.attempt}.${randomBytes(4).toString('hex')}`,
      attempt: config.attempt,
      firstOffsets,
      maxInFlight: options.maxInFlight,
      onRetry: (message) => logger.warn(message),
    });
    progress = () => {
      const total = source.total();
      if (total !== undefined) metrics.total.set(total);
      return { records_written: producer.written, records_total: total };
    };
    logger.info({ topic, partitions, source: source.description }, 'loading');
    const ticker = setInterval(() => say(`loading ${source.description}`), options.loadingIntervalMs);
    let counted = 0;
    try {
      for await (const batch of source.batches(signal)) {
        await producer.send(batch);
        metrics.produced.inc(producer.written - counted);
        counted = producer.written;
        if (signal.aborted) break;
      }
      await producer.flush();
      metrics.produced.inc(producer.written - counted);
      if (signal.aborted) return { ...progress(), message: 'stopped before the range was complete' };
      const total = source.total();
      if (total !== undefined && producer.written < total && type.source !== 'api') {
        throw new StreamForgeError(
          ErrorCodes.LOAD_INCOMPLETE,
          `${source.description}: ${producer.written} of ${total} records loaded`,
        );
      }
      await producer.finish();
      logger.info({ records: producer.written, topic }, 'loaded; end-of-stream markers written');
      return { ...progress(), message: `loaded ${producer.written} records: ${source.description}` };
    } finally {
      clearInterval(ticker);
    }
  };
}
