import type { Bus, Subscription } from '../../bus/index.ts';
import { errorMessage } from '../../protocol/index.ts';
import { parseEnvelope, type Envelope } from '../../protocol/geobot/envelope.ts';
import type { Env, Logger } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { createArmService } from './arm/service.ts';
import { readArmConfig, readGatewayConfig, readWorkerConfig } from './config.ts';
import { GeobotGateway } from './gateway/gateway.ts';
import type { ProcessorService } from './processor.ts';
import { createWorkerService } from './worker/service.ts';

export interface EmbeddedGeobotOptions {
  /** The in-process bus `streamforge up` runs on. */
  bus: Bus;
  /** ARM's users go here (PGlite in `up`). */
  sql: SqlClient;
  /** The environment (topic names, SERVICE_NAME…); PORT and HOST are the gateway's from `port`/`host`. */
  env: Env;
  port: number;
  host: string;
  logger: Logger;
  /** Called with every envelope on info_in from the start on (what the logger would index). */
  onInfo?: (envelope: Envelope) => void;
}

/** geobot in one process: the gateway, ARM and WORKER on the embedded bus, and a reader of info_in. */
export class EmbeddedGeobot {
  readonly gateway: GeobotGateway;
  readonly #processors: ProcessorService[];
  readonly #options: EmbeddedGeobotOptions;
  #tail: Subscription | undefined;
  #tailing: Promise<void> | undefined;
  #closed = false;

  constructor(options: EmbeddedGeobotOptions) {
    this.#options = options;
    const { bus, sql, logger } = options;
    // The processors' metrics would need ports of their own: embedded, the gateway's /metrics is it.
    const env = { ...options.env, PORT: String(options.port), HOST: options.host, METRICS_ENABLED: 'false' };
    this.gateway = new GeobotGateway({
      config: readGatewayConfig(env, { embedded: true }),
      bus,
      logger: logger.child({ component: 'geobot-gateway' }),
    });
    this.#processors = [
      createArmService({
        config: readArmConfig(env, { embedded: true }),
        bus,
        store: sql,
        logger: logger.child({ component: 'geobot-arm' }),
      }),
      createWorkerService({
        config: readWorkerConfig(env, { embedded: true }),
        bus,
        logger: logger.child({ component: 'geobot-worker' }),
      }),
    ];
  }

  get port(): number {
    return this.gateway.port;
  }

  async start(): Promise<void> {
    await this.gateway.start();
    const info = this.gateway.config.topics.info;
    if (this.#options.onInfo) {
      this.#tail = await this.#options.bus.subscribe({ topics: [info], from: 'latest' });
      this.#tailing = this.#readInfo(this.#tail, this.#options.onInfo);
    }
    await Promise.all(this.#processors.map((p) => p.start()));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.gateway.close();
    await Promise.all(this.#processors.map((p) => p.stop()));
    await this.#tail?.close();
    await this.#tailing;
  }

  async #readInfo(tail: Subscription, onInfo: (envelope: Envelope) => void): Promise<void> {
    while (!this.#closed) {
      try {
        for (const record of await tail.poll({ maxWaitMs: 500 })) {
          const parsed = parseEnvelope(record.value);
          if (parsed.ok) onInfo(parsed.value);
        }
      } catch (error) {
        if (!this.#closed) this.#options.logger.warn({ err: errorMessage(error) }, 'reading info_in failed');
        return;
      }
    }
  }
}
