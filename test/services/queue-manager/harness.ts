import { randomUUID } from 'node:crypto';
import type { Bus } from '../../../src/bus/index.ts';
import { InlineLauncher, type JobCatalog, type JobLauncher } from '../../../src/launcher/index.ts';
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
import { SEED_EXAMPLE_1, SEED_EXAMPLE_2 } from '../../support/seed-examples.ts';

/** Seed 004 example 1, as the seed gives it. */
export const SEED_HISTORICAL = SEED_EXAMPLE_1;

/** Seed 004 example 2 with its jobs under the alias "microservices", so the alias is exercised too. */
export const SEED_REALTIME = {
  symbol: SEED_EXAMPLE_2.symbol,
  time_range: SEED_EXAMPLE_2.time_range,
  microservices: SEED_EXAMPLE_2.requests,
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

/** startManager with every job run in-process by an InlineLauncher (its jobs' logs silenced). */
export function startInlineManager(options: {
  config: QueueManagerConfig;
  sql: SqlClient;
  bus: Bus;
  catalog: JobCatalog;
}): Promise<QueueManager> {
  const { bus, catalog } = options;
  const launcher = new InlineLauncher({
    bus,
    catalog,
    logger: createLogger({ service: 'job', level: 'silent' }),
  });
  return startManager({ ...options, launcher });
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
