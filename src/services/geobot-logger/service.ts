import { Counter, Histogram, type Registry } from 'prom-client';
import { KafkaBus, type Bus } from '../../bus/index.ts';
import { EventConsumer } from '../../consumer/index.ts';
import { serveMetrics } from '../../consumer/service-env.ts';
import type { ServiceHttpServer } from '../../runtime/index.ts';
import { Health, createLogger, createMetricsRegistry, type Logger } from '../../runtime/index.ts';
import { PostgresClient } from '../../store/index.ts';
import type { GeobotLoggerConfig } from './config.ts';
import { logHandler } from './handler.ts';
import { ElasticsearchSink, type WriteStats } from './sinks/elasticsearch-sink.ts';
import type { LogSink } from './sinks/log-sink.ts';
import { PostgresLogSink } from './sinks/postgres-log-sink.ts';

export interface GeobotLoggerInit {
  config: GeobotLoggerConfig;
  /** Default: Kafka from config.kafka (closed on stop). */
  bus?: Bus;
  /** Default: from config.sink (closed on stop). Embedded mode passes a PostgresLogSink on PGlite. */
  sink?: LogSink;
  logger?: Logger;
  /** Default: a new registry with Node's default metrics. */
  registry?: Registry;
}

/**
 * LOGGER (seed 003): envelopes from info_in as elk_documents into Elasticsearch (or a PostgreSQL log
 * table), with /metrics and /health/{live,ready,startup} on METRICS_PORT. Ready means the sink answers.
 */
export class GeobotLoggerService {
  readonly config: GeobotLoggerConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly health = new Health();
  readonly consumer: EventConsumer;
  readonly sink: LogSink;
  readonly #bus: Bus;
  readonly #ownBus: boolean;
  readonly #ownSink: boolean;
  #server: ServiceHttpServer | undefined;
  #port: number | undefined;
  #stopping: Promise<void> | undefined;

  constructor(init: GeobotLoggerInit) {
    const { config } = init;
    this.config = config;
    this.logger = init.logger ?? createLogger({ service: config.name, level: config.logLevel });
    this.registry = init.registry ?? createMetricsRegistry();
    this.#ownBus = init.bus === undefined;
    this.#bus = init.bus ?? new KafkaBus(config.kafka);
    this.#ownSink = init.sink === undefined;
    this.sink = init.sink ?? this.#createSink(config);
    this.consumer = new EventConsumer({
      bus: this.#bus,
      handlers: logHandler(this.sink),
      options: config.consumer,
      logger: this.logger,
      registry: this.registry,
    });
    this.health.addReadinessCheck(this.sink.kind, () => this.sink.ping());
    this.health.addLivenessCheck('consumer', () => this.consumer.livenessProblem() === undefined);
  }

  get port(): number | undefined {
    return this.#port;
  }

  /**
   * Serves metrics, prepares the index (or table) if the sink answers, and starts consuming. A sink
   * that is away at start is not fatal: the first batch waits for it like any outage.
   */
  async start(): Promise<void> {
    const { metrics, consumer } = this.config;
    this.logger.info({ sink: this.sink.kind, topic: consumer.topic }, 'starting');
    const served = await serveMetrics(metrics, this.registry, this.health, this.logger);
    this.#server = served?.server;
    this.#port = served?.port;
    await this.sink.prepare().catch((error: unknown) => {
      if ((error as { canRetry?: unknown }).canRetry !== true) throw error;
      this.logger.warn({ err: (error as Error).message }, 'sink unavailable at start: will retry per batch');
    });
    await this.#bus.connect();
    await this.consumer.start();
    this.health.markStarted();
    this.logger.info({ topic: consumer.topic, group: consumer.groupId }, 'started');
  }

  /** Stops fetching, lets the batch in flight finish (or abandons it uncommitted), commits, closes. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.consumer.stop();
      if (this.#ownBus) await this.#bus.close().catch(() => undefined);
      if (this.#ownSink) await this.sink.close().catch(() => undefined);
      await this.#server?.close();
      this.logger.info('stopped');
      this.logger.flush();
    })();
    return this.#stopping;
  }

  #createSink(config: GeobotLoggerConfig): LogSink {
    const { sink } = config;
    if (sink.kind === 'postgres') {
      const client = new PostgresClient({ connectionString: sink.url, applicationName: config.name });
      return new PostgresLogSink(client, { schema: sink.schema, table: sink.table, closeClient: true });
    }
    return new ElasticsearchSink(sink, this.#writeStats());
  }

  /** geobot_logger_* metrics of the Elasticsearch sink (the consumer_* ones count records). */
  #writeStats(): WriteStats {
    const bulk = new Histogram({
      name: 'geobot_logger_bulk_duration_seconds',
      help: 'Time one Elasticsearch bulk request took',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    const documents = new Counter({
      name: 'geobot_logger_bulk_documents_total',
      help: 'Documents sent in Elasticsearch bulk requests, retries included',
      registers: [this.registry],
    });
    const retried = new Counter({
      name: 'geobot_logger_documents_retried_total',
      help: 'Documents sent again because Elasticsearch answered 429 or 5xx for them',
      registers: [this.registry],
    });
    return {
      onBulk: (seconds, count) => {
        bulk.observe(seconds);
        documents.inc(count);
      },
      onRetried: (count) => retried.inc(count),
    };
  }
}
