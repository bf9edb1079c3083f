// bench/consumer: events/s through the consumer framework into PostgreSQL, against the floor: a raw
// @platformatic/kafka consumer that only counts records. Same broker, same topic, same run.
//   npm run bench:consumer [-- --events 100000 --per-event 20000 --partitions 4 --concurrency 16]
// Each path reads the topic from the start with a group of its own; the clock runs from the first record
// handled to the last (group join and start-up excluded, for every path alike). The slow paths (one
// transaction per event) are measured over the first --per-event records.
import { parseArgs } from 'node:util';
import { Consumer } from '@platformatic/kafka';
import type { Counter } from 'prom-client';
import { Type } from '@sinclair/typebox';
import { KafkaBus, type OutgoingRecord } from '../../src/bus/index.ts';
import { EventConsumer, EventRegistry, defineEvent } from '../../src/consumer/index.ts';
import { createLogger } from '../../src/runtime/index.ts';
import { UserStore, userEventRegistry, userEventRouter } from '../../src/services/consumer/index.ts';
import { PostgresClient, migrate } from '../../src/store/index.ts';
import { startTestBroker } from '../../scripts/kafka/broker-env.ts';
import { uniqueSuffix } from '../support/names.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    'per-event': { type: 'string', default: '20000' },
    partitions: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
  },
});
const events = Number(values.events);
const partitions = Number(values.partitions);
const concurrency = Number(values.concurrency);
const perEvent = Math.min(events, Number(values['per-event']));
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? startTestBroker().KAFKA_BOOTSTRAP_SERVERS!;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = uniqueSuffix();
const topic = `bench-consumer-${suffix}`;
const silent = createLogger({ service: 'bench', level: 'silent' });
const bus = new KafkaBus({ bootstrapServers: bootstrap.split(','), clientId: 'bench' });
const sql = new PostgresClient({ connectionString: databaseUrl });

async function produce(): Promise<number> {
  await bus.createTopics([{ name: topic, partitions }]);
  const users = Math.max(1, Math.floor(events / 10));
  let bytes = 0;
  for (let start = 0; start < events; start += 2000) {
    const batch: OutgoingRecord[] = [];
    for (let i = start; i < Math.min(events, start + 2000); i += 1) {
      const user = `user-${i % users}`;
      const value = JSON.stringify({
        id: `${suffix}-${i}`,
        type: i < users ? 'user.created' : 'user.updated',
        source: 'bench',
        version: '1.0',
        timestamp: new Date(Date.UTC(2024, 0, 1) + i).toISOString(),
        data: { user_id: user, username: `name-${i}`, email: `user${i}@example.com`, action: 'update' },
      });
      bytes += value.length;
      batch.push({ topic, key: user, value });
    }
    await bus.produce(batch);
  }
  return bytes;
}

/** The floor: the same client, group and fetch settings, doing nothing but counting. */
async function raw(): Promise<number> {
  const consumer = new Consumer({
    clientId: 'bench-raw',
    bootstrapBrokers: bootstrap.split(','),
    groupId: `bench-raw-${suffix}`,
    minBytes: 10_000,
    maxBytes: 10_000_000,
    maxWaitTime: 1000,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  let count = 0;
  let first = 0;
  await new Promise<void>((resolve) => {
    stream.on('data', () => {
      if (count === 0) first = performance.now();
      count += 1;
      if (count === events) resolve();
    });
  });
  const elapsed = performance.now() - first;
  await stream.close();
  await consumer.close(true);
  return elapsed;
}

/** Ms from the first record handled until `target` were (counted every 2 ms). */
async function until(consumed: () => Promise<number>, target: number): Promise<number> {
  const tick = () => new Promise((r) => setTimeout(r, 2));
  while ((await consumed()) === 0) await tick();
  const first = performance.now();
  while ((await consumed()) < target) await tick();
  return performance.now() - first;
}

async function total(counter: Counter | undefined): Promise<number> {
  return ((await counter?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
}

/** The framework alone: envelope parsing, schema validation, dispatch, commits; the handler does nothing. */
async function frameworkNoop(): Promise<number> {
  const data = Type.Object({ user_id: Type.String(), username: Type.String(), email: Type.String() });
  const noop = () => Promise.resolve();
  const handlers = new EventRegistry()
    .on(defineEvent('user.created', data), noop)
    .on(defineEvent('user.updated', data), noop);
  const consumer = new EventConsumer({
    bus,
    handlers,
    logger: silent,
    options: { topic, groupId: `bench-noop-${suffix}` },
  });
  await consumer.start();
  const counter = consumer.registry.getSingleMetric('consumer_events_consumed_total') as Counter | undefined;
  const elapsed = await until(() => total(counter), events);
  await consumer.stop();
  return elapsed;
}

/**
 * The framework with consumer-service's handlers and users table: one idempotent upsert per event,
 * either one transaction per event (keys of a partition in parallel) or one per partition batch.
 */
async function users(mode: 'per-event' | 'batched', keys: number, target: number): Promise<number> {
  const schema = `bench_consumer_${suffix.replace(/-/g, '')}_${mode.replace('-', '')}_${keys}`;
  const pool = new PostgresClient({
    connectionString: databaseUrl,
    maxConnections: Math.max(10, keys * partitions),
  });
  const store = new UserStore(pool, schema);
  await migrate(pool, store.migrations());
  const handlers = mode === 'batched' ? userEventRouter(store) : userEventRegistry(store);
  const consumer = new EventConsumer({
    bus,
    handlers,
    logger: silent,
    options: { topic, groupId: `bench-${mode}-${keys}-${suffix}`, concurrency: keys },
  });
  await consumer.start();
  const counter = consumer.registry.getSingleMetric('consumer_events_consumed_total') as Counter | undefined;
  const elapsed = await until(() => total(counter), target);
  await consumer.stop();
  const { rows } = await sql.query<{ n: number }>(
    `select count(*)::int as n from "${schema}".consumer_processed_events`,
  );
  if ((rows[0]?.n ?? 0) < target) {
    throw new Error(`expected ${target} processed events in ${schema}, found ${rows[0]?.n}`);
  }
  await sql.query(`drop schema "${schema}" cascade`);
  await sql.query(`delete from streamforge_migrations where id like $1`, [`consumer-users:${schema}:%`]);
  await pool.close();
  return elapsed;
}

const bytes = await produce();
const results: [string, number, number][] = [
  ['raw @platformatic/kafka, count only (floor)', events, await raw()],
  ['framework, no-op handler', events, await frameworkNoop()],
  ['framework → PostgreSQL, 1 statement per batch (service)', events, await users('batched', 1, events)],
  ['framework → PostgreSQL, 1 tx per event', perEvent, await users('per-event', 1, perEvent)],
  [
    `framework → PostgreSQL, 1 tx per event, ${concurrency} keys`,
    perEvent,
    await users('per-event', concurrency, perEvent),
  ],
];
await bus.deleteTopics([topic, `${topic}-dlq`]);
await bus.close();
await sql.close();

const floorRate = (events / results[0]![2]) * 1000;
console.log(
  `consumer throughput: ${events} events (${(bytes / events).toFixed(0)} B each) on ${partitions} partitions, Kafka ${bootstrap}, PostgreSQL ${new URL(databaseUrl).host}`,
);
console.log(
  `${'path'.padEnd(56)} ${'events'.padStart(7)} ${'events/s'.padStart(9)} ${'seconds'.padStart(8)}  vs floor`,
);
for (const [name, count, ms] of results) {
  const rate = (count / ms) * 1000;
  console.log(
    `${name.padEnd(56)} ${String(count).padStart(7)} ${rate.toFixed(0).padStart(9)} ${(ms / 1000).toFixed(2).padStart(8)}  ${(rate / floorRate).toFixed(3)}×`,
  );
}
