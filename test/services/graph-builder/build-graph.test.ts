// buildGraph and the graph store on real PostgreSQL (COPY) and on PGlite (batched INSERT): the windows
// the SQL aggregates equal the trades counted here, the graph reads back as written, a rerun replaces
// it, and bad input (no collection, an empty or too short one, a NaN feature) fails with its SF_* code
// and leaves the graph that was there untouched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, isStreamForgeError, type ErrorCode } from '../../../src/protocol/index.ts';
import {
  DEFAULT_SHAPE,
  FEATURE_NAMES,
  GraphAccumulator,
  buildGraph,
  readGraph,
  readGraphSummary,
  writeGraph,
  type GraphShape,
} from '../../../src/services/graph-builder/index.ts';
import { PGliteClient, type SqlClient } from '../../../src/store/index.ts';
import { openTestDatabase } from '../../support/postgres.ts';
import { dropCollections, makeMarket, storeMarket, uniqueName, windowsOf } from './market.ts';

const SHAPE: GraphShape = { ...DEFAULT_SHAPE, k: 4, lookback: 30, minWindows: 16 };

const rejectsWith = (code: ErrorCode, pattern: RegExp) => (error: unknown) => {
  assert.ok(isStreamForgeError(error), `a StreamForgeError, not ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  return true;
};

const backends: [string, () => Promise<SqlClient>][] = [
  ['PostgreSQL', openTestDatabase],
  ['PGlite', openPGlite],
];

/** PGlite in a directory of its own, from the template `streamforge up` keeps (initdb takes seconds). */
async function openPGlite(): Promise<SqlClient> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-graph-'));
  const client = await PGliteClient.open({ dataDir: dir, templateDir: join(tmpdir(), 'streamforge-cache') });
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  return client;
}

for (const [backend, open] of backends) {
  describe(`graph-builder on ${backend}`, () => {
    let sql: SqlClient;
    const inputs: string[] = [];
    const graphs: string[] = [];
    const market = makeMarket(80, { tradesPerWindow: 6, seed: 3 });
    const names = { candles: uniqueName('gb_candles'), trades: uniqueName('gb_trades') };

    before(async () => {
      sql = await open();
      await storeMarket(sql, market, names);
      inputs.push(names.candles, names.trades);
    });
    after(async () => {
      await dropCollections(sql, inputs, graphs);
      await sql.close();
    });

    const output = (): string => {
      const name = uniqueName('gb_graph');
      graphs.push(name);
      return name;
    };

    it('aggregates each window’s trades in SQL exactly as counting them one by one does', async () => {
      const progress: number[] = [];
      const built = await buildGraph(sql, {
        inputs: [names.candles, names.trades],
        output: 'unused',
        shape: SHAPE,
        readChunk: 7, // many pages: keyset pagination must neither skip nor repeat a window
        onProgress: (p) => {
          if (p.phase === 'reading') progress.push(p.windowsRead);
        },
      });
      assert.deepEqual(progress.slice(0, 3), [7, 14, 21]);
      assert.equal(progress.at(-1), 80);
      const reference = new GraphAccumulator(SHAPE, names.candles);
      for (const w of windowsOf(market, true)) reference.add(w);
      const expected = reference.snapshot({ collection: 'unused', symbol: 'BTCUSDT', interval: '5m' });
      assert.deepEqual(built.graph.openTimes, expected.openTimes);
      assert.deepEqual(built.graph.close, expected.close);
      assert.equal(built.graph.features.length, expected.features.length);
      expected.features.forEach((value, i) =>
        assert.ok(
          Math.abs(built.graph.features[i]! - value) < 1e-9,
          `feature ${i}: ${built.graph.features[i]} ≠ ${value}`,
        ),
      );
      assert.deepEqual(built.graph.edges.target, expected.edges.target);
      assert.deepEqual(built.graph.edges.source, expected.edges.source);
    });

    it('reads the candle’s own trade fields when there is no trade collection', async () => {
      const built = await buildGraph(sql, { inputs: [names.candles], output: 'unused', shape: SHAPE });
      const reference = new GraphAccumulator(SHAPE, names.candles);
      for (const w of windowsOf(market, false)) reference.add(w);
      const expected = reference.snapshot({
        collection: 'unused',
        symbol: 'BTCUSDT',
        interval: '5m',
      }).features;
      const imbalance = FEATURE_NAMES.indexOf('imbalance');
      assert.ok(Math.abs(built.graph.features[imbalance]! - expected[imbalance]!) < 1e-9);
      expected.forEach((value, i) =>
        assert.ok(Math.abs(built.graph.features[i]! - value) < 1e-9, `feature ${i}`),
      );
    });

    it('stores the graph in one piece, reads it back as written, and a rerun replaces it', async () => {
      const name = output();
      const built = await buildGraph(sql, {
        inputs: [names.candles, names.trades],
        output: name,
        shape: SHAPE,
      });
      await writeGraph(sql, name, built.graph, built.metrics, { inputs, shape: { k: SHAPE.k } });
      const back = await readGraph(sql, name);
      assert.deepEqual(back, built.graph);
      const { summary } = await readGraphSummary(sql, name);
      assert.deepEqual(summary, built.metrics.summary);
      assert.equal(summary.nodes, 80);
      assert.equal(summary.time_edges, 79);
      const stored = await sql.query<{ pagerank: number; community: number; degree: number }>(
        `select pagerank, community, degree from "${name}_nodes" order by node`,
      );
      assert.deepEqual(
        stored.rows.map((r) => r.pagerank),
        [...built.metrics.pagerank],
      );
      assert.deepEqual(
        stored.rows.map((r) => r.degree),
        [...built.metrics.degree],
      );

      const sparser = await buildGraph(sql, {
        inputs: [names.candles, names.trades],
        output: name,
        shape: { ...SHAPE, k: 1 },
      });
      await writeGraph(sql, name, sparser.graph, sparser.metrics);
      const again = await readGraph(sql, name);
      // Node 1's only candidate is node 0, already its neighbour in time: 79 time and 78 similarity edges.
      assert.equal(again.edges.source.length, 79 + 78, 'nothing of the denser graph is left over');
      assert.equal((await readGraphSummary(sql, name)).summary.edges, 157);
    });

    it('refuses missing, empty and too short inputs, naming the collection, and writes nothing', async () => {
      const name = output();
      const built = await buildGraph(sql, { inputs: [names.candles], output: name, shape: SHAPE });
      await writeGraph(sql, name, built.graph, built.metrics);
      const empty = uniqueName('gb_empty');
      const short = uniqueName('gb_short');
      inputs.push(empty, short);
      await storeMarket(sql, { candles: [], trades: [] }, { candles: empty });
      await storeMarket(sql, makeMarket(10), { candles: short });

      await assert.rejects(
        buildGraph(sql, { inputs: ['gb_no_such_collection'], output: name, shape: SHAPE }),
        rejectsWith(ErrorCodes.NOT_FOUND, /"gb_no_such_collection" does not exist/),
      );
      await assert.rejects(
        buildGraph(sql, { inputs: [empty], output: name, shape: SHAPE }),
        rejectsWith(ErrorCodes.GRAPH_INPUT_TOO_SMALL, new RegExp(`"${empty}" is empty`)),
      );
      await assert.rejects(
        buildGraph(sql, { inputs: [short], output: name, shape: SHAPE }),
        rejectsWith(
          ErrorCodes.GRAPH_INPUT_TOO_SMALL,
          new RegExp(`"${short}" holds 10 candle windows: .* at least 16`),
        ),
      );
      assert.deepEqual(await readGraph(sql, name), built.graph, 'the earlier graph is still there, whole');
    });

    it('refuses a NaN feature, naming node and feature, and leaves the stored graph as it was', async () => {
      const name = output();
      const built = await buildGraph(sql, { inputs: [names.candles], output: name, shape: SHAPE });
      await writeGraph(sql, name, built.graph, built.metrics);
      const broken = uniqueName('gb_broken');
      inputs.push(broken);
      const bad = makeMarket(40);
      bad.candles[25] = { ...bad.candles[25]!, open: '0.00' };
      await storeMarket(sql, bad, { candles: broken });
      await assert.rejects(
        buildGraph(sql, { inputs: [broken], output: name, shape: SHAPE }),
        rejectsWith(ErrorCodes.INVALID_FEATURE, new RegExp(`feature log_return of node 25 .*"${broken}"`)),
      );
      assert.deepEqual(await readGraph(sql, name), built.graph);
    });

    it('rolls back a write that fails half-way: the old graph stays', async () => {
      const name = output();
      const built = await buildGraph(sql, { inputs: [names.candles], output: name, shape: SHAPE });
      await writeGraph(sql, name, built.graph, built.metrics);
      // An edge of no known kind: the nodes are in by then, the edges fail the kind check.
      const corrupt = {
        ...built.graph,
        edges: { ...built.graph.edges, kind: new Uint8Array(built.graph.edges.kind.length).fill(7) },
      };
      await assert.rejects(writeGraph(sql, name, corrupt, built.metrics));
      assert.deepEqual(await readGraph(sql, name), built.graph);
    });
  });
}
