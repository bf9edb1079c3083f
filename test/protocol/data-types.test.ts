import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marketDataFits, marketDataKindOfName, marketDataKindOfType } from '../../src/protocol/index.ts';

describe('market-data kinds of types and of dataset names', () => {
  it('reads the kind, interval and source of a type', () => {
    assert.deepEqual(marketDataKindOfType('api_candles_5m'), {
      kind: 'candles',
      interval: '5m',
      source: 'api',
    });
    assert.deepEqual(marketDataKindOfType('ws_trades'), { kind: 'trades', source: 'ws' });
    assert.equal(marketDataKindOfType('gnn_graph'), undefined);
  });

  it("reads seed 004's names word by word, ignoring symbol and dates", () => {
    assert.deepEqual(marketDataKindOfName('btc_candles_5m_2024_06'), { kind: 'candles', interval: '5m' });
    assert.deepEqual(marketDataKindOfName('BTC_WS_Trades_2024_08_01'), { kind: 'trades', source: 'ws' });
    assert.deepEqual(marketDataKindOfName('btc_candles_2024_06'), { kind: 'candles' });
    // Words, not substrings: "candlestick" says nothing; both kinds at once is no kind.
    assert.equal(marketDataKindOfName('btc_candlestick_2024'), undefined);
    assert.equal(marketDataKindOfName('btc_candles_trades_2024'), undefined);
    // A trades name has no interval, whatever its words look like.
    assert.deepEqual(marketDataKindOfName('btc_trades_1d_2024'), { kind: 'trades' });
  });

  it('fits data to a name only where the name says something', () => {
    const candles5m = marketDataKindOfType('api_candles_5m')!;
    assert.ok(marketDataFits({ kind: 'candles' }, candles5m));
    assert.ok(marketDataFits({ kind: 'candles', interval: '5m', source: 'api' }, candles5m));
    assert.ok(!marketDataFits({ kind: 'candles', interval: '1h' }, candles5m));
    assert.ok(!marketDataFits({ kind: 'candles', source: 'ws' }, candles5m));
    assert.ok(!marketDataFits({ kind: 'trades' }, candles5m));
  });
});
