// Runs loader-producer and arango-connector jobs in-process for the market-data tests, on isolated
// control/events topics (and, for the PostgreSQL sink, a table of their own), and collects their telemetry.
// As child processes: startCli (cli.ts).
import type { Bus } from '../../src/bus/index.ts';
import {
  createLogger,
  readJobConfig,
  type JobHostOptions,
  type JobOutcome,
} from '../../src/runtime/index.ts';
import {
  readConnectorOptions,
  runConnectorService,
  type CollectionSink,
} from '../../src/services/connector/index.ts';
import { readLoaderOptions, runLoaderService } from '../../src/services/loader/index.ts';
import type { TestBackends } from './backends.ts';
import { testKafka, uniqueName } from './kafka.ts';
import { testDatabaseUrl } from './postgres.ts';
import { TelemetryRecorder } from './telemetry-recorder.ts';

export interface QueueTopics {
  queueId: string;
  control: string;
  events: string;
  env: Record<string, string>;
}

/** A queue of its own: unique queue id and control/events topics, created on `bus`. */
export async function isolatedQueue(bus: Bus, prefix: string): Promise<QueueTopics> {
  const queueId = uniqueName(prefix);
  const control = `${queueId}.control`;
  const events = `${queueId}.events`;
  await bus.createTopics([{ name: control }, { name: events }]);
  return {
    queueId,
    control,
    events,
    env: {
      QUEUE_ID: queueId,
      QUEUE_CONTROL_TOPIC: control,
      QUEUE_EVENTS_TOPIC: events,
      LOADING_INTERVAL_SECONDS: '0.5',
    },
  };
}

export interface TableQueue extends QueueTopics {
  /** COLLECTION_NAME: the table the connector writes. */
  collection: string;
}

/**
 * A queue of its own (isolatedQueue) whose connector writes a table of its own in the test database;
 * `env` points the jobs at the test broker, the queue and the table. The table and its entry in the
 * collection catalog are removed when `backends` closes.
 */
export async function queueIntoTable(backends: TestBackends, prefix: string): Promise<TableQueue> {
  const queue = await isolatedQueue(backends.bus, prefix);
  const collection = `t_${queue.queueId.replaceAll('-', '_')}`;
  backends.defer(() => backends.db.query(`drop table if exists "${collection}"`));
  backends.defer(() =>
    backends.db.query(`delete from streamforge_collections where name = $1`, [collection]),
  );
  return {
    ...queue,
    collection,
    env: {
      ...queue.env,
      ...testKafka().env,
      DATABASE_URL: testDatabaseUrl,
      COLLECTION_NAME: collection,
    },
  };
}

const quiet = (service: string) => createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function runLoader(bus: Bus, env: Record<string, string>): Promise<JobOutcome> {
  const config = readJobConfig({ TARGET: 'loader-producer', ...env }, 'loader-producer', 0);
  return runLoaderService({
    config,
    options: readLoaderOptions(env),
    bus,
    logger: quiet('loader'),
    http: false,
    handleSignals: false,
  });
}

export function runConnector(
  bus: Bus,
  env: Record<string, string>,
  sink?: CollectionSink,
  host: Partial<JobHostOptions> = {},
): Promise<JobOutcome> {
  const config = readJobConfig({ TARGET: 'arango-connector', ...env }, 'arango-connector', 0);
  return runConnectorService({
    config,
    options: readConnectorOptions(env),
    bus,
    sink,
    logger: quiet('connector'),
    http: false,
    handleSignals: false,
    ...host,
  });
}

/** Records every telemetry event of a queue of its own (isolatedQueue), from the start of its events topic. */
export function collectTelemetry(bus: Bus, events: string): Promise<TelemetryRecorder> {
  return TelemetryRecorder.open(bus, events, { from: 'earliest' });
}
