// Saving a trained market model to `model_output` and scoring with the newest one, on the real PostgreSQL
// server and on PGlite (embedded mode): one transaction per save, so a failed save leaves nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGliteClient, type SqlClient } from '../../../src/store/index.ts';
import { inferLatest } from '../../../src/services/gnn-trainer/market/infer-latest.ts';
import {
  findLatestModel,
  loadLatestModel,
  saveModel,
} from '../../../src/services/gnn-trainer/market/model-store.ts';
import type { SavedGcnModel } from '../../../src/services/gnn-trainer/market/saved-model.ts';
import { scoreNodes } from '../../../src/services/gnn-trainer/market/score-nodes.ts';
import {
  marketTrainSettings,
  trainMarketModel,
} from '../../../src/services/gnn-trainer/market/train-market.ts';
import { countRows, openTestDatabase } from '../../support/postgres.ts';
import { marketGraph } from './market-graphs.ts';

const stores: { name: string; open: () => Promise<SqlClient> }[] = [
  { name: 'PostgreSQL', open: openTestDatabase },
  { name: 'PGlite', open: () => PGliteClient.open() },
];

const graph = marketGraph({
  nodes: 300,
  kind: 'regimes',
  collection: `btcusdt_gnn_graph_store_${process.pid}`,
});
const model = trainMarketModel(graph, marketTrainSettings({ epochs: 40 }));

for (const store of stores) {
  describe(`gnn-trainer models in ${store.name}`, () => {
    let sql: SqlClient;
    const table = `gcn_models_${process.pid}_${Date.now().toString(36)}`;
    before(async () => {
      sql = await store.open();
    });
    after(async () => {
      await sql
        .query(`delete from streamforge_models where model_output like $1`, [`${table}%`])
        .catch(() => undefined);
      await sql.query(`drop table if exists "${table}"`);
      await sql.query(`drop table if exists "${table}_other"`);
      await sql.query(`drop table if exists "${table}_failed"`);
      await sql.close();
    });

    it('saves the model and loads back the newest one for the graph, weights exact', async () => {
      const older: SavedGcnModel = { ...model, trainedAt: '2024-01-01T00:00:00.000Z' };
      await saveModel(sql, table, older);
      const id = await saveModel(sql, table, model);
      await saveModel(sql, table, {
        ...model,
        graphCollection: 'another_graph',
        trainedAt: '2030-01-01T00:00:00.000Z',
      });
      assert.ok(id > 0);
      assert.equal(await countRows(sql, table), 3);
      const loaded = await loadLatestModel(sql, table, graph.collection);
      assert.deepEqual(loaded, model);
      // Scores from the loaded model equal those of the model in memory.
      assert.deepEqual(scoreNodes(loaded, graph), scoreNodes(model, graph));
    });

    it('inferLatest scores the newest node with the newest model', async () => {
      const inference = await inferLatest(sql, table, graph);
      assert.equal(inference.model.trainedAt, model.trainedAt);
      assert.equal(inference.predictions.length, 1);
      const [prediction] = inference.predictions;
      assert.equal(prediction!.node, 299);
      assert.ok(['down', 'flat', 'up'].includes(prediction!.direction));
      assert.ok(Math.abs(prediction!.probabilities.reduce((a, b) => a + b) - 1) < 1e-6);
    });

    it('no model for the graph, or no table: SF_NOT_FOUND', async () => {
      await assert.rejects(loadLatestModel(sql, table, 'never_trained'), { code: 'SF_NOT_FOUND' });
      await assert.rejects(loadLatestModel(sql, `${table}_missing`, graph.collection), {
        code: 'SF_NOT_FOUND',
      });
    });

    it('without a model_output: the newest model of the graph, else of the same symbol, interval and features', async () => {
      // A symbol of this test's own: the registry is shared with every other test on this server.
      const symbol = `T${process.pid}${Date.now().toString(36)}USDT`.toUpperCase();
      const historical = {
        ...model,
        symbol,
        graphCollection: 'historical_graph',
        trainedAt: '2024-07-01T00:00:00.000Z',
      };
      const live = { ...graph, symbol, collection: 'live_graph' };
      await assert.rejects(findLatestModel(sql, { ...live, graphCollection: live.collection }), {
        code: 'SF_NOT_FOUND',
      });
      await saveModel(sql, `${table}_other`, historical);
      const fallback = await findLatestModel(sql, { ...live, graphCollection: live.collection });
      assert.equal(fallback.graphCollection, 'historical_graph');
      const own = { ...historical, graphCollection: 'live_graph', trainedAt: '2024-06-01T00:00:00.000Z' };
      await saveModel(sql, table, own);
      const preferred = await findLatestModel(sql, { ...live, graphCollection: live.collection });
      assert.equal(
        preferred.graphCollection,
        'live_graph',
        'a model of the graph itself wins, even an older one',
      );
      await assert.rejects(
        findLatestModel(sql, { ...live, graphCollection: 'another', featureNames: ['log_return'] }),
        { code: 'SF_NOT_FOUND' },
      );
    });

    it('a save that fails leaves neither the table nor a row', async () => {
      const broken = { ...model, trainedAt: 'not a time' };
      await assert.rejects(saveModel(sql, `${table}_failed`, broken), { code: 'SF_STORE_QUERY_FAILED' });
      const { rows } = await sql.query<{ found: string | null }>(`select to_regclass($1) as found`, [
        `"${table}_failed"`,
      ]);
      assert.equal(rows[0]!.found, null);
      const registry = await sql.query<{ n: number }>(
        `select count(*)::int as n from streamforge_models where model_output = $1`,
        [`${table}_failed`],
      );
      assert.equal(registry.rows[0]!.n, 0);
    });
  });
}

describe('scoring a graph with a saved model', () => {
  it('a model of another graph (other features, symbol or interval): SF_MODEL_MISMATCH', () => {
    const renamed = { ...graph, featureNames: ['log_return', 'range', 'turnover'] };
    assert.throws(() => scoreNodes(model, renamed), {
      code: 'SF_MODEL_MISMATCH',
      message: /features \[log_return, range, turnover\], the model's are \[log_return, range, volume\]/,
    });
    assert.throws(() => scoreNodes(model, { ...graph, symbol: 'ETHUSDT' }), { code: 'SF_MODEL_MISMATCH' });
    assert.throws(() => scoreNodes(model, { ...graph, interval: '1m' }), { code: 'SF_MODEL_MISMATCH' });
  });

  it('a NaN feature in the scored graph: SF_INVALID_FEATURE; a node not in it: SF_INVALID_REQUEST', () => {
    const features = graph.features.slice();
    features[10 * 3] = NaN;
    assert.throws(() => scoreNodes(model, { ...graph, features }), { code: 'SF_INVALID_FEATURE' });
    assert.throws(() => scoreNodes(model, graph, [300]), { code: 'SF_INVALID_REQUEST' });
  });

  it('a node scores the same before and after later windows arrive (causal propagation)', () => {
    const prefix = 200;
    const keep = (i: number): boolean => graph.edges.source[i]! < prefix && graph.edges.target[i]! < prefix;
    const edgeIndexes = [...graph.edges.source.keys()].filter(keep);
    const early = {
      ...graph,
      openTimes: graph.openTimes.subarray(0, prefix),
      close: graph.close.subarray(0, prefix),
      features: graph.features.subarray(0, prefix * 3),
      edges: {
        source: Uint32Array.from(edgeIndexes, (i) => graph.edges.source[i]!),
        target: Uint32Array.from(edgeIndexes, (i) => graph.edges.target[i]!),
        weight: Float32Array.from(edgeIndexes, (i) => graph.edges.weight[i]!),
        kind: Uint8Array.from(edgeIndexes, (i) => graph.edges.kind[i]!),
      },
    };
    const then = scoreNodes(model, early, [prefix - 1])[0]!;
    const now = scoreNodes(model, graph, [prefix - 1])[0]!;
    assert.equal(now.direction, then.direction);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(now.probabilities[c]! - then.probabilities[c]!) < 1e-6);
  });
});
