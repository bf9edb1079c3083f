// graph-builder's environment: documented defaults, inputs split on commas, bad values refused with
// SF_INVALID_CONFIG naming the variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, isStreamForgeError } from '../../../src/protocol/index.ts';
import { DEFAULT_SHAPE, readGraphBuilderOptions } from '../../../src/services/graph-builder/index.ts';

const invalid = (pattern: RegExp) => (error: unknown) =>
  isStreamForgeError(error) && error.code === ErrorCodes.INVALID_CONFIG && pattern.test(error.message);

describe('readGraphBuilderOptions', () => {
  const base = { COLLECTION_INPUTS: 'btc_candles, btc_trades ,', COLLECTION_OUTPUT: 'btc_graph' };

  it('has the documented defaults', () => {
    const o = readGraphBuilderOptions(base);
    assert.deepEqual(o.inputs, ['btc_candles', 'btc_trades']);
    assert.equal(o.output, 'btc_graph');
    assert.deepEqual(
      {
        k: o.k,
        lookback: o.lookback,
        volatilityWindow: o.volatilityWindow,
        minWindows: o.minWindows,
        seed: o.seed,
      },
      { k: 5, lookback: 288, volatilityWindow: 12, minWindows: 32, seed: 42 },
    );
    assert.deepEqual(
      { ...DEFAULT_SHAPE },
      { k: 5, lookback: 288, volatilityWindow: 12, minWindows: 32, seed: 42 },
    );
    assert.equal(o.readChunk, 2000);
    assert.equal(o.pollIntervalMs, 5000);
    assert.equal(o.metricsIntervalMs, 30_000);
    assert.equal(o.metricsTopic, undefined);
    assert.ok(Object.isFrozen(o));
  });

  it('takes COLLECTION_NAME, which the launcher always sets, when COLLECTION_OUTPUT is not given', () => {
    assert.equal(
      readGraphBuilderOptions({ COLLECTION_INPUTS: 'c', COLLECTION_NAME: 'btcusdt_gnn_graph_2024_06_01' })
        .output,
      'btcusdt_gnn_graph_2024_06_01',
    );
    assert.equal(readGraphBuilderOptions({ ...base, COLLECTION_NAME: 'other' }).output, 'btc_graph');
  });

  it('refuses what cannot make a graph', () => {
    assert.throws(
      () => readGraphBuilderOptions({ COLLECTION_OUTPUT: 'g' }),
      invalid(/COLLECTION_INPUTS is not set/),
    );
    assert.throws(
      () => readGraphBuilderOptions({ COLLECTION_INPUTS: 'c' }),
      invalid(/COLLECTION_OUTPUT \(or COLLECTION_NAME\) is not set/),
    );
    assert.throws(() => readGraphBuilderOptions({ ...base, GRAPH_K: '-1' }), invalid(/GRAPH_K="-1"/));
    assert.throws(
      () => readGraphBuilderOptions({ ...base, GRAPH_K: '10', GRAPH_LOOKBACK: '5' }),
      invalid(/GRAPH_K=10 is larger than GRAPH_LOOKBACK=5/),
    );
    assert.throws(
      () => readGraphBuilderOptions({ ...base, GRAPH_POLL_SECONDS: 'soon' }),
      invalid(/GRAPH_POLL_SECONDS/),
    );
    assert.throws(
      () => readGraphBuilderOptions({ ...base, GRAPH_MIN_WINDOWS: '1' }),
      invalid(/GRAPH_MIN_WINDOWS/),
    );
  });
});
