import type { Bus } from '../../bus/index.ts';
import { createEnvelope, type Envelope } from '../../protocol/geobot/envelope.ts';

/**
 * The seed's `send_to_info`: an envelope of this service on info_in, resolved once the broker
 * acknowledged it (acks=all). A failure is thrown, never swallowed: the handler that replies is retried
 * (a bus outage pauses the partition), so a reply is sent at least once.
 */
export class InfoReplies {
  readonly #bus: Bus;
  readonly #service: string;
  readonly #topic: string;

  constructor(bus: Bus, service: string, topic: string) {
    this.#bus = bus;
    this.#service = service;
    this.#topic = topic;
  }

  get service(): string {
    return this.#service;
  }

  /** Sends and resolves to the envelope sent; `key` keeps one user's or task's replies in order. */
  async send(action: string, message: string, data: unknown, key?: string): Promise<Envelope> {
    const envelope = createEnvelope(this.#service, action, message, data);
    await this.#bus.produce([{ topic: this.#topic, key: key ?? null, value: JSON.stringify(envelope) }]);
    return envelope;
  }
}

/** What a handler needs of InfoReplies. */
export type Replier = Pick<InfoReplies, 'send'>;
