// gnn_train on market graphs built in memory: the model learns a signal the data carries, finds nothing
// in a random walk (where a symmetric, look-ahead propagation would "find" the next return), reports
// progress per epoch, and refuses bad input with the SF_* codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizedAdjacency } from '../../../src/services/gnn-trainer/model/adjacency.ts';
import { GcnSession, initGcnWeights } from '../../../src/services/gnn-trainer/model/gcn.ts';
import { SeededRng } from '../../../src/services/gnn-trainer/model/rng.ts';
import { trainGcn, type EpochProgress } from '../../../src/services/gnn-trainer/model/train.ts';
import { deadBand, directionLabels, nextReturns } from '../../../src/services/gnn-trainer/market/labels.ts';
import { chronologicalSplit } from '../../../src/services/gnn-trainer/market/split.ts';
import {
  MARKET_TRAIN_DEFAULTS,
  marketTrainSettings,
  modelGraph,
  trainMarketModel,
} from '../../../src/services/gnn-trainer/market/train-market.ts';
import { fitNormalisation } from '../../../src/services/gnn-trainer/market/normalisation.ts';
import type { GraphData } from '../../../src/services/graph-builder/graph-data.ts';
import { marketGraph } from './market-graphs.ts';

function withFeatures(graph: GraphData, change: (features: Float64Array) => void): GraphData {
  const features = graph.features.slice();
  change(features);
  return { ...graph, features };
}

describe('gnn_train on a market graph', () => {
  it('learns the regimes of a trending market and reports it next to the baselines on a chronological split', () => {
    const graph = marketGraph({ nodes: 600, kind: 'regimes' });
    const model = trainMarketModel(graph);
    const { metrics, split } = model;
    assert.ok(metrics.test.accuracy > 0.7, `GCN test accuracy ${metrics.test.accuracy}`);
    assert.ok(
      metrics.baselines.logisticRegression.testAccuracy > 0.7,
      'logistic regression sees the regimes too',
    );
    const majority = model.classes.indexOf(metrics.baselines.majority.class);
    assert.ok(Math.abs(metrics.baselines.majority.testAccuracy - metrics.testClassShares[majority]!) < 1e-9);
    // Train, then validation, then test, in time; the last node has no label.
    assert.ok(split.train.to < split.validation.from && split.validation.to < split.test.from);
    assert.equal(split.train.nodes + split.validation.nodes + split.test.nodes, 599);
    assert.deepEqual(model.featureNames, graph.featureNames);
    assert.equal(model.weights.w1.length, graph.featureNames.length * 16);
    assert.equal(model.dataRange.nodes, 600);
  });

  it('fits the dead band and the normalisation on the training windows only', () => {
    const graph = marketGraph({ nodes: 400, kind: 'random-walk' });
    const model = trainMarketModel(graph, marketTrainSettings({ epochs: 5 }));
    const returns = nextReturns(graph.close);
    const split = chronologicalSplit(returns.length, MARKET_TRAIN_DEFAULTS);
    assert.equal(model.deadBand.threshold, deadBand(returns, split.train, 1 / 3));
    const trainOnly = fitNormalisation(graph.features, 3, split.train);
    assert.deepEqual(model.normalisation, trainOnly);
    // Changing the newest (test) windows changes neither.
    const changed = withFeatures(graph, (f) => f.fill(1e6, f.length - 30));
    const close = graph.close.slice();
    close.fill(1, close.length - 30);
    const again = trainMarketModel({ ...changed, close }, marketTrainSettings({ epochs: 5 }));
    assert.equal(again.deadBand.threshold, model.deadBand.threshold);
    assert.deepEqual(again.normalisation, model.normalisation);
  });

  it('finds nothing in a random walk, where look-ahead propagation would score well above chance', () => {
    const graph = marketGraph({ nodes: 2000, kind: 'random-walk', seed: 5, similarity: false });
    const causal = trainMarketModel(graph);
    // 300 test windows in three balanced classes: chance is 1/3 ± 0.027 (one standard deviation).
    assert.ok(
      causal.metrics.test.accuracy < 0.42,
      `causal GCN test accuracy ${causal.metrics.test.accuracy}`,
    );

    // The same data through a symmetric adjacency: node t reads node t+1's return over the time edge.
    const returns = nextReturns(graph.close);
    const split = chronologicalSplit(returns.length, MARKET_TRAIN_DEFAULTS);
    const labels = directionLabels(returns, 2000, deadBand(returns, split.train, 1 / 3));
    const leaky = modelGraph(graph, fitNormalisation(graph.features, 3, split.train), labels);
    const rng = new SeededRng(1);
    const session = new GcnSession(
      initGcnWeights({ inputs: 3, hidden: 16, classes: 3 }, 'float32', rng),
      { ...leaky, adjacency: normalizedAdjacency(2000, graph.edges, 'symmetric', 'float32') },
      { dropout: 0.5, weightDecay: 5e-4 },
    );
    trainGcn(
      session,
      split,
      { epochs: 200, learningRate: 0.01, earlyStoppingWindow: 10, restoreBest: true },
      rng,
    );
    const leakyAccuracy = session.evaluate(split.test).accuracy;
    assert.ok(leakyAccuracy > 0.45, `the symmetric model should leak the label, got ${leakyAccuracy}`);
  });

  it('calls back after every epoch with loss, accuracy and a shrinking ETA', () => {
    const seen: EpochProgress[] = [];
    const model = trainMarketModel(
      marketGraph({ nodes: 200, kind: 'regimes' }),
      marketTrainSettings({ epochs: 30 }),
      (p) => seen.push(p),
    );
    assert.equal(seen.length, model.metrics.epochsRun);
    assert.deepEqual(
      seen.map((p) => p.epoch),
      seen.map((_, i) => i + 1),
    );
    for (const p of seen) {
      assert.ok(Number.isFinite(p.train.loss) && p.train.accuracy >= 0 && p.train.accuracy <= 1);
      assert.ok(Number.isFinite(p.validation.loss) && p.etaMs >= 0 && p.epochs === 30);
    }
    assert.equal(seen.at(-1)!.etaMs, 0, 'nothing left after the last epoch');
  });

  it('is deterministic for a seed', () => {
    const graph = marketGraph({ nodes: 150, kind: 'regimes' });
    const a = trainMarketModel(graph, marketTrainSettings({ epochs: 20 }));
    const b = trainMarketModel(graph, marketTrainSettings({ epochs: 20 }));
    assert.deepEqual(a.weights, b.weights);
  });
});

describe('gnn_train refuses bad input', () => {
  const graph = marketGraph({ nodes: 120, kind: 'random-walk' });

  it('too few nodes: SF_GRAPH_TOO_SMALL with the counts', () => {
    const tiny = marketGraph({ nodes: 20, kind: 'random-walk' });
    assert.throws(() => trainMarketModel(tiny), {
      code: 'SF_GRAPH_TOO_SMALL',
      message: /20 nodes.*at least 31/,
    });
    assert.throws(() => trainMarketModel(marketGraph({ nodes: 0, kind: 'random-walk' })), {
      code: 'SF_GRAPH_TOO_SMALL',
    });
    // Enough nodes, but a split part below its minimum.
    assert.throws(() => trainMarketModel(graph, marketTrainSettings({ minNodesPerPart: 30 })), {
      code: 'SF_GRAPH_TOO_SMALL',
      message: /validation 18.*at least 30/,
    });
  });

  it('a NaN or infinite feature: SF_INVALID_FEATURE naming the feature and the node', () => {
    const nan = withFeatures(graph, (f) => (f[57 * 3 + 2] = NaN));
    assert.throws(() => trainMarketModel(nan), {
      code: 'SF_INVALID_FEATURE',
      message: /feature volume is NaN at node 57 \(window 2024-06-01T04:45:00.000Z\)/,
    });
    const inf = withFeatures(graph, (f) => (f[3] = -Infinity));
    assert.throws(() => trainMarketModel(inf), {
      code: 'SF_INVALID_FEATURE',
      message: /log_return is -Infinity at node 1/,
    });
  });

  it('a malformed graph: SF_INVALID_GRAPH', () => {
    const target = graph.edges.target.slice();
    target[4] = 500;
    assert.throws(() => trainMarketModel({ ...graph, edges: { ...graph.edges, target } }), {
      code: 'SF_INVALID_GRAPH',
      message: /names a node beyond/,
    });
    assert.throws(() => trainMarketModel({ ...graph, features: graph.features.subarray(1) }), {
      code: 'SF_INVALID_GRAPH',
    });
  });

  it('bad settings: SF_INVALID_CONFIG', () => {
    assert.throws(() => marketTrainSettings({ dropout: 1 }), {
      code: 'SF_INVALID_CONFIG',
      message: /dropout/,
    });
    assert.throws(() => marketTrainSettings({ trainFraction: 0.9, validationFraction: 0.1 }), {
      code: 'SF_INVALID_CONFIG',
    });
  });
});
