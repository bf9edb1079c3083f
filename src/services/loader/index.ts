import { runJobService, type JobHostOptions, type JobOutcome } from '../../runtime/index.ts';
import { createLoaderWork } from './loader-work.ts';
import type { LoaderOptions } from './options.ts';

export * from './options.ts';
export { loaderTopic, createLoaderWork } from './loader-work.ts';
export { BinanceRestClient, type BinanceRestOptions, type RestNotice } from './binance/rest-client.ts';

/** loader-producer serves /metrics on 8001 unless METRICS_PORT says otherwise. */
export const LOADER_HTTP_PORT = 8001;
export const LOADER_TARGET = 'loader-producer';

export interface LoaderServiceOptions extends JobHostOptions {
  options: LoaderOptions;
}

/** Runs one loader-producer job to its end: finished, error or interrupted. */
export function runLoaderService({ options, ...host }: LoaderServiceOptions): Promise<JobOutcome> {
  return runJobService({ ...host, service: LOADER_TARGET, work: createLoaderWork(options) });
}
