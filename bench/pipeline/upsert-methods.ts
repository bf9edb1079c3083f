// bench/pipeline/upsert-methods: the three ways PostgresSink can upsert a batch, on the same rows, into
// fresh tables (new rows) and again (every row a conflict): COPY (straight in, or into a staging table
// and one merge when rows exist), unnest arrays in one INSERT … ON CONFLICT, multi-row VALUES.
//   npm run bench:upsert [-- --records 200000 --batch 5000]
import { parseArgs } from 'node:util';
import type { MarketRecord } from '../../src/protocol/index.ts';
import { PostgresSink, type UpsertMethod } from '../../src/services/connector/index.ts';
import { SyntheticSource } from '../../src/services/loader/sources/synthetic.ts';
import { PostgresClient } from '../../src/store/index.ts';
import { uniqueSuffix } from '../support/names.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '200000' }, batch: { type: 'string', default: '5000' } },
});
const records = Number(values.records);
const batch = Number(values.batch);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const client = new PostgresClient({ connectionString: databaseUrl, maxConnections: 2 });
const suffix = uniqueSuffix();

const all: MarketRecord[] = [];
const source = new SyntheticSource({
  symbol: 'BTCUSDT',
  kind: 'candle',
  interval: '1m',
  seed: 1,
  startMs: Date.UTC(2020, 0, 1),
  endMs: 0,
  count: records,
});
for await (const b of source.batches(new AbortController().signal)) all.push(...b);

async function pass(sink: PostgresSink, table: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < all.length; i += batch) await sink.upsert(table, all.slice(i, i + batch));
  return Math.round(records / ((performance.now() - started) / 1000));
}

console.log(
  `# ${records.toLocaleString('en-US')} candles in batches of ${batch}, ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
);
console.log('method   new rows/s   replayed rows/s');
const tables: string[] = [];
try {
  for (const method of ['copy', 'unnest', 'values'] as UpsertMethod[]) {
    const table = `bench_upsert_${method}_${suffix}`;
    tables.push(table);
    const sink = new PostgresSink(client, { method });
    await sink.ensureCollection({ name: table, kind: 'candle' });
    const fresh = await pass(sink, table);
    const replay = await pass(sink, table);
    console.log(
      `${method.padEnd(8)} ${fresh.toLocaleString('en-US').padStart(10)}   ${replay.toLocaleString('en-US').padStart(15)}`,
    );
  }
} finally {
  for (const table of tables) await client.query(`drop table if exists "${table}"`);
  await client.query(`delete from streamforge_collections where name = any($1)`, [tables]);
  await client.close();
}
