import type { Bus } from '../../bus/index.ts';
import {
  defaultRegistry,
  runJobService,
  type JobConfig,
  type JobOutcome,
  type Logger,
} from '../../runtime/index.ts';
import { createConnectorWork } from './connector-work.ts';
import type { ConnectorOptions } from './options.ts';
import type { CollectionSink } from './sinks/sink.ts';

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

/** The seed's name for the job that stores a topic into a collection (whatever the database). */
export const CONNECTOR_TARGET = 'arango-connector';
export const CONNECTOR_HTTP_PORT = 8002;

export interface ConnectorServiceOptions {
  config: JobConfig;
  options: ConnectorOptions;
  bus?: Bus;
  sink?: CollectionSink;
  logger?: Logger;
  http?: boolean;
  handleSignals?: boolean;
  stopGraceMs?: number;
  onListening?: (port: number) => void;
}

/** Runs one arango-connector job to its end: finished, error or interrupted. */
export function runConnectorService(service: ConnectorServiceOptions): Promise<JobOutcome> {
  const registry = defaultRegistry();
  return runJobService({
    service: CONNECTOR_TARGET,
    config: service.config,
    bus: service.bus,
    logger: service.logger,
    registry,
    http: service.http,
    handleSignals: service.handleSignals,
    stopGraceMs: service.stopGraceMs ?? 30_000,
    onListening: service.onListening,
    work: createConnectorWork(service.options, { sink: service.sink }),
  });
}
