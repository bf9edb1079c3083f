import {
  CANDLE_INTERVALS,
  MAX_RECORD_MILLIS,
  type CandleRecord,
  type MarketRecord,
  type TradeRecord,
} from './records.ts';

/**
 * A fast reader for the one spelling of a record every StreamForge loader writes: `JSON.stringify` of a
 * record built in schema order (no spaces, no escapes, no extra fields). One regular expression checks
 * and splits it; JSON.parse plus the schema check cost three times as much and were 40 % of the
 * connector's CPU in bench/pipeline.
 *
 * The expressions admit only what the record schemas admit, and build the same object JSON.parse
 * would. Any other spelling (other key order, whitespace, escapes, extra fields, exponents, integers
 * past 2^53) is not an error here: the reader returns undefined and the caller takes the general path.
 */
export type CanonicalReader<R extends MarketRecord> = (json: string) => R | undefined;

const DECIMAL = '"(-?[0-9]+(?:\\.[0-9]+)?)"';
/** Non-negative integers of at most 16 digits; the exact bound is checked after the match. */
const NATURAL = '(0|[1-9][0-9]{0,15})';
const ID = '(-1|0|[1-9][0-9]{0,15})';
const SYMBOL = '"([A-Z0-9]{1,32})"';
const INTERVAL = `"(${CANDLE_INTERVALS.join('|')})"`;
const BOOLEAN = '(true|false)';

function recordPattern(fields: readonly (readonly [string, string])[]): RegExp {
  return new RegExp(`^\\{${fields.map(([name, value]) => `"${name}":${value}`).join(',')}\\}$`);
}

const CANDLE = recordPattern([
  ['kind', '"candle"'],
  ['symbol', SYMBOL],
  ['interval', INTERVAL],
  ['open_time', NATURAL],
  ['close_time', NATURAL],
  ['open', DECIMAL],
  ['high', DECIMAL],
  ['low', DECIMAL],
  ['close', DECIMAL],
  ['volume', DECIMAL],
  ['quote_volume', DECIMAL],
  ['trades', NATURAL],
  ['taker_buy_base_volume', DECIMAL],
  ['taker_buy_quote_volume', DECIMAL],
]);

const TRADE = recordPattern([
  ['kind', '"trade"'],
  ['symbol', SYMBOL],
  ['trade_id', ID],
  ['price', DECIMAL],
  ['quantity', DECIMAL],
  ['first_trade_id', ID],
  ['last_trade_id', ID],
  ['time', NATURAL],
  ['is_buyer_maker', BOOLEAN],
  ['is_best_match', BOOLEAN],
]);

const safe = (n: number): boolean => n <= Number.MAX_SAFE_INTEGER;

export const readCanonicalCandle: CanonicalReader<CandleRecord> = (json) => {
  const m = CANDLE.exec(json);
  if (m === null) return undefined;
  const openTime = Number(m[3]);
  const closeTime = Number(m[4]);
  const trades = Number(m[11]);
  if (openTime > MAX_RECORD_MILLIS || closeTime > MAX_RECORD_MILLIS || !safe(trades)) return undefined;
  return {
    kind: 'candle',
    symbol: m[1]!,
    interval: m[2] as CandleRecord['interval'],
    open_time: openTime,
    close_time: closeTime,
    open: m[5]!,
    high: m[6]!,
    low: m[7]!,
    close: m[8]!,
    volume: m[9]!,
    quote_volume: m[10]!,
    trades,
    taker_buy_base_volume: m[12]!,
    taker_buy_quote_volume: m[13]!,
  };
};

export const readCanonicalTrade: CanonicalReader<TradeRecord> = (json) => {
  const m = TRADE.exec(json);
  if (m === null) return undefined;
  const tradeId = Number(m[2]);
  const firstId = Number(m[5]);
  const lastId = Number(m[6]);
  const time = Number(m[7]);
  if (!safe(tradeId) || !safe(firstId) || !safe(lastId) || time > MAX_RECORD_MILLIS) return undefined;
  return {
    kind: 'trade',
    symbol: m[1]!,
    trade_id: tradeId,
    price: m[3]!,
    quantity: m[4]!,
    first_trade_id: firstId,
    last_trade_id: lastId,
    time,
    is_buyer_maker: m[8] === 'true',
    is_best_match: m[9] === 'true',
  };
};
