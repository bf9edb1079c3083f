import { runJobService, type JobHostOptions, type JobOutcome } from '../../runtime/index.ts';
import { createLoaderWork } from './loader-work.ts';
import type { LoaderOptions } from './options.ts';
import { LOADER_TARGET } from './definition.ts';

export * from './options.ts';
export { loaderTopic, createLoaderWork } from './loader-work.ts';
export { BinanceRestClient, type BinanceRestOptions, type RestNotice } from './binance/rest-client.ts';

export { LOADER_HTTP_PORT, LOADER_TARGET, loaderDefinition } from './definition.ts';

export interface LoaderServiceOptions extends JobHostOptions {
  options: LoaderOptions;
}

/** Runs one loader-producer job to its end: finished, error or interrupted. */
export function runLoaderService({ options, ...host }: LoaderServiceOptions): Promise<JobOutcome> {
  return runJobService({ ...host, service: LOADER_TARGET, work: createLoaderWork(options) });
}
