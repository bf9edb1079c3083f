import { Counter, Histogram, type Registry } from 'prom-client';

/** The gateway's own metrics, beside Node's defaults. */
export class GatewayMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly produceSeconds: Histogram<'topic'>;
  readonly produceFailures: Counter<'topic' | 'code'>;
  readonly produceBatch: Histogram;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'geobot_gateway_requests_total',
      help: 'HTTP requests answered, by route (unknown for unmatched paths) and status code',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
    this.produceSeconds = new Histogram({
      name: 'geobot_gateway_produce_duration_seconds',
      help: 'Time from handing an envelope to the bus to its acknowledgement by the broker (acks=all)',
      labelNames: ['topic'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.produceFailures = new Counter({
      name: 'geobot_gateway_produce_failures_total',
      help: 'Envelopes the broker did not acknowledge (answered 503), by topic and SF_* code',
      labelNames: ['topic', 'code'],
      registers: [registry],
    });
    this.produceBatch = new Histogram({
      name: 'geobot_gateway_produce_batch_records',
      help: 'Envelopes per produce call: requests that arrive while a call is in flight share the next one',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000],
      registers: [registry],
    });
  }
}
