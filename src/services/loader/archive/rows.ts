import {
  ErrorCodes,
  StreamForgeError,
  type CandleInterval,
  type CandleRecord,
  type MarketRecord,
  type TradeRecord,
} from '../../../protocol/index.ts';

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** Archive timestamps are ms before 2025 and µs after (spot); decide by magnitude, never by date. */
export function toMillis(raw: string, where: string): number {
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value)) throw bad(where, `"${raw}" is not a timestamp`);
  if (value >= 1e15) return Math.floor(value / 1000);
  if (value >= 1e11) return value;
  throw bad(where, `"${raw}" is neither milliseconds nor microseconds since 1970`);
}

function bad(where: string, why: string): StreamForgeError {
  return new StreamForgeError(ErrorCodes.ARCHIVE_INVALID, `${where}: ${why}`);
}

function dec(raw: string | undefined, where: string, column: string): string {
  if (raw === undefined || !DECIMAL.test(raw)) throw bad(where, `${column} "${raw}" is not a decimal`);
  return raw;
}

function int(raw: string | undefined, where: string, column: string): number {
  const value = Number(raw);
  if (raw === undefined || !/^-?[0-9]+$/.test(raw) || !Number.isSafeInteger(value))
    throw bad(where, `${column} "${raw}" is not an integer`);
  return value;
}

function bool(raw: string | undefined, where: string, column: string): boolean {
  const v = raw?.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw bad(where, `${column} "${raw}" is not True/False`);
}

/** A header row starts with a name, not a number (futures archives have one, spot archives do not). */
export function isHeader(fields: string[]): boolean {
  return !/^[0-9]/.test(fields[0]?.trim() ?? '');
}

/** klines: open_time, open, high, low, close, volume, close_time, quote volume, count, taker base, taker quote, ignore. */
export function candleFromRow(
  symbol: string,
  interval: CandleInterval,
  f: string[],
  where: string,
): CandleRecord {
  if (f.length < 11) throw bad(where, `a kline row has 12 columns, this one ${f.length}`);
  return {
    kind: 'candle',
    symbol,
    interval,
    open_time: toMillis(f[0]!, where),
    close_time: toMillis(f[6]!, where),
    open: dec(f[1], where, 'open'),
    high: dec(f[2], where, 'high'),
    low: dec(f[3], where, 'low'),
    close: dec(f[4], where, 'close'),
    volume: dec(f[5], where, 'volume'),
    quote_volume: dec(f[7], where, 'quote_asset_volume'),
    trades: int(f[8], where, 'number_of_trades'),
    taker_buy_base_volume: dec(f[9], where, 'taker_buy_base_asset_volume'),
    taker_buy_quote_volume: dec(f[10], where, 'taker_buy_quote_asset_volume'),
  };
}

/**
 * aggTrades (8 columns: id, price, quantity, first id, last id, time, buyer maker, best match) or
 * trades (7: id, price, qty, quoteQty, time, buyer maker, best match; first = last = id).
 */
export function tradeFromRow(symbol: string, f: string[], where: string): TradeRecord {
  if (f.length >= 8) {
    return {
      kind: 'trade',
      symbol,
      trade_id: int(f[0], where, 'aggTradeId'),
      price: dec(f[1], where, 'price'),
      quantity: dec(f[2], where, 'quantity'),
      first_trade_id: int(f[3], where, 'firstTradeId'),
      last_trade_id: int(f[4], where, 'lastTradeId'),
      time: toMillis(f[5]!, where),
      is_buyer_maker: bool(f[6], where, 'isBuyerMaker'),
      is_best_match: bool(f[7], where, 'isBestMatch'),
    };
  }
  if (f.length === 7) {
    const id = int(f[0], where, 'id');
    return {
      kind: 'trade',
      symbol,
      trade_id: id,
      price: dec(f[1], where, 'price'),
      quantity: dec(f[2], where, 'qty'),
      first_trade_id: id,
      last_trade_id: id,
      time: toMillis(f[4]!, where),
      is_buyer_maker: bool(f[5], where, 'isBuyerMaker'),
      is_best_match: bool(f[6], where, 'isBestMatch'),
    };
  }
  throw bad(where, `a trade row has 7 (trades) or 8 (aggTrades) columns, this one ${f.length}`);
}

export type RowParser = (fields: string[], where: string) => MarketRecord;
