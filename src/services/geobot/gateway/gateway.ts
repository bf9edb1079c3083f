import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Bus } from '../../../bus/index.ts';
import { Health, createMetricsRegistry, portError, type Logger } from '../../../runtime/index.ts';
import type { GatewayConfig } from '../config.ts';
import { GatewayMetrics } from './metrics.ts';
import { EnvelopeProducer } from './producer.ts';
import { buildGatewayApi } from './server.ts';

export interface GatewayInit {
  config: GatewayConfig;
  /** The caller opens and closes it (Kafka, or memory when embedded). */
  bus: Bus;
  logger: Logger;
  registry?: Registry;
}

/** Longest a readiness probe waits for the broker to list its topics. */
const READY_PROBE_TIMEOUT_MS = 2000;

/** The LK gateway: HTTP in, acknowledged envelopes out. */
export class GeobotGateway {
  readonly config: GatewayConfig;
  readonly registry: Registry;
  readonly health = new Health();
  readonly #bus: Bus;
  readonly #logger: Logger;
  #app: FastifyInstance | undefined;

  constructor(init: GatewayInit) {
    this.config = init.config;
    this.#bus = init.bus;
    this.#logger = init.logger;
    this.registry = init.registry ?? createMetricsRegistry();
    this.health.addReadinessCheck('bus', () => withTimeout(this.#bus.listTopics(), READY_PROBE_TIMEOUT_MS));
  }

  /** The port it listens on (after start). */
  get port(): number {
    return (this.#app?.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Creates the missing topics (CREATE_TOPICS), then listens. */
  async start(): Promise<void> {
    const { topics, createTopics, port, host, service } = this.config;
    if (createTopics) {
      const names = [topics.createUser, topics.updateUser, topics.info, topics.task];
      await this.#bus.createTopics(names.map((name) => ({ name, partitions: topics.partitions })));
    }
    const metrics = new GatewayMetrics(this.registry);
    this.#app = await buildGatewayApi({
      producer: new EnvelopeProducer(this.#bus, service, metrics, this.#logger),
      topics,
      health: this.health,
      registry: this.registry,
      metrics,
      logger: this.#logger,
    });
    await this.#app.listen({ port, host }).catch((error: unknown) => {
      throw portError(error, port, host, 'PORT') ?? error;
    });
    this.health.markStarted();
    this.#logger.info({ port: this.port }, `geobot gateway on http://${host}:${this.port} (docs at /docs)`);
  }

  /** Stops listening; requests in flight are answered first. */
  async close(): Promise<void> {
    await this.#app?.close();
  }
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
