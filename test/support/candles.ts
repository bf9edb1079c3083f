import type { CandleRecord } from '../../src/protocol/index.ts';

/** 2024-08-01T00:00Z: where the tests' hand-made candles start. */
export const CANDLES_T0 = Date.UTC(2024, 7, 1);

/** A valid BTCUSDT 1m candle opening at `openTime`; `fields` overrides any of its values. */
export function testCandle(openTime: number, fields: Partial<CandleRecord> = {}): CandleRecord {
  return {
    kind: 'candle',
    symbol: 'BTCUSDT',
    interval: '1m',
    open_time: openTime,
    close_time: openTime + 59_999,
    open: '1.00',
    high: '2.00',
    low: '0.50',
    close: '1.50',
    volume: '10.00000000',
    quote_volume: '15.00000000',
    trades: 3,
    taker_buy_base_volume: '5.00000000',
    taker_buy_quote_volume: '7.50000000',
    ...fields,
  };
}
