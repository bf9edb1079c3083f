// realtime_gnn_infer on the real PostgreSQL server with a graph that grows between ticks: each window is
// scored once by the newest model, written to the predictions collection and published; with no model
// yet the job waits and says so; a stop ends it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, StreamForgeError } from '../../../src/protocol/index.ts';
import type { JobProgress } from '../../../src/runtime/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { saveModel } from '../../../src/services/gnn-trainer/market/model-store.ts';
import type { PredictionRecord } from '../../../src/services/gnn-trainer/market/prediction-store.ts';
import {
  marketTrainSettings,
  trainMarketModel,
} from '../../../src/services/gnn-trainer/market/train-market.ts';
import { runRealtimeInfer } from '../../../src/services/gnn-trainer/realtime-infer-work.ts';
import type { GraphData } from '../../../src/services/graph-builder/graph-data.ts';
import { openTestDatabase } from '../../support/postgres.ts';
import { marketGraph } from './market-graphs.ts';

/** The first `nodes` windows of `graph`, with the edges among them: the graph as it was back then. */
function prefix(graph: GraphData, nodes: number): GraphData {
  const keep = [...graph.edges.source.keys()].filter(
    (e) => graph.edges.source[e]! < nodes && graph.edges.target[e]! < nodes,
  );
  const width = graph.featureNames.length;
  return {
    ...graph,
    openTimes: graph.openTimes.slice(0, nodes),
    close: graph.close.slice(0, nodes),
    features: graph.features.slice(0, nodes * width),
    edges: {
      source: Uint32Array.from(keep, (e) => graph.edges.source[e]!),
      target: Uint32Array.from(keep, (e) => graph.edges.target[e]!),
      weight: Float32Array.from(keep, (e) => graph.edges.weight[e]!),
      kind: Uint8Array.from(keep, (e) => graph.edges.kind[e]!),
    },
  };
}

describe('realtime_gnn_infer work', () => {
  let sql: PostgresClient;
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const modelOutput = `gcn_rt_models_${suffix}`;
  const predictionsCollection = `gcn_rt_predictions_${suffix}`;
  const full = marketGraph({ nodes: 340, kind: 'regimes', collection: `btcusdt_realtime_graph_${suffix}` });

  before(async () => {
    sql = await openTestDatabase();
  });
  after(async () => {
    await sql
      .query(`delete from streamforge_models where model_output = $1`, [modelOutput])
      .catch(() => undefined);
    await sql.query(`drop table if exists "${modelOutput}"`);
    await sql.query(`drop table if exists "${predictionsCollection}"`);
    await sql.close();
  });

  it('waits for a model, then scores each new window once and writes and publishes it', async () => {
    const sizes = [300, 300, 300, 320, 320, 340];
    let ticks = 0;
    const controller = new AbortController();
    const published: PredictionRecord[][] = [];
    const reports: JobProgress[] = [];
    const outcome = await runRealtimeInfer(
      {
        sql,
        signal: controller.signal,
        loadGraph: async () => {
          const size = sizes[Math.min(ticks++, sizes.length - 1)]!;
          if (ticks === 2)
            await saveModel(
              sql,
              modelOutput,
              trainMarketModel(prefix(full, 300), marketTrainSettings({ epochs: 30 })),
            );
          return prefix(full, size);
        },
        publish: (predictions) => {
          published.push([...predictions]);
          if (ticks >= sizes.length) controller.abort();
          return Promise.resolve();
        },
        report: (progress) => {
          reports.push(progress);
          return Promise.resolve();
        },
      },
      {
        graphCollection: full.collection,
        modelOutput,
        predictionsCollection,
        intervalMs: 5,
        maxNodesPerTick: 8,
      },
    );
    assert.match(String(reports[0]!.message), /waiting for a model/);
    // Tick 2: the newest 8 of 300; tick 4: the 20 new ones capped to the newest 8; tick 6 likewise.
    assert.deepEqual(
      published.map((batch) => [batch.length, batch[0]!.open_time, batch.at(-1)!.open_time]),
      [
        [8, iso(full, 292), iso(full, 299)],
        [8, iso(full, 312), iso(full, 319)],
        [8, iso(full, 332), iso(full, 339)],
      ],
    );
    assert.equal(outcome.records_written, 24);
    const { rows } = await sql.query<{ n: number; distinct_times: number }>(
      `select count(*)::int as n, count(distinct open_time)::int as distinct_times from "${predictionsCollection}"`,
    );
    assert.deepEqual(rows[0], { n: 24, distinct_times: 24 });
    const last = reports.at(-1) as JobProgress & { prediction: PredictionRecord };
    assert.equal(last.prediction.open_time, iso(full, 339));
    assert.ok(['down', 'flat', 'up'].includes(last.prediction.direction));
  });

  // Regression (seed 004 example 2): started with its queue's realtime_graph, the job ran before the
  // first graph was stored, and the graph's SF_NOT_FOUND ended it with `error`.
  it('waits for a graph that is not stored yet instead of failing', async () => {
    let ticks = 0;
    const controller = new AbortController();
    const reports: JobProgress[] = [];
    let published = 0;
    const outcome = await runRealtimeInfer(
      {
        sql,
        signal: controller.signal,
        loadGraph: () => {
          ticks += 1;
          if (ticks === 1)
            return Promise.reject(new StreamForgeError(ErrorCodes.NOT_FOUND, 'no graph named x'));
          return Promise.resolve(prefix(full, 300));
        },
        publish: (predictions) => {
          published += predictions.length;
          controller.abort();
          return Promise.resolve();
        },
        report: (progress) => {
          reports.push(progress);
          return Promise.resolve();
        },
      },
      {
        graphCollection: full.collection,
        modelOutput,
        predictionsCollection,
        intervalMs: 5,
        maxNodesPerTick: 4,
      },
    );
    assert.match(String(reports[0]!.message), /waiting for the graph/);
    assert.equal(published, 4, 'scored once the graph is there');
    assert.equal(outcome.records_written, 4);
  });
});

function iso(graph: GraphData, node: number): string {
  return new Date(graph.openTimes[node]!).toISOString();
}
