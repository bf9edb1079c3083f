// bench/telemetry-ingest: telemetry events per second the queue manager folds into PostgreSQL, read
// from queue-events on the real broker through its own consumer group (the production path); and the
// floor, in the same run: PostgreSQL taking the same events in the same batches, the same way (one JSON
// parameter), into an unindexed table: no dedupe, no job updates, no roll-up, no Kafka.
//   npm run bench:telemetry-ingest [-- --events 200000 --jobs 300 --batch 5000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { KafkaBus } from '../../src/bus/index.ts';
import { createTelemetry, type Telemetry } from '../../src/protocol/index.ts';
import { createLogger } from '../../src/runtime/index.ts';
import { QUEUE_MANAGER_MIGRATIONS, QueueStore } from '../../src/services/queue-manager/index.ts';
import { TelemetryFolder } from '../../src/services/queue-manager/telemetry/telemetry-folder.ts';
import { PostgresClient, migrate } from '../../src/store/index.ts';
import { startTestBroker } from '../../scripts/kafka/broker-env.ts';
import { uniqueSuffix } from '../support/names.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    jobs: { type: 'string', default: '300' },
    batch: { type: 'string', default: '5000' },
  },
});
const total = Number(values.events);
const jobCount = Number(values.jobs);
const batch = Number(values.batch);
const base =
  process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? startTestBroker().KAFKA_BOOTSTRAP_SERVERS!;
const suffix = uniqueSuffix();
const schema = `bench_ingest_${suffix}`;
const admin = new PostgresClient({ connectionString: base });
await admin.query(`create schema ${schema}`);
const sql = new PostgresClient({
  connectionString: `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
});
const bus = new KafkaBus({ bootstrapServers: bootstrap.split(','), clientId: 'bench-ingest' });
const topic = `bench-queue-events-${suffix}`;

try {
  await migrate(sql, QUEUE_MANAGER_MIGRATIONS);
  // 50 queues of jobs that are running, as the manager would have them.
  const jobs: { queueId: string; telemetryId: string }[] = [];
  for (let q = 0; q < jobCount / 6; q += 1) {
    const queueId = `wf-bench-api_trades-20240801-${q.toString(36).padStart(6, '0')}`;
    await sql.query(
      `insert into qm_queues (queue_id, symbol, time_range, status, request) values ($1, 'BENCH', '2024-08-01:2024-08-01', 'running', '{}')`,
      [queueId],
    );
    for (let j = 0; j < 6; j += 1) {
      const telemetryId = `loader-producer__${randomUUID().slice(0, 6)}`;
      jobs.push({ queueId, telemetryId });
      await sql.query(
        `insert into qm_jobs (telemetry_id, queue_id, position, target, type, streaming, job_name, topic, collection, params, status, launched_at)
         values ($1, $2, $3, 'loader-producer', 'api_trades', false, $1, 't', 'c', '{}', 'running', now() - interval '1 minute')`,
        [telemetryId, queueId, j],
      );
    }
  }
  const now = Date.now() / 1000;
  const events: Telemetry[] = Array.from({ length: total }, (_, i) => {
    const job = jobs[i % jobs.length]!;
    const n = Math.floor(i / jobs.length);
    return createTelemetry(
      'loading',
      { ...job, target: 'loader-producer', symbol: 'BENCH', type: 'api_trades' },
      {
        sent_at: now + n / 1000,
        records_written: (n + 1) * 1000,
        records_total: 10_000_000,
        message: 'loading',
      },
    );
  });

  await bus.createTopics([{ name: topic, partitions: 1 }]);
  for (let at = 0; at < events.length; at += 1000) {
    await bus.produce(
      events.slice(at, at + 1000).map((e) => ({ topic, key: e.queue_id, value: JSON.stringify(e) })),
    );
  }

  // The manager's path: consume, parse, fold (insert-if-new + job updates + roll-up) in one transaction per batch, commit.
  let folded = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const folder = new TelemetryFolder({
    bus,
    store: new QueueStore(sql),
    topic,
    groupId: `bench-ingest-${suffix}`,
    batchSize: batch,
    logger: createLogger({ service: 'bench', level: 'warn' }),
    onFolded: (result) => {
      folded += result.applied.length;
      if (folded >= total) done();
    },
    onInvalid: () => undefined,
  });
  const foldStart = performance.now();
  await folder.start();
  await finished;
  const foldSeconds = (performance.now() - foldStart) / 1000;
  await folder.close();
  const check = await sql.query<{ n: number; r: number }>(
    `select count(*)::int as n, (select max(records_written)::float8 from qm_jobs) as r from qm_events`,
  );

  // The floor: the same rows, the same batch size, a plain insert into a table with no index.
  await sql.query(
    `create table floor_events (queue_id text, telemetry_id text, event text, sent_at float8, records_written bigint, payload jsonb)`,
  );
  const floorStart = performance.now();
  for (let at = 0; at < events.length; at += batch) {
    await sql.query(
      `insert into floor_events
       select e->>'queue_id', e->>'telemetry_id', e->>'event', (e->>'sent_at')::float8, (e->>'records_written')::bigint, e
       from jsonb_array_elements($1::jsonb) e`,
      [JSON.stringify(events.slice(at, at + batch))],
    );
  }
  const floorSeconds = (performance.now() - floorStart) / 1000;

  const rate = total / foldSeconds;
  const floor = total / floorSeconds;
  console.log(
    `telemetry-ingest: ${total} events, ${jobs.length} jobs, batches of ${batch}, Kafka ${bootstrap} → PostgreSQL`,
  );
  console.log(`  stored ${check.rows[0]!.n} events; highest records_written ${check.rows[0]!.r}`);
  console.log(
    `  manager fold (Kafka → dedupe insert → job updates → roll-up → commit): ${Math.round(rate)} events/s (${foldSeconds.toFixed(2)} s)`,
  );
  console.log(
    `  floor (same rows, one JSON parameter, unindexed table, no Kafka):     ${Math.round(floor)} events/s (${floorSeconds.toFixed(2)} s)`,
  );
  console.log(
    `  ratio fold/floor: ${(rate / floor).toFixed(2)}   target: ≥ 20000 events/s → ${rate >= 20_000 ? 'met' : 'NOT met'}`,
  );
} finally {
  await bus.deleteTopics([topic]).catch(() => undefined);
  await bus.close();
  await sql.close();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.close();
}
