import type { Bus } from '../../../bus/index.ts';
import { ErrorCodes, StreamForgeError, errorMessage, isStreamForgeError } from '../../../protocol/index.ts';
import { createEnvelope, type Envelope } from '../../../protocol/geobot/envelope.ts';
import type { Logger } from '../../../runtime/index.ts';
import { GroupProduce } from './group-produce.ts';
import type { GatewayMetrics } from './metrics.ts';

/** A 202's body. */
export interface Accepted {
  status: 'accepted';
  topic: string;
  key: string | null;
  envelope: Envelope;
}

export interface Outgoing {
  topic: string;
  action: string;
  message: string;
  data: unknown;
  key: string | null;
}

/** Seconds a 503 asks the client to wait (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Wraps a request into the seed's envelope and produces it; resolves only once the broker acknowledged
 * it (the bus's producer is idempotent with acks=all). Requests that come together share a produce
 * call (GroupProduce). A bus that cannot take it within the delivery
 * timeout is an SF_BUS_UNREACHABLE error (the API answers 503): never a success that was not written.
 */
export class EnvelopeProducer {
  readonly #group: GroupProduce;
  readonly #service: string;
  readonly #metrics: GatewayMetrics;
  readonly #logger: Logger;

  constructor(bus: Bus, service: string, metrics: GatewayMetrics, logger: Logger) {
    this.#group = new GroupProduce(bus, (records) => metrics.produceBatch.observe(records));
    this.#service = service;
    this.#metrics = metrics;
    this.#logger = logger;
  }

  async produce(out: Outgoing): Promise<Accepted> {
    const envelope = createEnvelope(this.#service, out.action, out.message, out.data);
    const timer = this.#metrics.produceSeconds.startTimer({ topic: out.topic });
    try {
      await this.#group.produce({ topic: out.topic, key: out.key, value: JSON.stringify(envelope) });
    } catch (error) {
      const code = isStreamForgeError(error) ? error.code : ErrorCodes.BUS_ERROR;
      this.#metrics.produceFailures.inc({ topic: out.topic, code });
      this.#logger.warn(
        { topic: out.topic, code, err: errorMessage(error) },
        'the bus did not take an envelope',
      );
      throw new StreamForgeError(
        ErrorCodes.BUS_UNREACHABLE,
        `the broker did not acknowledge the ${out.action} envelope on ${out.topic} (${code})`,
        { cause: error, canRetry: true },
      );
    } finally {
      timer();
    }
    return { status: 'accepted', topic: out.topic, key: out.key, envelope };
  }
}
