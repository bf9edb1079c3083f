// bench/graph-builder: a month of synthetic 5m candles (8,640) and their trades in PostgreSQL, made
// into a graph by buildGraph (windows and trade aggregates read in chunks, features, time and k-nearest
// edges, metrics) and stored by writeGraph; the baseline, measured in the same run, is reading the same
// two tables with a plain SELECT of every row.
//   npm run bench:graph-builder [-- --trades 1000000 --k 5 --lookback 288]
import { parseArgs } from 'node:util';
import type { TradeRecord } from '../../src/protocol/index.ts';
import { PostgresSink } from '../../src/services/connector/index.ts';
import { DEFAULT_SHAPE, buildGraph, writeGraph } from '../../src/services/graph-builder/index.ts';
import { SyntheticSource } from '../../src/services/loader/sources/synthetic.ts';
import { PostgresClient } from '../../src/store/index.ts';
import { uniqueSuffix } from '../support/names.ts';

const { values } = parseArgs({
  options: {
    trades: { type: 'string', default: '1000000' },
    k: { type: 'string', default: String(DEFAULT_SHAPE.k) },
    lookback: { type: 'string', default: String(DEFAULT_SHAPE.lookback) },
  },
});
const tradeCount = Number(values.trades);
const shape = { ...DEFAULT_SHAPE, k: Number(values.k), lookback: Number(values.lookback) };
const WINDOWS = 30 * 288;
const FIVE_MINUTES = 300_000;
const START = Date.UTC(2024, 5, 1);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const client = new PostgresClient({ connectionString: databaseUrl, maxConnections: 2 });
const suffix = uniqueSuffix();
const names = {
  candles: `bench_graph_candles_${suffix}`,
  trades: `bench_graph_trades_${suffix}`,
  graph: `bench_graph_${suffix}`,
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')}/s`;
const mb = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

/** Trades spread evenly over the month, prices around each window's candle (mulberry32, seeded). */
function* tradeBatches(closes: number[], size: number): Iterable<TradeRecord[]> {
  let a = 7;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const spacing = (WINDOWS * FIVE_MINUTES) / tradeCount;
  for (let start = 0; start < tradeCount; start += size) {
    const batch: TradeRecord[] = [];
    for (let id = start; id < Math.min(tradeCount, start + size); id += 1) {
      const time = START + Math.floor(id * spacing);
      const close = closes[Math.floor((time - START) / FIVE_MINUTES)]!;
      batch.push({
        kind: 'trade',
        symbol: 'BTCUSDT',
        trade_id: id + 1,
        price: (close * (1 + (random() - 0.5) * 0.002)).toFixed(2),
        quantity: (0.0001 + random()).toFixed(8),
        first_trade_id: id + 1,
        last_trade_id: id + 1,
        time,
        is_buyer_maker: random() < 0.5,
        is_best_match: true,
      });
    }
    yield batch;
  }
}

console.log(
  `# ${WINDOWS.toLocaleString('en-US')} 5m candles and ${tradeCount.toLocaleString('en-US')} trades, k=${shape.k}, lookback=${shape.lookback}, ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
);
try {
  let started = performance.now();
  const sink = new PostgresSink(client);
  await sink.ensureCollection({ name: names.candles, kind: 'candle', symbol: 'BTCUSDT', interval: '5m' });
  await sink.ensureCollection({ name: names.trades, kind: 'trade', symbol: 'BTCUSDT' });
  const closes: number[] = [];
  const candles = new SyntheticSource({
    symbol: 'BTCUSDT',
    kind: 'candle',
    interval: '5m',
    seed: 1,
    startMs: START,
    endMs: START,
    count: WINDOWS,
  });
  for await (const batch of candles.batches(new AbortController().signal)) {
    await sink.upsert(names.candles, batch);
    for (const c of batch) if (c.kind === 'candle') closes.push(Number(c.close));
  }
  for (const batch of tradeBatches(closes, 20_000)) await sink.upsert(names.trades, batch);
  await client.query(`analyze "${names.candles}"`);
  await client.query(`analyze "${names.trades}"`);
  console.log(`setup (COPY into PostgreSQL)      ${seconds(performance.now() - started)}`);

  // Both tables into PostgreSQL's cache first, so neither measurement pays for the first read from disk.
  await client.query(`select count(*), sum(volume) from "${names.candles}"`);
  await client.query(`select count(*), sum(quantity) from "${names.trades}"`);

  let peakRss = process.memoryUsage().rss;
  started = performance.now();
  let readMs = 0;
  const built = await buildGraph(client, {
    inputs: [names.candles, names.trades],
    output: names.graph,
    shape,
    onProgress: (p) => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (p.phase === 'metrics') readMs = performance.now() - started;
    },
  });
  const buildMs = performance.now() - started;
  started = performance.now();
  await writeGraph(client, names.graph, built.graph, built.metrics);
  const writeMs = performance.now() - started;
  // Baseline, after the graph (its rows would weigh on the RSS figure): every row to the client, nothing computed.
  started = performance.now();
  const plainCandles = await client.query(`select * from "${names.candles}" order by open_time`);
  const plainTrades = await client.query(`select * from "${names.trades}" order by symbol, time`);
  const baselineMs = performance.now() - started;
  const baselineRows = plainCandles.rows.length + plainTrades.rows.length;

  const s = built.metrics.summary;
  console.log(
    `buildGraph: read + features + edges ${seconds(readMs)} (${rate(s.nodes, readMs)} windows), metrics ${seconds(buildMs - readMs)}`,
  );
  console.log(`writeGraph (COPY, one transaction) ${seconds(writeMs)}`);
  console.log(
    `total                              ${seconds(buildMs + writeMs)} (${rate(s.nodes, buildMs + writeMs)} windows)`,
  );
  console.log(
    `baseline: plain SELECT of both     ${seconds(baselineMs)} (${rate(baselineRows, baselineMs)} rows)`,
  );
  console.log(`ratio total / baseline            ${((buildMs + writeMs) / baselineMs).toFixed(2)}×`);
  console.log(`peak RSS while building            ${mb(peakRss)} (before the baseline's SELECT)`);
  console.log(
    `graph: ${s.nodes} nodes, ${s.edges} edges (${s.time_edges} time), density ${s.density.toPrecision(3)}, ` +
      `${s.components.count} component(s), ${s.louvain.communities} communities, modularity ${s.louvain.modularity.toFixed(3)}`,
  );
} finally {
  for (const table of [names.candles, names.trades, `${names.graph}_nodes`, `${names.graph}_edges`])
    await client.query(`drop table if exists "${table}"`);
  await client.query(`delete from streamforge_collections where name = any($1)`, [
    [names.candles, names.trades],
  ]);
  await client.query(`delete from streamforge_graphs where name = $1`, [names.graph]).catch(() => undefined);
  await client.close();
}
