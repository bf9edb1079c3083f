// The gnn_train work on the real PostgreSQL server: progress as `loading` events, the model saved, the
// scores and baselines in the outcome; bad input or a stop leaves nothing in model_output.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobProgress } from '../../../src/runtime/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { runGnnTrain, type GnnTrainDeps } from '../../../src/services/gnn-trainer/gnn-train-work.ts';
import { loadLatestModel } from '../../../src/services/gnn-trainer/market/model-store.ts';
import { marketTrainSettings } from '../../../src/services/gnn-trainer/market/train-market.ts';
import type { GraphData } from '../../../src/services/graph-builder/graph-data.ts';
import { countRows, openTestDatabase } from '../../support/postgres.ts';
import { marketGraph } from './market-graphs.ts';

describe('gnn_train work', () => {
  let sql: PostgresClient;
  const modelOutput = `gcn_work_models_${process.pid}_${Date.now().toString(36)}`;
  const graph = marketGraph({
    nodes: 400,
    kind: 'regimes',
    collection: `btcusdt_gnn_graph_work_${process.pid}`,
  });
  const graphs = new Map<string, GraphData>([[graph.collection, graph]]);

  const deps = (reports: JobProgress[], signal = new AbortController().signal): GnnTrainDeps => ({
    sql,
    signal,
    loadGraph: (collection) => {
      const found = graphs.get(collection);
      return found ? Promise.resolve(found) : Promise.reject(new Error(`no graph ${collection}`));
    },
    report: (progress) => {
      reports.push(progress);
      return Promise.resolve();
    },
  });

  before(async () => {
    sql = await openTestDatabase();
  });
  after(async () => {
    await sql
      .query(`delete from streamforge_models where model_output = $1`, [modelOutput])
      .catch(() => undefined);
    await sql.query(`drop table if exists "${modelOutput}"`);
    await sql.close();
  });

  it('trains, reports epochs with loss, accuracy and ETA, saves the model and finishes with the baselines', async () => {
    const reports: JobProgress[] = [];
    const outcome = await runGnnTrain(deps(reports), {
      graphCollection: graph.collection,
      modelOutput,
      settings: marketTrainSettings({ epochs: 60 }),
      reportEveryMs: 0,
    });
    assert.ok(outcome);
    assert.equal(reports.length, outcome.epochs_run, 'every epoch reported when reportEveryMs is 0');
    const last = reports.at(-1) as JobProgress & Record<string, number>;
    assert.equal(last.records_written, outcome.epochs_run);
    assert.equal(last.records_total, 60);
    for (const field of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'eta_seconds']) {
      assert.equal(typeof last[field], 'number', field);
    }
    assert.match(String(last.message), /^epoch \d+\/60 {2}loss/);
    const saved = await loadLatestModel(sql, modelOutput, graph.collection);
    assert.equal(saved.metrics.test.accuracy, outcome.test_accuracy);
    assert.equal(
      outcome.baseline_logistic_regression_accuracy,
      saved.metrics.baselines.logisticRegression.testAccuracy,
    );
    assert.match(
      outcome.message!,
      /test accuracy .* \(majority class .*, logistic regression .*\) on 60 windows/,
    );
  });

  it('a NaN feature fails before anything is written', async () => {
    const before = await countRows(sql, modelOutput);
    const features = graph.features.slice();
    features[5] = NaN;
    graphs.set('nan_graph', { ...graph, collection: 'nan_graph', features });
    await assert.rejects(
      runGnnTrain(deps([]), {
        graphCollection: 'nan_graph',
        modelOutput,
        settings: marketTrainSettings(),
        reportEveryMs: 0,
      }),
      { code: 'SF_INVALID_FEATURE' },
    );
    assert.equal(await countRows(sql, modelOutput), before);
  });

  it('a stop during training saves nothing', async () => {
    const before = await countRows(sql, modelOutput);
    const controller = new AbortController();
    const reports: JobProgress[] = [];
    const outcome = await runGnnTrain(
      {
        ...deps(reports, controller.signal),
        report: (progress) => {
          reports.push(progress);
          if (reports.length === 3) controller.abort();
          return Promise.resolve();
        },
      },
      {
        graphCollection: graph.collection,
        modelOutput,
        settings: marketTrainSettings({ epochs: 200, earlyStoppingWindow: 0 }),
        reportEveryMs: 0,
      },
    );
    assert.equal(outcome, undefined);
    assert.ok(reports.length < 200);
    assert.equal(await countRows(sql, modelOutput), before);
  });
});
