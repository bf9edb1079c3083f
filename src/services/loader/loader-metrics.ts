import { Counter, Gauge, type Registry } from 'prom-client';

/** What a loader-producer exposes on /metrics. */
export class LoaderMetrics {
  readonly produced: Counter;
  readonly notices: Counter<'kind'>;
  readonly total: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.produced = new Counter({
      name: 'loader_records_produced_total',
      help: 'Market records acknowledged by the bus',
      registers,
    });
    this.notices = new Counter({
      name: 'loader_source_notices_total',
      help: 'Waits and retries at the source, by kind: rate-limited (429), banned (418), budget, retry, reconnect',
      labelNames: ['kind'],
      registers,
    });
    this.total = new Gauge({
      name: 'loader_records_total',
      help: 'Records the range holds, when known',
      registers,
    });
  }
}
