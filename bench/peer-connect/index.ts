// bench/peer-connect: our connector against the sink a user would pick instead — Kafka Connect 4.1
// standalone with the Debezium JDBC sink (upsert, 3 tasks) — on the same synthetic 1m candles, into fresh
// PostgreSQL tables of the same shape, in alternating order, ≥ 3 rounds; medians of wall time, records/s
// and CPU seconds of each process, the ratio ours/Connect, and a row-for-row comparison of the two tables.
// Both sinks drain a topic filled beforehand (untimed): ours the loader's records, Connect the same
// candles as JsonConverter envelopes (the Debezium sink needs a schema in every record).
//   npm run bench:peer-connect [-- --records 1000000 --rounds 3 --partitions 3 --tasks 3 --plain-insert --force]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KafkaBus } from '../../src/bus/index.ts';
import { recordKey, type CandleRecord } from '../../src/protocol/index.ts';
import { PostgresClient } from '../../src/store/index.ts';
import { startTestBroker } from '../../scripts/kafka/broker-env.ts';
import { createTableSql } from '../../src/services/connector/sinks/postgres-sql.ts';
import { syntheticCandleJob, syntheticCandles } from '../support/synthetic-job.ts';
import { childrenCpu, cpuSpent, readCpu } from '../support/cpu.ts';
import { loadNow, refuseWhenBusy } from '../support/load.ts';
import { freePort } from '../support/free-port.ts';
import { uniqueSuffix } from '../support/names.ts';
import { compareTables, describeComparison } from './compare-tables.ts';
import {
  assembleConnect,
  connectLogTail,
  processCpu,
  startConnect,
  stopConnect,
  writeConnectConfig,
} from './connect-process.ts';
import { candleEnvelope } from './envelopes.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '3' },
    tasks: { type: 'string', default: '3' },
    // Debezium's default batch INSERTs instead of its UNNEST mode (the faster one, used by default here).
    'plain-insert': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
});
function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}
const records = positive('records', values.records);
const rounds = positive('rounds', values.rounds);
const partitions = positive('partitions', values.partitions);
const tasks = positive('tasks', values.tasks);
const unnest = !values['plain-insert'];
refuseWhenBusy(values.force);

const libs = assembleConnect();
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? startTestBroker().KAFKA_BOOTSTRAP_SERVERS!;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pg = new URL(databaseUrl);
const jdbcUrl = `jdbc:postgresql://${pg.hostname}:${pg.port || '5432'}${pg.pathname}`;
const suffix = uniqueSuffix();
const root = resolve(import.meta.dirname, '../..');
const rate = (n: number, ms: number): number => Math.round(n / (ms / 1000));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => n.toLocaleString('en-US');
const seconds = (s: number | undefined): string => (s === undefined ? '?' : s.toFixed(1));

const bus = new KafkaBus({ bootstrapServers: bootstrap.split(','), clientId: 'bench-peer-connect' });
const db = new PostgresClient({ connectionString: databaseUrl, maxConnections: 2 });
const tables: string[] = [];
const topics: string[] = [];
const folders: string[] = [];
const running = new Set<ChildProcess>();

/** One sink's run: wall time from its process's start to the last row stored, and what each process spent. */
interface Measurement {
  ms: number;
  /** CPU seconds of the sink's own process (our connector; Connect's JVM). */
  sink: number | undefined;
  postgres: number | undefined;
  broker: number | undefined;
  /** Load average when the measurement started. */
  load: string;
  load1: number;
}

function cli(command: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'bin/streamforge.js'), command], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Ours: the loader fills the data topic (untimed), then the connector drains it into the table (timed). */
async function runOurs(round: number, table: string): Promise<Measurement> {
  const queueId = `bench-peer-ours-${suffix}-${round}`;
  tables.push(table);
  const job = await syntheticCandleJob(bus, {
    queueId,
    bootstrap,
    databaseUrl,
    collection: table,
    records,
    partitions,
  });
  topics.push(...job.topics);
  const env = job.env;
  const loaded = await exitCode(cli('loader', env));
  if (loaded !== 0) throw new Error(`the loader exited ${loaded}`);
  await settle();
  const load = loadNow();
  const [load1 = 0] = loadavg();
  const before = readCpu();
  const started = performance.now();
  const code = await exitCode(cli('connector', env));
  const ms = performance.now() - started;
  const after = readCpu();
  if (code !== 0) throw new Error(`our connector exited ${code}`);
  return {
    ms,
    sink: cpuSpent(before.children, childrenCpu()),
    postgres: cpuSpent(before.postgres, after.postgres),
    broker: cpuSpent(before.broker, after.broker),
    load,
    load1,
  };
}

async function produceEnvelopes(topic: string, candles: CandleRecord[]): Promise<void> {
  const chunk = 5000;
  for (let i = 0; i < candles.length; i += chunk) {
    await bus.produce(
      candles.slice(i, i + chunk).map((c) => ({ topic, key: recordKey(c), value: candleEnvelope(c) })),
    );
  }
}

async function rowCount(table: string): Promise<number> {
  const result = await db.query<{ n: string }>(`select count(*)::text as n from "${table}"`);
  return Number(result.rows[0]!.n);
}

/**
 * Connect: the envelopes go to a topic of their own (untimed), the table is created with our DDL, then
 * ConnectStandalone runs until the table holds every record (polled once a second: Connect never exits
 * by itself), and is stopped. Its CPU is read from /proc just before the stop.
 */
async function runConnect(round: number, table: string, candles: CandleRecord[]): Promise<Measurement> {
  const topic = `bench-peer-connect-${suffix}-${round}`;
  topics.push(topic);
  tables.push(table);
  await bus.createTopics([{ name: topic, partitions }]);
  await produceEnvelopes(topic, candles);
  for (const sql of createTableSql('candle', table)) await db.query(sql);
  const dir = mkdtempSync(join(tmpdir(), 'sf-peer-connect-'));
  folders.push(dir);
  const files = writeConnectConfig({
    bootstrap,
    topic,
    table,
    jdbcUrl,
    user: decodeURIComponent(pg.username) || 'postgres',
    password: decodeURIComponent(pg.password),
    tasks,
    unnest,
    dir,
    port: await freePort(),
  });
  await settle();
  const load = loadNow();
  const [load1 = 0] = loadavg();
  const before = readCpu();
  const started = performance.now();
  const connect = startConnect(libs, files, dir);
  running.add(connect);
  let cpu: number | undefined;
  try {
    // Generous: the hand-measured floor is ~7k records/s; a stuck task must still end the bench.
    const deadline = started + 120_000 + records;
    for (;;) {
      await sleep(1000);
      if (connect.exitCode !== null || connect.signalCode !== null)
        throw new Error(`Kafka Connect exited early; last lines of its log:\n${connectLogTail(dir)}`);
      cpu = processCpu(connect.pid);
      if ((await rowCount(table)) >= records) break;
      if (performance.now() > deadline)
        throw new Error(
          `Kafka Connect stored too few rows in time; last lines of its log:\n${connectLogTail(dir)}`,
        );
    }
  } finally {
    const last = processCpu(connect.pid);
    if (last !== undefined) cpu = last;
    await stopConnect(connect);
    running.delete(connect);
  }
  const ms = performance.now() - started;
  const after = readCpu();
  return {
    ms,
    sink: cpu,
    postgres: cpuSpent(before.postgres, after.postgres),
    broker: cpuSpent(before.broker, after.broker),
    load,
    load1,
  };
}

/** As in bench/pipeline: the previous step's dirty pages and deleted logs are not the next one's bill. */
async function settle(): Promise<void> {
  await db.query('checkpoint').catch((error: unknown) => {
    console.error(`# no checkpoint before the measurement (${(error as Error).message}): rounds may drift`);
  });
  await sleep(3000);
}

async function cleanUp(): Promise<void> {
  const dropped = tables.splice(0);
  for (const table of dropped) await db.query(`drop table if exists "${table}"`).catch(() => undefined);
  await db
    .query(`delete from streamforge_collections where name = any($1)`, [dropped])
    .catch(() => undefined);
  await bus.deleteTopics(topics.splice(0)).catch(() => undefined);
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function describe(name: string, m: Measurement): string {
  return (
    `${name} ${fmt(rate(records, m.ms))}/s in ${(m.ms / 1000).toFixed(1)} s, CPU s: sink ${seconds(m.sink)}, ` +
    `PostgreSQL ${seconds(m.postgres)}, broker ${seconds(m.broker)} (load ${m.load})`
  );
}

try {
  await bus.connect();
  console.log(
    `# bench/peer-connect: ${fmt(records)} synthetic 1m candles, ${partitions} partitions, ${rounds} rounds, ` +
      `broker ${bootstrap}, ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}, ${availableParallelism()} cores, load ${loadNow()}`,
  );
  console.log(
    `# peer: Kafka Connect standalone + Debezium JDBC sink (jars ${libs}), ${tasks} tasks, insert.mode=upsert, ` +
      `${unnest ? 'UNNEST inserts' : 'batched INSERTs'}; its topic holds the same candles as JsonConverter ` +
      `envelopes (schema + payload per record), ours the loader's plain JSON records`,
  );
  const candles = await syntheticCandles(records);
  const ours: Measurement[] = [];
  const theirs: Measurement[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const ourTable = `bench_peer_ours_${suffix}_${round}`;
    const theirTable = `bench_peer_connect_${suffix}_${round}`;
    // Alternate who goes first: a drift over the run (page cache, checkpoints, neighbours) hits both.
    if (round % 2 === 1) {
      ours.push(await runOurs(round, ourTable));
      theirs.push(await runConnect(round, theirTable, candles));
    } else {
      theirs.push(await runConnect(round, theirTable, candles));
      ours.push(await runOurs(round, ourTable));
    }
    const stored = await rowCount(ourTable);
    if (stored !== records) throw new Error(`our table holds ${stored} rows, not ${records}`);
    console.log(`# round ${round} (${round % 2 === 1 ? 'ours first' : 'Connect first'}):`);
    console.log(`#   ${describe('ours   ', ours.at(-1)!)}`);
    console.log(`#   ${describe('Connect', theirs.at(-1)!)}`);
    for (const line of describeComparison(await compareTables(db, ourTable, theirTable)))
      console.log(`#   ${line}`);
    await cleanUp();
  }

  const loads = [...ours, ...theirs].map((m) => m.load1);
  const loadRange = `load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`;
  const med = (ms: Measurement[], pick: (m: Measurement) => number | undefined): number | undefined => {
    const xs = ms.map(pick).filter((x): x is number => x !== undefined);
    return xs.length === 0 ? undefined : median(xs);
  };
  const row = (label: string, a: number | undefined, b: number | undefined, digits: number): string => {
    const cell = (x: number | undefined): string =>
      (x === undefined ? '?' : digits === 0 ? fmt(Math.round(x)) : x.toFixed(digits)).padStart(12);
    const ratio = a === undefined || b === undefined || b === 0 ? '?' : (a / b).toFixed(2);
    return `${label.padEnd(26)}${cell(a)}${cell(b)}${ratio.padStart(14)}   (${loadRange})`;
  };
  const ourRate = median(ours.map((m) => rate(records, m.ms)));
  const theirRate = median(theirs.map((m) => rate(records, m.ms)));
  const ourCpu = med(ours, (m) => m.sink);
  const theirCpu = med(theirs, (m) => m.sink);
  console.log(
    `median of ${rounds} rounds (1-min load average at the start of each measurement in parentheses):`,
  );
  console.log(
    `${''.padEnd(26)}${'ours'.padStart(12)}${'Connect'.padStart(12)}${'ours/Connect'.padStart(14)}`,
  );
  console.log(
    row('wall time, s', median(ours.map((m) => m.ms / 1000)), median(theirs.map((m) => m.ms / 1000)), 1),
  );
  console.log(row('records/s', ourRate, theirRate, 0));
  console.log(row('CPU s, sink process', ourCpu, theirCpu, 1));
  console.log(
    row(
      'CPU s, PostgreSQL',
      med(ours, (m) => m.postgres),
      med(theirs, (m) => m.postgres),
      1,
    ),
  );
  console.log(
    row(
      'CPU s, broker',
      med(ours, (m) => m.broker),
      med(theirs, (m) => m.broker),
      1,
    ),
  );
  const faster = ourRate / theirRate;
  const cheaper = ourCpu === undefined || theirCpu === undefined ? undefined : ourCpu / theirCpu;
  console.log(
    `goal: ≥ 3× Connect's throughput (${faster.toFixed(2)}×: ${faster >= 3 ? 'met' : 'not met'}) at ≤ 1/5 its CPU ` +
      `(${cheaper === undefined ? '?' : `${cheaper.toFixed(2)}: ${cheaper <= 0.2 ? 'met' : 'not met'}`}) (${loadRange})`,
  );
} finally {
  for (const child of running) child.kill('SIGTERM');
  await cleanUp();
  await db.close();
  await bus.close();
}
