import { runJobService, type JobHostOptions, type JobOutcome } from '../../runtime/index.ts';
import { createConnectorWork } from './connector-work.ts';
import type { ConnectorOptions } from './options.ts';
import type { CollectionSink } from './sinks/sink.ts';
import { CONNECTOR_TARGET } from './definition.ts';

export * from './options.ts';
export {
  createConnectorWork,
  planConnector,
  type ConnectorDeps,
  type ConnectorPlan,
} from './connector-work.ts';
export { openSink } from './sinks/open-sink.ts';
export { PostgresSink, type UpsertMethod, type PostgresSinkOptions } from './sinks/postgres-sink.ts';
export { ArangoSink } from './sinks/arango-sink.ts';
export { COLLECTION_MIGRATIONS } from './sinks/postgres-sql.ts';
export type { CollectionSink, CollectionSpec, CollectionStats, CollectionGap } from './sinks/sink.ts';

export { CONNECTOR_HTTP_PORT, CONNECTOR_TARGET, connectorDefinition } from './definition.ts';

export interface ConnectorServiceOptions extends JobHostOptions {
  options: ConnectorOptions;
  /** A sink to share (embedded mode); default: opened from the options and closed at the end. */
  sink?: CollectionSink;
}

/** Runs one arango-connector job to its end: finished, error or interrupted. */
export function runConnectorService({
  options,
  sink,
  ...host
}: ConnectorServiceOptions): Promise<JobOutcome> {
  return runJobService({
    ...host,
    // Draining the last batch into the database on a stop can take a while.
    stopGraceMs: host.stopGraceMs ?? 30_000,
    service: CONNECTOR_TARGET,
    work: createConnectorWork(options, { sink }),
  });
}
