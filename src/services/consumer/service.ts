import { Counter, type Registry } from 'prom-client';
import { KafkaBus, type Bus } from '../../bus/index.ts';
import { EventConsumer } from '../../consumer/index.ts';
import { serveMetrics } from '../../consumer/service-env.ts';
import type { ServiceHttpServer } from '../../runtime/index.ts';
import { Health, createLogger, createMetricsRegistry, type Logger } from '../../runtime/index.ts';
import { PostgresClient, migrate, type SqlClient } from '../../store/index.ts';
import type { ConsumerServiceConfig } from './config.ts';
import { userEventRouter } from './handlers.ts';
import { textLogDestination } from './text-log.ts';
import { UserStore } from './user-store.ts';

export interface ConsumerServiceInit {
  config: ConsumerServiceConfig;
  /** Default: Kafka from config.kafka (closed on stop). */
  bus?: Bus;
  /** Default: PostgreSQL from config.database (closed on stop). */
  store?: SqlClient;
  logger?: Logger;
  /** Default: a new registry with Node's default metrics. */
  registry?: Registry;
}

/**
 * consumer-service (seed 002): user.created / user.updated / user.deleted from KAFKA_TOPIC into the
 * users table, with /metrics and /health/{live,ready,startup} on METRICS_PORT.
 */
export class ConsumerService {
  readonly config: ConsumerServiceConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly health = new Health();
  readonly consumer: EventConsumer;
  readonly #bus: Bus;
  readonly #ownBus: boolean;
  readonly #store: SqlClient;
  readonly #ownStore: boolean;
  readonly #users: UserStore;
  #server: ServiceHttpServer | undefined;
  #port: number | undefined;
  #stopping: Promise<void> | undefined;

  constructor(init: ConsumerServiceInit) {
    const { config } = init;
    this.config = config;
    this.logger = init.logger ?? serviceLogger(config);
    this.registry = init.registry ?? createMetricsRegistry();
    this.#ownBus = init.bus === undefined;
    this.#bus = init.bus ?? new KafkaBus(config.kafka);
    this.#ownStore = init.store === undefined;
    this.#store =
      init.store ??
      new PostgresClient({
        connectionString: config.database.url,
        maxConnections: config.database.maxConnections,
        applicationName: config.app.name,
      });
    const outcomes = new Counter({
      name: 'consumer_user_events_total',
      help: 'User events by what they did to the users table: applied, stale (older than the row) or duplicate (seen before)',
      labelNames: ['event_type', 'outcome'] as const,
      registers: [this.registry],
    });
    this.#users = new UserStore(this.#store, config.database.schema, (type, outcome) =>
      outcomes.inc({ event_type: type, outcome }),
    );
    this.consumer = new EventConsumer({
      bus: this.#bus,
      handlers: userEventRouter(this.#users),
      options: config.consumer,
      logger: this.logger,
      registry: this.registry,
    });
    this.health.addReadinessCheck('database', () => this.#store.ping());
    this.health.addLivenessCheck('consumer', () => this.consumer.livenessProblem() === undefined);
  }

  /** The port /metrics listens on (after start), if enabled. */
  get port(): number | undefined {
    return this.#port;
  }

  /** Migrates the users table, serves metrics, connects to Kafka and starts consuming. */
  async start(): Promise<void> {
    const { metrics, consumer, kafka } = this.config;
    // version and env are already on every line (the logger's base).
    this.logger.info({ brokers: kafka.bootstrapServers.join(',') }, 'starting');
    const applied = await migrate(this.#store, this.#users.migrations());
    if (applied.length > 0) this.logger.info({ migrations: applied }, 'database migrated');
    const served = await serveMetrics(metrics, this.registry, this.health, this.logger);
    this.#server = served?.server;
    this.#port = served?.port;
    await this.#bus.connect();
    await this.consumer.start();
    this.health.markStarted();
    this.logger.info({ topic: consumer.topic, group: consumer.groupId }, 'started');
  }

  /** The seed's graceful shutdown: stop fetching, finish in-flight events, commit, close Kafka, stop metrics. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.consumer.stop();
      if (this.#ownBus) await this.#bus.close().catch(() => undefined);
      // A statement abandoned at the shutdown timeout keeps its connection: do not wait for it forever.
      if (this.#ownStore) await withTimeout(this.#store.close(), STORE_CLOSE_TIMEOUT_MS);
      await this.#server?.close();
      this.logger.info('stopped');
      this.logger.flush();
    })();
    return this.#stopping;
  }
}

const STORE_CLOSE_TIMEOUT_MS = 2000;

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work.catch(() => undefined), timeout]);
  clearTimeout(timer);
}

function serviceLogger(config: ConsumerServiceConfig): Logger {
  return createLogger({
    service: config.app.name,
    level: config.log.level,
    base: { version: config.app.version, env: config.app.env },
    destination: config.log.format === 'text' ? (textLogDestination() as NodeJS.WritableStream) : undefined,
  });
}
