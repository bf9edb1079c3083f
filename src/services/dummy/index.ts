import { createBus, type Bus } from '../../bus/index.ts';
import {
  defaultRegistry,
  TelemetryPublisher,
  runJobService,
  type JobConfig,
  type JobOutcome,
  type Logger,
} from '../../runtime/index.ts';
import { DummyMetrics } from './dummy-metrics.ts';
import { createDummyWork } from './dummy-work.ts';
import type { DummyOptions } from './options.ts';

export * from './options.ts';

export interface DummyServiceOptions {
  config: JobConfig;
  options: DummyOptions;
  /** Shared bus for embedded runs; default from config.kafka. */
  bus?: Bus;
  logger?: Logger;
  http?: boolean;
  handleSignals?: boolean;
  onListening?: (port: number) => void;
  /** Aborting it stops the job, as a stop command would. */
  signal?: AbortSignal;
}

/** dummy-service: stands in for any job, obeys ping/stop, simulates loading and failures. */
export async function runDummyService(service: DummyServiceOptions): Promise<JobOutcome> {
  const registry = defaultRegistry();
  const metrics = new DummyMetrics(registry);
  if (service.options.noop) return runNoop(service, metrics);
  return runJobService({
    service: 'dummy-service',
    config: service.config,
    bus: service.bus,
    logger: service.logger,
    registry,
    http: service.http,
    handleSignals: service.handleSignals,
    onListening: service.onListening,
    signal: service.signal,
    work: createDummyWork(service.options, metrics),
    onPublished: (event) => metrics.published(event),
  });
}

/** --noop: `started` and nothing else: no command consumer, no terminal event (seed 000, section 5). */
async function runNoop(
  { config, bus: shared }: DummyServiceOptions,
  metrics: DummyMetrics,
): Promise<JobOutcome> {
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
