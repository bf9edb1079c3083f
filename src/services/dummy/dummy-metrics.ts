import { Counter, Gauge, type Registry } from 'prom-client';
import type { Telemetry } from '../../protocol/index.ts';

/** The metrics of seed 000, section 6, with their exact names. */
export class DummyMetrics {
  readonly #events: Counter<'event'>;
  readonly #pings: Counter;
  readonly #pongs: Counter;
  readonly #statusLast: Gauge<'status'>;
  #last: string | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#events = new Counter({
      name: 'dummy_events_total',
      help: 'Telemetry events published, by event',
      labelNames: ['event'],
      registers,
    });
    this.#pings = new Counter({ name: 'dummy_pings_total', help: 'Pings received', registers });
    this.#pongs = new Counter({ name: 'dummy_pongs_total', help: 'Pongs sent', registers });
    this.#statusLast = new Gauge({
      name: 'dummy_status_last',
      help: 'The last status published: 1 for it, 0 for the ones before',
      labelNames: ['status'],
      registers,
    });
  }

  pingReceived(): void {
    this.#pings.inc();
  }

  published(event: Telemetry): void {
    this.#events.inc({ event: event.event });
    if (event.event === 'pong') {
      this.#pongs.inc();
      return;
    }
    if (this.#last !== undefined) this.#statusLast.set({ status: this.#last }, 0);
    this.#statusLast.set({ status: event.event }, 1);
    this.#last = event.event;
  }
}
