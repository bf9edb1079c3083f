import { randomUUID } from 'node:crypto';
import type { Bus } from '../../../src/bus/index.ts';
import type { JobCatalog, JobLauncher } from '../../../src/launcher/index.ts';
import type { Telemetry } from '../../../src/protocol/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import {
  QueueManager,
  readQueueManagerConfig,
  type ErrorAnswer,
  type EventList,
  type EventView,
  type JobView,
  type QueueList,
  type CollectionReader,
  type GraphReader,
  type QueueManagerConfig,
  type QueueSummary,
  type QueueView,
} from '../../../src/services/queue-manager/index.ts';

/** Any answer of the API, read loosely by tests: the fields of every response shape at once. */
export type Answer = Omit<QueueView, 'jobs'> &
  Omit<QueueList, 'items'> &
  Omit<EventList, 'items'> &
  ErrorAnswer & { jobs: LooseJob[]; items: (QueueSummary & EventView)[] };

/** A job as tests read it: the nullable fields they assert on taken as present. */
type LooseJob = Omit<JobView, 'last_event' | 'error' | 'launched_at' | 'finished_at' | 'duration_seconds'> & {
  last_event: Telemetry;
  error: { message: string; code: string | null };
  launched_at: string;
  finished_at: string;
  duration_seconds: number;
};
import { PostgresClient, type SqlClient } from '../../../src/store/index.ts';

export const SEED_HISTORICAL = {
  symbol: 'BTCUSDT',
  time_range: '2024-06-01:2024-06-30',
  requests: [
    { target: 'loader-producer', type: 'api_candles_5m', interval: '5m' },
    { target: 'loader-producer', type: 'api_trades' },
    { target: 'arango-connector', type: 'api_candles_5m' },
    { target: 'arango-connector', type: 'api_trades' },
    {
      target: 'graph-builder',
      type: 'gnn_graph',
      collection_inputs: ['btc_candles_5m_2024_06', 'btc_trades_2024_06'],
      collection_output: 'btc_graph_2024_06',
    },
    {
      target: 'gnn-trainer',
      type: 'gnn_train',
      graph_collection: 'btc_graph_2024_06',
      model_output: 'gnn_model_btc_2024_06',
    },
  ],
};

export const SEED_REALTIME = {
  symbol: 'BTCUSDT',
  time_range: '2024-08-01:2024-08-01',
  microservices: [
    { target: 'loader-producer', type: 'ws_candles_1m' },
    { target: 'loader-producer', type: 'ws_trades' },
    { target: 'arango-connector', type: 'ws_candles_1m' },
    { target: 'arango-connector', type: 'ws_trades' },
    {
      target: 'graph-builder',
      type: 'realtime_graph',
      collection_inputs: ['btc_ws_candles_1m_2024_08_01', 'btc_ws_trades_2024_08_01'],
      collection_output: 'btc_graph_rt_2024_08_01',
    },
    {
      target: 'gnn-trainer',
      type: 'realtime_gnn_infer',
      graph_collection: 'btc_graph_rt_2024_08_01',
      inference_interval: '5m',
    },
    { target: 'visualizer', type: 'graph_metrics_stream', source: 'btc_graph_rt_2024_08_01' },
  ],
};

/** Manager settings for tests: short timeouts, quick simulated jobs, a unique group and topics. */
export function testConfig(env: Record<string, string> = {}): QueueManagerConfig {
  const id = randomUUID().slice(0, 8);
  return readQueueManagerConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      QUEUE_CONTROL_TOPIC: `qm-control-${id}`,
      QUEUE_EVENTS_TOPIC: `qm-events-${id}`,
      QUEUE_MANAGER_GROUP_ID: `qm-group-${id}`,
      SIMULATED_JOB_SECONDS: '1',
      SIMULATED_LOADING_INTERVAL_SECONDS: '0.2',
      SIMULATED_RECORDS_PER_TICK: '100',
      SUPERVISE_INTERVAL_MS: '100',
      EXIT_GRACE_SECONDS: '1',
      ...env,
    },
    { port: 0, host: '127.0.0.1' },
  );
}

export function startManager(options: {
  config: QueueManagerConfig;
  sql: SqlClient;
  bus: Bus;
  launcher: JobLauncher;
  catalog: JobCatalog;
  collections?: CollectionReader;
  graphs?: GraphReader;
  webDir?: string;
}): Promise<QueueManager> {
  const manager = new QueueManager({
    ...options,
    logger: createLogger({ service: 'queue-manager', level: 'silent' }),
  });
  return manager.start().then(() => manager);
}

/** A PostgreSQL schema of its own for one test file, reached through search_path in the URL. */
export async function testSchema(): Promise<{
  url: string;
  open: () => Promise<PostgresClient>;
  drop: () => Promise<void>;
}> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `qm_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new PostgresClient({ connectionString: base });
  await admin.query(`create schema ${schema}`);
  const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    open: async () => {
      const client = new PostgresClient({ connectionString: url });
      await client.connect();
      return client;
    },
    drop: async () => {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.close();
    },
  };
}

/** A small HTTP client for the manager's API. */
export function api(manager: QueueManager, token?: string) {
  const base = `http://127.0.0.1:${manager.port}`;
  const headers = (body: boolean): Record<string, string> => ({
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  return {
    base,
    async get(path: string): Promise<{ status: number; body: Answer }> {
      const res = await fetch(base + path, { headers: headers(false) });
      return { status: res.status, body: (await res.json()) as Answer };
    },
    async post(path: string, body?: unknown): Promise<{ status: number; body: Answer }> {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Answer };
    },
  };
}
