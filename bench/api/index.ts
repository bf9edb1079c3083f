// bench/api: GET /queues/{id} requests per second from the queue manager's API (PostgreSQL store, a
// queue of six jobs), and in the same run a bare Fastify route answering the same JSON body: the
// floor of the HTTP stack. The load generator runs in a worker thread (keep-alive, closed loop).
//   npm run bench:api [-- --seconds 5 --connections 32 --cache-ttl 1000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { MemoryBus } from '../../src/bus/index.ts';
import type {
  JobExit,
  JobHandle,
  JobLauncher,
  JobObservation,
  JobSpec,
  LaunchResult,
} from '../../src/launcher/index.ts';
import { createLogger } from '../../src/runtime/index.ts';
import { createJobCatalog } from '../../src/services/job-catalogue.ts';
import { QueueManager, readQueueManagerConfig } from '../../src/services/queue-manager/index.ts';
import { PostgresClient } from '../../src/store/index.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    // 0 turns the read cache off: every request then reads PostgreSQL (two queries).
    'cache-ttl': { type: 'string', default: '1000' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

/** Jobs are accepted and never run: the queue's state stays still while it is read. */
class IdleLauncher implements JobLauncher {
  readonly kind = 'inline';
  readonly idempotent = false;
  launch(spec: JobSpec): Promise<LaunchResult> {
    return Promise.resolve({ ref: `idle:${spec.telemetryId}`, adopted: false });
  }
  terminate(_job: JobHandle): Promise<void> {
    return Promise.resolve();
  }
  inspect(jobs: readonly JobHandle[]): Promise<Map<string, JobObservation>> {
    return Promise.resolve(new Map(jobs.map((j) => [j.telemetryId, { state: 'running' as const }])));
  }
  onExit(_listener: (exit: JobExit) => void): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function load(url: string, duration: number): Promise<{ requests: number; errors: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load.ts', import.meta.url), {
      workerData: { url, connections, seconds: duration },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const base =
  process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_api_${randomUUID().slice(0, 8)}`;
const admin = new PostgresClient({ connectionString: base });
await admin.query(`create schema ${schema}`);
const sql = new PostgresClient({
  connectionString: `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
});
const bus = new MemoryBus();
const config = readQueueManagerConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  QUEUE_CACHE_TTL_MS: values['cache-ttl'],
});
const catalog = createJobCatalog({ simulation: config.simulation });
const manager = new QueueManager({
  config,
  sql,
  bus,
  launcher: new IdleLauncher(),
  catalog,
  logger: createLogger({ service: 'bench', level: 'warn' }),
});
const bare = Fastify();
try {
  await manager.start();
  const started = await fetch(`http://127.0.0.1:${manager.port}/queues/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-30',
      requests: [
        { target: 'loader-producer', type: 'api_candles_5m', interval: '5m' },
        { target: 'loader-producer', type: 'api_trades' },
        { target: 'arango-connector', type: 'api_candles_5m' },
        { target: 'arango-connector', type: 'api_trades' },
        { target: 'graph-builder', type: 'gnn_graph', collection_output: 'btc_graph_2024_06' },
        { target: 'gnn-trainer', type: 'gnn_train', graph_collection: 'btc_graph_2024_06' },
      ],
    }),
  });
  const { queue_id: id } = (await started.json()) as { queue_id: string };
  const body: unknown = await (await fetch(`http://127.0.0.1:${manager.port}/queues/${id}`)).json();
  bare.get('/queues/:id', (_request, reply) => reply.send(body));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/queues/${id}`;
  const managerUrl = `http://127.0.0.1:${manager.port}/queues/${id}`;

  await load(bareUrl, 1); // warm-up both
  await load(managerUrl, 1);
  const floor = await load(bareUrl, seconds);
  const api = await load(managerUrl, seconds);
  const rate = (r: { requests: number; seconds: number }): number => r.requests / r.seconds;
  console.log(
    `api: GET /queues/{id} (6 jobs, ${JSON.stringify(body).length} bytes), ${connections} keep-alive connections, ${seconds} s each`,
  );
  console.log(
    `  queue manager (PostgreSQL, cache ttl ${config.cacheTtlMs} ms): ${Math.round(rate(api))} req/s (${api.errors} errors)`,
  );
  console.log(
    `  bare Fastify route, same body:                 ${Math.round(rate(floor))} req/s (${floor.errors} errors)`,
  );
  const ratio = rate(api) / rate(floor);
  console.log(`  ratio: ${ratio.toFixed(2)}   target: ≥ 0.7 → ${ratio >= 0.7 ? 'met' : 'NOT met'}`);
} finally {
  await bare.close();
  await manager.close();
  await bus.close();
  await sql.close();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.close();
}
