import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readGnnTrainerOptions } from '../../../src/services/gnn-trainer/options.ts';

describe('gnn-trainer options', () => {
  it('reads the seed fields and documented defaults', () => {
    const train = readGnnTrainerOptions({
      GRAPH_COLLECTION: 'btc_graph_2024_06',
      MODEL_OUTPUT: 'gnn_model_btc_2024_06',
    });
    assert.equal(train.type, 'gnn_train');
    assert.equal(train.modelOutput, 'gnn_model_btc_2024_06');
    assert.equal(train.settings.epochs, 200);
    assert.equal(train.reportEveryMs, 1000);
    assert.ok(Object.isFrozen(train));
    assert.equal(readGnnTrainerOptions({ GRAPH_COLLECTION: 'g' }).modelOutput, 'g_gcn_model');

    const infer = readGnnTrainerOptions({
      GRAPH_COLLECTION: 'btc_graph_rt_2024_08_01',
      TYPE: 'realtime_gnn_infer',
      INFERENCE_INTERVAL: '5m',
    });
    assert.equal(infer.inferenceIntervalMs, 300_000);
    assert.equal(infer.modelOutput, undefined, 'found through the registry');
    assert.equal(infer.predictionsCollection, 'btc_graph_rt_2024_08_01_predictions');
    assert.equal(
      readGnnTrainerOptions({ GRAPH_COLLECTION: 'g', INFERENCE_INTERVAL: '45' }).inferenceIntervalMs,
      45_000,
    );
  });

  it('refuses what it cannot use: SF_INVALID_CONFIG naming the variable', () => {
    assert.throws(() => readGnnTrainerOptions({}), {
      code: 'SF_INVALID_CONFIG',
      message: /GRAPH_COLLECTION/,
    });
    assert.throws(() => readGnnTrainerOptions({ GRAPH_COLLECTION: 'g', INFERENCE_INTERVAL: 'soon' }), {
      code: 'SF_INVALID_CONFIG',
      message: /INFERENCE_INTERVAL="soon"/,
    });
    assert.throws(() => readGnnTrainerOptions({ GRAPH_COLLECTION: 'g', GNN_EPOCHS: '0' }), {
      message: /GNN_EPOCHS/,
    });
    assert.throws(() => readGnnTrainerOptions({ GRAPH_COLLECTION: 'g', GNN_FLAT_QUANTILE: 'x' }), {
      code: 'SF_INVALID_CONFIG',
      message: /flatQuantile/,
    });
    assert.throws(() => readGnnTrainerOptions({ GRAPH_COLLECTION: 'g', TYPE: 'gnn_graph' }), {
      message: /TYPE/,
    });
  });
});
