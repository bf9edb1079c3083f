import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CandleRecord, TradeRecord } from '../../../../src/protocol/index.ts';
import { copyRows } from '../../../../src/services/connector/sinks/copy-rows.ts';

const candle = (openTime: number, overrides: Partial<CandleRecord> = {}): CandleRecord => ({
  kind: 'candle',
  symbol: 'BTCUSDT',
  interval: '1m',
  open_time: openTime,
  close_time: openTime + 59_999,
  open: '42000.10',
  high: '42010.00',
  low: '41990.5',
  close: '42005',
  volume: '12.34567890',
  quote_volume: '518493.123456',
  trades: 321,
  taker_buy_base_volume: '6.1',
  taker_buy_quote_volume: '259246.5',
  ...overrides,
});

const trade = (id: number, time: number, buyerMaker: boolean): TradeRecord => ({
  kind: 'trade',
  symbol: 'ETHUSDT',
  trade_id: id,
  price: '2300.01',
  quantity: '0.5',
  first_trade_id: id * 2,
  last_trade_id: id * 2 + 1,
  time,
  is_buyer_maker: buyerMaker,
  is_best_match: true,
});

/** What the rows must say, spelled the slow and obvious way. */
const expectedCandle = (c: CandleRecord): string =>
  [
    c.symbol,
    c.interval,
    new Date(c.open_time).toISOString(),
    new Date(c.close_time).toISOString(),
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    c.quote_volume,
    String(c.trades),
    c.taker_buy_base_volume,
    c.taker_buy_quote_volume,
  ].join('\t') + '\n';

describe('copyRows (COPY text format)', () => {
  it('writes candles column for column, times as ISO text across days, years and milliseconds', () => {
    const times = [
      0,
      Date.UTC(2024, 1, 29, 23, 59, 0),
      Date.UTC(2024, 2, 1, 0, 0, 0),
      Date.UTC(2024, 2, 1, 9, 8, 7, 6),
      Date.UTC(2024, 2, 1, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 0, 0),
      Date.UTC(12_000, 0, 1),
    ];
    const candles = times.map((t, i) =>
      candle(t, { trades: [0, 9, 10, 99_999, Number.MAX_SAFE_INTEGER][i % 5]! }),
    );
    assert.equal(copyRows(candles).toString('latin1'), candles.map(expectedCandle).join(''));
  });

  it('writes trades with integer ids (-1 too) and booleans as t/f', () => {
    const trades = [
      { ...trade(1, 1_700_000_000_123, true), first_trade_id: -1 },
      trade(4_503_599_627_370_495, 1_700_000_000_124, false),
    ];
    assert.equal(
      copyRows(trades).toString('latin1'),
      'ETHUSDT\t1\t2300.01\t0.5\t-1\t3\t2023-11-14T22:13:20.123Z\tt\tt\n' +
        'ETHUSDT\t4503599627370495\t2300.01\t0.5\t9007199254740990\t9007199254740991\t2023-11-14T22:13:20.124Z\tf\tt\n',
    );
  });

  it('gives every call a buffer of its own: a batch still on the socket is never overwritten', () => {
    const first = copyRows([candle(0)]);
    const copy = Buffer.from(first);
    copyRows([candle(60_000, { symbol: 'ETHUSDT' })]);
    assert.deepEqual(first, copy);
  });

  it('grows past its first guess for values longer than usual', () => {
    const candles = [candle(0), candle(60_000, { volume: `${'9'.repeat(5000)}.5` }), candle(120_000)];
    assert.equal(copyRows(candles).toString('latin1'), candles.map(expectedCandle).join(''));
  });

  it('writes nothing for no records', () => {
    assert.equal(copyRows([]).length, 0);
  });

  it('refuses a value COPY would read differently instead of writing it', () => {
    for (const bad of ['1\t2', '1\\N', '1\n', 'é', '1\u0000']) {
      assert.throws(
        () => copyRows([candle(0, { open: bad })]),
        (error: Error & { code?: string }) =>
          error.code === 'SF_INVALID_MESSAGE' && /COPY row/.test(error.message),
        JSON.stringify(bad),
      );
    }
    assert.throws(() => copyRows([candle(0, { trades: 1.5 })]), /COPY row/);
  });
});
