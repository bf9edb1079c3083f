import type { Env } from '../../runtime/index.ts';
import type { JobWork } from '../../runtime/index.ts';
import { createConnectorWork, PostgresSink, readConnectorOptions } from '../connector/index.ts';
import { createLoaderWork, readLoaderOptions } from '../loader/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { jobEnvironment } from '../../launcher/job-env.ts';
import type { JobSpec } from '../../launcher/types.ts';

/** What the real market-data workers need from the process that launches them. */
export interface WorkerRuntime {
  /**
   * Environment the workers read their options from (BINANCE_API_URL, BINANCE_WS_URL, DATABASE_URL,
   * ARANGO_URL…); each job's own variables (jobEnvironment) win over it.
   */
  readonly env?: Env;
  /** The embedded store: in-process connectors write through it (one PGlite owner per directory). */
  readonly store?: SqlClient;
}

/** The recipe of loader-producer (`streamforge loader`) or arango-connector (`streamforge connector`). */
export function marketDataRecipe<T>(
  target: 'loader-producer' | 'arango-connector',
  types: readonly T[],
  runtime: WorkerRuntime,
) {
  const envOf = (spec: JobSpec): Env => ({ ...runtime.env, ...jobEnvironment(spec) });
  // Options are read when the job runs, so a bad value ends the job with `error` instead of failing the launch.
  const work =
    target === 'loader-producer'
      ? (spec: JobSpec): JobWork =>
          (ctx) =>
            createLoaderWork(readLoaderOptions(envOf(spec)))(ctx)
      : (spec: JobSpec): JobWork =>
          (ctx) => {
            const options = readConnectorOptions(envOf(spec));
            const shared =
              runtime.store && !options.arango && !options.databaseUrl
                ? new PostgresSink(runtime.store)
                : undefined;
            return createConnectorWork(options, { sink: shared })(ctx);
          };
  return Object.freeze({
    service: target,
    types,
    work,
    command: () => [target === 'loader-producer' ? 'loader' : 'connector'],
  });
}
