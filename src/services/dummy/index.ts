import { createBus } from '../../bus/index.ts';
import {
  createMetricsRegistry,
  TelemetryPublisher,
  runJobService,
  type JobHostOptions,
  type JobOutcome,
} from '../../runtime/index.ts';
import { DummyMetrics } from './dummy-metrics.ts';
import { createDummyWork } from './dummy-work.ts';
import type { DummyOptions } from './options.ts';

export * from './options.ts';

export interface DummyServiceOptions extends JobHostOptions {
  options: DummyOptions;
}

/** dummy-service: stands in for any job, obeys ping/stop, simulates loading and failures. */
export async function runDummyService({ options, ...host }: DummyServiceOptions): Promise<JobOutcome> {
  const registry = createMetricsRegistry();
  const metrics = new DummyMetrics(registry);
  if (options.noop) return runNoop(host, metrics);
  return runJobService({
    ...host,
    service: 'dummy-service',
    registry,
    work: createDummyWork(options, metrics),
    onPublished: (event) => metrics.published(event),
  });
}

/** --noop: `started` and nothing else: no command consumer, no terminal event (seed 000, section 5). */
async function runNoop({ config, bus: shared }: JobHostOptions, metrics: DummyMetrics): Promise<JobOutcome> {
  const bus = shared ?? createBus(config.kafka);
  try {
    await bus.connect();
    const telemetry = new TelemetryPublisher({
      bus,
      topic: config.eventsTopic,
      job: { ...config, symbol: config.symbol, type: config.type },
      onPublished: (event) => metrics.published(event),
    });
    await telemetry.publish('started', { message: 'noop: started only' });
    return { state: 'finished', exitCode: 0 };
  } finally {
    if (!shared) await bus.close();
  }
}
