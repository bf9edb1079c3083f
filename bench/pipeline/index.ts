// bench/pipeline: 1,000,000 synthetic candles loader → Kafka → connector → PostgreSQL, end to end, as
// two `streamforge` processes on the real broker and database; and in the same run the floors: kcat
// producing the same records to the same broker, and PostgreSQL COPY of the same rows. Each round
// measures all three; medians are reported, because a shared 2-core machine swings ±30 % run to run.
// On Linux it also reports the CPU seconds each process spent (bench/support/cpu.ts), so the budget
// behind a figure can be read off the same run.
//   npm run bench:pipeline [-- --records 1000000 --partitions 3 --rounds 3]
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KafkaBus } from '../../src/bus/index.ts';
import { recordKey, type MarketRecord } from '../../src/protocol/index.ts';
import { PostgresClient } from '../../src/store/index.ts';
import { startTestBroker } from '../../scripts/kafka/broker-env.ts';
import { copyRows } from '../../src/services/connector/sinks/copy-rows.ts';
import { createTableSql } from '../../src/services/connector/sinks/postgres-sql.ts';
import { syntheticCandleJob, syntheticCandles } from '../support/synthetic-job.ts';
import { childrenCpu, cpuSpent, readCpu } from '../support/cpu.ts';
import { uniqueSuffix } from '../support/names.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
  },
});
const records = Number(values.records);
const partitions = Number(values.partitions);
const rounds = Number(values.rounds);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? startTestBroker().KAFKA_BOOTSTRAP_SERVERS!;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = uniqueSuffix();
const root = resolve(import.meta.dirname, '../..');
const rate = (n: number, ms: number): number => Math.round(n / (ms / 1000));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => n.toLocaleString('en-US');

const kcat = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
const kcatMissing = kcat.error !== undefined || kcat.status !== 0;
if (kcatMissing) {
  console.error(
    'kcat is not installed: the Kafka floor of this benchmark needs it.\n' +
      '  Debian/Ubuntu: apt-get update && apt-get install -y kcat\n' +
      'The end-to-end and COPY figures follow; the kcat floor and its ratio are skipped.',
  );
}

const bus = new KafkaBus({ bootstrapServers: bootstrap.split(','), clientId: 'bench-pipeline' });
const db = new PostgresClient({ connectionString: databaseUrl, maxConnections: 2 });
const tables: string[] = [];
const topics: string[] = [];

function cli(command: string, env: Record<string, string>): ReturnType<typeof spawn> {
  return spawn(process.execPath, [join(root, 'bin/streamforge.js'), command], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** CPU seconds of one end-to-end run, per process (undefined where /proc cannot tell). */
interface EndToEndCpu {
  loader: number | undefined;
  connector: number | undefined;
  postgres: number | undefined;
  broker: number | undefined;
}

async function endToEnd(
  round: number,
): Promise<{ ms: number; loaderMs: number; rows: number; cpu: EndToEndCpu }> {
  // Names of its own each round: Kafka deletes topics in the background, so a name reused at once
  // could meet the previous round's records and end-of-stream markers.
  const queueId = `bench-pipeline-${suffix}-${round}`;
  const collection = `bench_pipeline_${suffix}_${round}`;
  tables.push(collection);
  const job = await syntheticCandleJob(bus, {
    queueId,
    bootstrap,
    databaseUrl,
    collection: collection,
    records,
    partitions,
  });
  topics.push(...job.topics);
  const env = job.env;
  const before = readCpu();
  // An exited child's CPU is added to ours when it is waited for: the reading at each exit, minus the
  // one before it, is what that child spent (the loader ends first; the connector waits for its markers).
  let children = before.children;
  const exited = async (child: ReturnType<typeof cli>) => {
    const [code] = (await once(child, 'exit')) as [number];
    const now = childrenCpu();
    const cpu = cpuSpent(children, now);
    children = now;
    return { code, cpu, at: performance.now() };
  };
  const started = performance.now();
  const connector = exited(cli('connector', env));
  const loader = await exited(cli('loader', env));
  const { code: connectorCode, cpu: connectorCpu } = await connector;
  const ms = performance.now() - started;
  const after = readCpu();
  if (loader.code !== 0 || connectorCode !== 0)
    throw new Error(`loader exited ${loader.code}, connector ${connectorCode}`);
  const count = await db.query<{ n: string }>(`select count(*)::text as n from "${collection}"`);
  const cpu = {
    loader: loader.cpu,
    connector: connectorCpu,
    postgres: cpuSpent(before.postgres, after.postgres),
    broker: cpuSpent(before.broker, after.broker),
  };
  return { ms, loaderMs: loader.at - started, rows: Number(count.rows[0]!.n), cpu };
}

/** kcat's input, written once for every round: `key<TAB>value` lines of the same records. */
function writeKcatInput(all: MarketRecord[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sf-bench-')), 'records.txt');
  writeFileSync(file, all.map((r) => `${recordKey(r)}\t${JSON.stringify(r)}\n`).join(''));
  return file;
}

async function kcatFloor(
  file: string,
  round: number,
): Promise<{ ms: number; kcat: number | undefined; broker: number | undefined }> {
  const topic = `bench-kcat-${suffix}-${round}`;
  topics.push(topic);
  await bus.createTopics([{ name: topic, partitions }]);
  const before = readCpu();
  const started = performance.now();
  // Same guarantees as the loader's producer: idempotent, acks from all in-sync replicas.
  const run = spawnSync(
    'kcat',
    [
      '-P',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-K',
      '\t',
      '-l',
      '-X',
      'enable.idempotence=true',
      '-X',
      'acks=all',
      file,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`kcat exited ${run.status}`);
  const after = readCpu();
  return {
    ms,
    kcat: cpuSpent(before.children, after.children),
    broker: cpuSpent(before.broker, after.broker),
  };
}

async function copyFloor(rows: Buffer, round: number): Promise<{ ms: number; postgres: number | undefined }> {
  const table = `bench_copy_${suffix}_${round}`;
  tables.push(table);
  for (const sql of createTableSql('candle', table)) await db.query(sql);
  const before = readCpu().postgres;
  const started = performance.now();
  await db.copyFrom(`copy "${table}" from stdin`, rows);
  const ms = performance.now() - started;
  return { ms, postgres: cpuSpent(before, readCpu().postgres) };
}

/** Drops what a round created: 1M-record topics and tables pile up otherwise. */
async function cleanUp(): Promise<void> {
  const dropped = tables.splice(0);
  for (const table of dropped) await db.query(`drop table if exists "${table}"`).catch(() => undefined);
  await db
    .query(`delete from streamforge_collections where name = any($1)`, [dropped])
    .catch(() => undefined);
  await bus.deleteTopics(topics.splice(0)).catch(() => undefined);
}

/**
 * Lets the previous round's deferred work finish before the next round is timed: PostgreSQL writes the
 * dirty pages of the last 2M rows (a checkpoint the next round would otherwise pay for, mid-COPY), and
 * the broker removes the deleted topics' logs. Every round then starts from the same state as the first.
 */
async function settle(): Promise<void> {
  await db.query('checkpoint').catch((error: unknown) => {
    console.error(`# no checkpoint before the round (${(error as Error).message}): rounds may drift`);
  });
  await sleep(5000);
}

let kcatInput: string | undefined;
try {
  await bus.connect();
  console.log(
    `# bench/pipeline: ${fmt(records)} synthetic 1m candles, ${partitions} partitions, ${rounds} rounds, broker ${bootstrap}, ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
  );
  const all = await syntheticCandles(records);
  kcatInput = kcatMissing ? undefined : writeKcatInput(all);
  const copyInput = copyRows(all);
  const e2eRates: number[] = [];
  const kcatRates: number[] = [];
  const copyRates: number[] = [];
  /** CPU seconds per round, by what spent them; printed as medians (each over the rounds that read it). */
  const cpu = new Map<string, number[]>();
  const spent = (what: string, seconds: number | undefined): string => {
    if (seconds === undefined) return `${what} ?`;
    cpu.set(what, [...(cpu.get(what) ?? []), seconds]);
    return `${what} ${seconds.toFixed(1)}`;
  };
  for (let round = 1; round <= rounds; round += 1) {
    await settle();
    const e2e = await endToEnd(round);
    if (e2e.rows !== records) throw new Error(`the collection holds ${e2e.rows} rows, not ${records}`);
    const kcat = kcatInput === undefined ? undefined : await kcatFloor(kcatInput, round);
    const copy = await copyFloor(copyInput, round);
    await cleanUp();
    e2eRates.push(rate(records, e2e.ms));
    if (kcat !== undefined) kcatRates.push(rate(records, kcat.ms));
    copyRates.push(rate(records, copy.ms));
    console.log(
      `# round ${round}: end to end ${fmt(e2eRates.at(-1)!)}/s (${(e2e.ms / 1000).toFixed(1)} s; loader done at ${(e2e.loaderMs / 1000).toFixed(1)} s), ` +
        `kcat ${kcat === undefined ? 'skipped' : `${fmt(kcatRates.at(-1)!)}/s`}, COPY ${fmt(copyRates.at(-1)!)}/s`,
    );
    const { loader, connector, postgres, broker } = e2e.cpu;
    const total = [loader, connector, postgres, broker].reduce<number | undefined>(
      (sum, s) => (sum === undefined || s === undefined ? undefined : sum + s),
      0,
    );
    console.log(
      `#   CPU seconds: end to end: ${spent('loader', loader)}, ${spent('connector', connector)}, ` +
        `${spent('PostgreSQL', postgres)}, ${spent('broker', broker)}` +
        `${total === undefined ? '' : ` = ${total.toFixed(1)} in ${(e2e.ms / 1000).toFixed(1)} s on ${availableParallelism()} cores`}; ` +
        `kcat floor: ${kcat === undefined ? 'skipped' : `${spent('kcat', kcat.kcat)} + ${spent('broker (kcat)', kcat.broker)}`}; ` +
        `COPY floor: ${spent('PostgreSQL (COPY)', copy.postgres)}`,
    );
  }
  const endToEndRate = median(e2eRates);
  const kcatRate = kcatRates.length === 0 ? undefined : median(kcatRates);
  const copyRate = median(copyRates);
  const slower = kcatRate === undefined ? copyRate : Math.min(kcatRate, copyRate);
  console.log(`median of ${rounds} rounds:`);
  console.log(
    `end to end   loader → Kafka → connector → PostgreSQL  ${fmt(endToEndRate).padStart(9)} records/s`,
  );
  console.log(
    `floor        kcat → same broker (idempotent, acks=all)  ${kcatRate === undefined ? '  skipped (kcat missing)' : `${fmt(kcatRate).padStart(9)} records/s`}`,
  );
  console.log(
    `floor        PostgreSQL COPY into the same table shape  ${fmt(copyRate).padStart(9)} records/s`,
  );
  if (kcatRate !== undefined)
    console.log(`ratio        end to end / kcat   ${(endToEndRate / kcatRate).toFixed(2)}`);
  console.log(`ratio        end to end / COPY   ${(endToEndRate / copyRate).toFixed(2)}`);
  console.log(
    `ratio        end to end / slower floor   ${(endToEndRate / slower).toFixed(2)}  (target ≥ 0.50; ≥ 50,000 records/s: ${endToEndRate >= 50_000 ? 'met' : 'not met'})`,
  );
  if (cpu.size > 0) {
    console.log(`CPU seconds (user + system, from /proc; median of rounds):`);
    for (const [what, seconds] of cpu) console.log(`  ${what.padEnd(18)} ${median(seconds).toFixed(1)}`);
  }
} finally {
  if (kcatInput !== undefined) rmSync(dirname(kcatInput), { recursive: true, force: true });
  await cleanUp();
  await db.close();
  await bus.close();
}
