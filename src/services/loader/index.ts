import type { Bus } from '../../bus/index.ts';
import {
  defaultRegistry,
  runJobService,
  type JobConfig,
  type JobOutcome,
  type Logger,
} from '../../runtime/index.ts';
import { createLoaderWork } from './loader-work.ts';
import type { LoaderOptions } from './options.ts';

export * from './options.ts';
export { loaderTopic, createLoaderWork } from './loader-work.ts';
export { BinanceRestClient, type BinanceRestOptions, type RestNotice } from './binance/rest-client.ts';

/** loader-producer serves /metrics on 8001 unless METRICS_PORT says otherwise. */
export const LOADER_HTTP_PORT = 8001;
export const LOADER_TARGET = 'loader-producer';

export interface LoaderServiceOptions {
  config: JobConfig;
  options: LoaderOptions;
  /** Shared bus (embedded mode); default: created from config.kafka and closed at the end. */
  bus?: Bus;
  logger?: Logger;
  http?: boolean;
  handleSignals?: boolean;
  stopGraceMs?: number;
  onListening?: (port: number) => void;
}

/** Runs one loader-producer job to its end: finished, error or interrupted. */
export function runLoaderService(service: LoaderServiceOptions): Promise<JobOutcome> {
  const registry = defaultRegistry();
  return runJobService({
    service: LOADER_TARGET,
    config: service.config,
    bus: service.bus,
    logger: service.logger,
    registry,
    http: service.http,
    handleSignals: service.handleSignals,
    stopGraceMs: service.stopGraceMs,
    onListening: service.onListening,
    work: createLoaderWork(service.options),
  });
}
