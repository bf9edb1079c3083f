// The graph's construction without a database: features by their formulas, similarity edges equal to
// a brute-force k-nearest search, no look-ahead (a prefix of the windows gives a prefix of the graph),
// no time edge across a gap, and a NaN feature named by node and feature.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, isStreamForgeError } from '../../../src/protocol/index.ts';
import {
  DEFAULT_SHAPE,
  EDGE_KIND,
  FEATURE_NAMES,
  GraphAccumulator,
  type GraphData,
  type GraphShape,
} from '../../../src/services/graph-builder/index.ts';
import type { WindowRow } from '../../../src/services/graph-builder/window-reader.ts';
import { makeMarket, windowsOf } from './market.ts';

const META = { collection: 'g', symbol: 'BTCUSDT', interval: '5m' };
const F = FEATURE_NAMES.length;

function build(windows: WindowRow[], shape: GraphShape): GraphData {
  const graph = new GraphAccumulator(shape, 'candles');
  for (const w of windows) graph.add(w);
  return graph.snapshot(META);
}

/** The formulas of docs/analytics.md, written out once more, plainly. */
function expectedFeatures(windows: WindowRow[], volatilityWindow: number): number[][] {
  const returns: number[] = [];
  return windows.map((w) => {
    const r = Math.log(w.close / w.open);
    returns.push(r);
    const trailing = returns.slice(-volatilityWindow);
    return [
      r,
      (w.high - w.low) / w.close,
      Math.log(1 + w.volume),
      Math.log(1 + w.trades),
      w.tradeVolume > 0 ? (w.buyVolume - (w.tradeVolume - w.buyVolume)) / w.tradeVolume : 0,
      w.tradeVolume > 0 ? (w.notional / w.tradeVolume - w.close) / w.close : 0,
      Math.sqrt(trailing.reduce((s, x) => s + x * x, 0) / trailing.length),
    ];
  });
}

/** Brute force: standardise by the sample std of windows 0…t, sort every candidate, keep k. */
function expectedSimilarity(features: number[][], windows: WindowRow[], shape: GraphShape) {
  const edges: { source: number; target: number; weight: number }[] = [];
  for (let t = 1; t < features.length; t += 1) {
    const upto = features.slice(0, t + 1);
    const std = FEATURE_NAMES.map((_, f) => {
      const mean = upto.reduce((s, x) => s + x[f]!, 0) / upto.length;
      return Math.sqrt(upto.reduce((s, x) => s + (x[f]! - mean) ** 2, 0) / (upto.length - 1));
    });
    const varying = std.filter((s) => s > 1e-12).length;
    const linked = windows[t]!.openTime === windows[t - 1]!.closeTime + 1;
    const candidates = [];
    for (let j = Math.max(0, t - shape.lookback); j < t; j += 1) {
      if (j === t - 1 && linked) continue;
      let d2 = 0;
      for (let f = 0; f < F; f += 1)
        if (std[f]! > 1e-12) d2 += ((features[t]![f]! - features[j]![f]!) / std[f]!) ** 2;
      candidates.push({ j, d2 });
    }
    candidates.sort((a, b) => a.d2 - b.d2 || b.j - a.j);
    for (const { j, d2 } of candidates.slice(0, shape.k)) {
      edges.push({
        source: j,
        target: t,
        weight: Math.max(1e-6, Math.exp(-d2 / (2 * Math.max(1, varying)))),
      });
    }
  }
  return edges;
}

describe('GraphAccumulator', () => {
  const shape: GraphShape = { ...DEFAULT_SHAPE, k: 3, lookback: 20, volatilityWindow: 4 };
  const windows = windowsOf(makeMarket(120, { tradesPerWindow: 5, skip: [50, 51] }), true);
  const graph = build(windows, shape);

  it('computes every feature by its formula', () => {
    const expected = expectedFeatures(windows, shape.volatilityWindow);
    assert.deepEqual(graph.featureNames, [...FEATURE_NAMES]);
    expected.forEach((row, i) =>
      row.forEach((value, f) => {
        const got = graph.features[i * F + f]!;
        assert.ok(
          Math.abs(got - value) <= 1e-12 * Math.max(1, Math.abs(value)),
          `node ${i} ${FEATURE_NAMES[f]}: ${got} ≠ ${value}`,
        );
      }),
    );
  });

  it('links each window to its k nearest earlier windows, as a brute-force search does', () => {
    const expected = expectedSimilarity(expectedFeatures(windows, shape.volatilityWindow), windows, shape);
    const got = [...graph.edges.kind.keys()]
      .filter((e) => graph.edges.kind[e] === EDGE_KIND.similarity)
      .map((e) => ({
        source: graph.edges.source[e]!,
        target: graph.edges.target[e]!,
        weight: graph.edges.weight[e]!,
      }));
    assert.equal(got.length, expected.length);
    got.forEach((edge, i) => {
      const want = expected[i]!;
      assert.deepEqual([edge.source, edge.target], [want.source, want.target], `similarity edge ${i}`);
      assert.ok(
        Math.abs(edge.weight - want.weight) < 1e-6,
        `weight of edge ${i}: ${edge.weight} ≠ ${want.weight}`,
      );
      assert.ok(edge.source < edge.target && edge.target - edge.source <= shape.lookback);
      assert.ok(edge.weight > 0, `edge ${i} has a positive weight`);
    });
  });

  it('links consecutive windows in time, but not across a gap', () => {
    const time = [...graph.edges.kind.keys()].filter((e) => graph.edges.kind[e] === EDGE_KIND.time);
    // 118 windows stored, one gap: 116 time edges.
    assert.equal(time.length, windows.length - 2);
    for (const e of time) {
      const [s, t] = [graph.edges.source[e]!, graph.edges.target[e]!];
      assert.equal(t, s + 1);
      assert.equal(
        graph.openTimes[t]! - graph.openTimes[s]!,
        300_000,
        'a time edge joins adjacent windows only',
      );
    }
  });

  it('never looks ahead: the graph of the first windows is a prefix of the whole graph', () => {
    const prefix = build(windows.slice(0, 70), shape);
    assert.deepEqual(prefix.features, graph.features.subarray(0, 70 * F));
    const edges = prefix.edges.source.length;
    assert.deepEqual(prefix.edges.source, graph.edges.source.subarray(0, edges));
    assert.deepEqual(prefix.edges.target, graph.edges.target.subarray(0, edges));
    assert.deepEqual(prefix.edges.weight, graph.edges.weight.subarray(0, edges));
    assert.ok(graph.edges.target[edges]! >= 70, 'the next edge belongs to a later node');
  });

  it('refuses a window whose feature is not finite, naming the node and the feature', () => {
    const bad = windows.slice(0, 10).map((w) => ({ ...w }));
    bad[6]!.open = 0;
    assert.throws(
      () => build(bad, shape),
      (error: unknown) =>
        isStreamForgeError(error) &&
        error.code === ErrorCodes.INVALID_FEATURE &&
        /feature log_return of node 6 \(window opening 2024-06-01T00:30:00.000Z in "candles"\) is Infinity/.test(
          error.message,
        ),
    );
  });

  it('gives a window without trades neutral trade features', () => {
    const quiet = windowsOf(makeMarket(5, { tradesPerWindow: 0 }), true);
    const g = build(quiet, shape);
    for (let i = 0; i < 5; i += 1) {
      assert.equal(g.features[i * F + FEATURE_NAMES.indexOf('log_trades')], 0);
      assert.equal(g.features[i * F + FEATURE_NAMES.indexOf('imbalance')], 0);
      assert.equal(g.features[i * F + FEATURE_NAMES.indexOf('vwap_deviation')], 0);
    }
  });
});
