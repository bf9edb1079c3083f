import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.ts';
import { EventConsumer, type DeadLetter } from '../../consumer/index.ts';
import { errorMessage, isStreamForgeError, ErrorCodes } from '../../protocol/index.ts';
import {
  Health,
  ServiceHttpServer,
  createMetricsRegistry,
  type HealthCheck,
  type Logger,
} from '../../runtime/index.ts';
import { UNKNOWN_ACTION, type ActionRegistry } from './action-registry.ts';
import type { ProcessorConfig } from './config.ts';
import { InfoReplies } from './info-replies.ts';

/** One topic a processor reads and the handlers of its actions. */
export interface ProcessorRoute {
  topic: string;
  router: ActionRegistry;
}

/** What ARM or WORKER adds to the shared processor: its routes, and what to prepare and check. */
export interface ProcessorParts {
  routes: ProcessorRoute[];
  /** Before consuming (ARM: migrations). */
  prepare?(): Promise<void>;
  /** Readiness checks besides the consumers' (ARM: the database answers). */
  readiness?: Record<string, HealthCheck>;
}

export interface ProcessorServiceInit {
  config: ProcessorConfig;
  /** The bus to read and reply on; the caller opens and closes it (Kafka, or memory when embedded). */
  bus: Bus;
  logger: Logger;
  /** Default: a new registry with Node's default metrics. */
  registry?: Registry;
  /** Builds the processor's routes once the replies and metrics registry exist. */
  parts(context: { replies: InfoReplies; registry: Registry; logger: Logger }): ProcessorParts;
}

/**
 * A geobot processor (ARM, WORKER): one EventConsumer per topic, with the framework's retries, dead
 * letters, commits and consumer_* metrics; replies on info_in; /metrics and /health/* on METRICS_PORT.
 * A dead-lettered message is also reported on info_in as an error envelope, so that the log shows it.
 */
export class ProcessorService {
  readonly config: ProcessorConfig;
  readonly registry: Registry;
  readonly health = new Health();
  readonly logger: Logger;
  readonly consumers: EventConsumer[];
  readonly replies: InfoReplies;
  readonly #bus: Bus;
  readonly #parts: ProcessorParts;
  readonly #reports = new Set<Promise<void>>();
  #server: ServiceHttpServer | undefined;
  #port: number | undefined;
  #stopping: Promise<void> | undefined;

  constructor(init: ProcessorServiceInit) {
    const { config } = init;
    this.config = config;
    this.logger = init.logger;
    this.registry = init.registry ?? createMetricsRegistry();
    this.#bus = init.bus;
    this.replies = new InfoReplies(init.bus, config.service, config.topics.info);
    this.#parts = init.parts({ replies: this.replies, registry: this.registry, logger: this.logger });
    this.consumers = this.#parts.routes.map(
      ({ topic, router }) =>
        new EventConsumer({
          bus: init.bus,
          handlers: router,
          options: {
            ...config.consumer,
            topic,
            groupId: `${config.groupId}.${topic}`,
            deadLetterTopic: `${topic}-dlq`,
          },
          logger: this.logger.child({ topic }),
          registry: this.registry,
          hooks: { onDeadLettered: (letter) => this.#report(letter) },
        }),
    );
    this.consumers.forEach((consumer, i) =>
      this.health.addLivenessCheck(
        `consumer:${consumer.options.topic}:${i}`,
        () => !consumer.livenessProblem(),
      ),
    );
    for (const [name, check] of Object.entries(this.#parts.readiness ?? {}))
      this.health.addReadinessCheck(name, check);
  }

  /** The port of /metrics after start, when enabled. */
  get port(): number | undefined {
    return this.#port;
  }

  /** Topics read by this processor. */
  get topics(): string[] {
    return this.#parts.routes.map((r) => r.topic);
  }

  /** Prepares (migrations), serves metrics, creates missing topics and starts consuming. */
  async start(): Promise<void> {
    const { metrics, topics } = this.config;
    await this.#parts.prepare?.();
    if (metrics.enabled) {
      this.#server = new ServiceHttpServer({
        registry: this.registry,
        health: this.health,
        port: metrics.port,
        host: metrics.host,
        logger: this.logger,
      });
      this.#port = await this.#server.listen();
      this.logger.info({ port: this.#port }, `metrics on http://localhost:${this.#port}/metrics`);
    }
    // Created here with TOPIC_PARTITIONS, before a consumer would create them with one partition.
    const names = [...new Set([...this.topics, topics.info])];
    await this.#bus.createTopics(names.map((name) => ({ name, partitions: topics.partitions })));
    // Joining a group takes seconds: the topics' consumers join side by side.
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
    this.health.markStarted();
    this.logger.info({ topics: this.topics, group: this.config.groupId }, 'started');
  }

  /** Resolves when a consumer stopped after stop(); rejects as soon as one failed for good. */
  finished(): Promise<void> {
    return Promise.all(this.consumers.map((c) => c.finished())).then(() => undefined);
  }

  /** Stops consuming (in-flight messages finish and are committed), then the metrics server. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all(this.consumers.map((c) => c.stop()));
      await Promise.all(this.#reports);
      await this.#server?.close();
      this.logger.info('stopped');
    })();
    return this.#stopping;
  }

  /** The dead letter as an error envelope on info_in; a failure to send it is logged (the letter is safe). */
  #report(letter: DeadLetter): void {
    const { record } = letter;
    const code = isStreamForgeError(letter.error) ? letter.error.code : ErrorCodes.HANDLER_FAILED;
    const action = letter.eventType === UNKNOWN_ACTION ? 'dead_letter' : letter.eventType;
    const report = this.replies
      .send(
        action,
        `error: a message on ${record.topic} was dead-lettered to ${record.topic}-dlq (${code}): ${errorMessage(letter.error)}`,
        {
          topic: record.topic,
          partition: record.partition,
          offset: String(record.offset),
          key: record.key?.toString('utf8') ?? null,
          dead_letter_topic: `${record.topic}-dlq`,
          error_code: code,
          reason: letter.reason,
          attempts: letter.attempts,
        },
        record.key?.toString('utf8'),
      )
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.error({ err: errorMessage(error) }, 'could not report a dead letter on info_in'),
      );
    this.#reports.add(report);
    void report.finally(() => this.#reports.delete(report));
  }
}
