import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.ts';
import { errorMessage, type Telemetry } from '../../protocol/index.ts';
import type { JobConfig } from '../config/job-config.ts';
import { Health } from '../http/health.ts';
import { createMetricsRegistry } from '../http/metrics-registry.ts';
import { ServiceHttpServer } from '../http/service-http-server.ts';
import { createLogger, type Logger } from '../logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import type { JobWork } from './job-context.ts';
import { JobRunner, type JobOutcome } from './job-runner.ts';

export interface JobServiceOptions {
  /** Name in logs, e.g. 'dummy-service'. */
  service: string;
  config: JobConfig;
  work: JobWork;
  /** An existing bus (embedded mode shares one); default: created from config.kafka. */
  bus?: Bus;
  /** Default: JSON lines on stdout for the service. */
  logger?: Logger;
  /** Default: a new registry with Node's default metrics. */
  registry?: Registry;
  /** Serve /metrics and /health/* on config.httpPort; default true. */
  http?: boolean;
  /** Handle SIGTERM/SIGINT; default true (false when several jobs share a process). */
  handleSignals?: boolean;
  onPublished?: (event: Telemetry) => void;
  /** Called once the HTTP server listens, with its port. */
  onListening?: (port: number) => void;
  stopGraceMs?: number;
  /** Aborting it stops the job as a stop command would (the inline launcher, tests). */
  signal?: AbortSignal;
}

/** What a caller of a job service chooses (the service itself supplies its name and work). */
export type JobHostOptions = Omit<JobServiceOptions, 'service' | 'work' | 'registry' | 'onPublished'>;

/** Wires a job's work to a bus, an HTTP server for metrics and probes, signals and a logger; runs it. */
export async function runJobService(options: JobServiceOptions): Promise<JobOutcome> {
  const { config } = options;
  const logger =
    options.logger ??
    createLogger({
      service: options.service,
      base: { queue_id: config.queueId, telemetry_id: config.telemetryId },
    });
  const registry = options.registry ?? createMetricsRegistry();
  const health = new Health();
  const ownBus = options.bus === undefined;
  // Imported when needed: in-process jobs are given their bus, and must not make `streamforge up` load
  // the Kafka client (a second of start-up).
  const bus = options.bus ?? (await import('../../bus/create-bus.ts')).createBus(config.kafka);
  const runner = new JobRunner({ ...options, bus, logger, registry, health });
  const server =
    options.http === false
      ? undefined
      : new ServiceHttpServer({ registry, health, port: config.httpPort, logger });
  const removeSignals = options.handleSignals === false ? undefined : onShutdownSignal((s) => runner.stop(s));
  const stopOnAbort = (): void => runner.stop(errorMessage(options.signal?.reason ?? 'aborted'));
  if (options.signal?.aborted) stopOnAbort();
  options.signal?.addEventListener('abort', stopOnAbort, { once: true });
  try {
    if (server) {
      const port = await server.listen();
      logger.info({ port }, `metrics and health on http://localhost:${port}/metrics`);
      options.onListening?.(port);
    }
    logger.info(
      { bus: config.kafka ? config.kafka.bootstrapServers.join(',') : 'memory', target: config.target },
      'starting',
    );
    return await runner.run();
  } finally {
    removeSignals?.();
    options.signal?.removeEventListener('abort', stopOnAbort);
    if (ownBus) await bus.close();
    await server?.close();
    logger.flush();
  }
}
