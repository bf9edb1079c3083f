import {
  ErrorCodes,
  StreamForgeError,
  type CandleInterval,
  type CandleRecord,
  type TradeRecord,
} from '../../../protocol/index.ts';

function malformed(what: string, value: unknown): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.SOURCE_FAILED,
    `Binance sent a ${what} of an unexpected shape: ${JSON.stringify(value).slice(0, 200)}`,
  );
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** A REST kline (12-element array: open time, o, h, l, c, volume, close time, …) as a candle. */
export function candleFromRest(symbol: string, interval: CandleInterval, k: unknown): CandleRecord {
  if (!Array.isArray(k) || k.length < 11) throw malformed('kline', k);
  const [openTime, o, h, l, c, v, closeTime, q, n, tb, tq] = k as unknown[];
  if (!isInt(openTime) || !isInt(closeTime) || !isInt(n) || ![o, h, l, c, v, q, tb, tq].every(isText)) {
    throw malformed('kline', k);
  }
  return {
    kind: 'candle',
    symbol,
    interval,
    open_time: openTime,
    close_time: closeTime,
    open: o as string,
    high: h as string,
    low: l as string,
    close: c as string,
    volume: v as string,
    quote_volume: q as string,
    trades: n,
    taker_buy_base_volume: tb as string,
    taker_buy_quote_volume: tq as string,
  };
}

/** The `k` object of a kline stream event (`x` true = closed) as a candle. */
export function candleFromStream(
  symbol: string,
  interval: CandleInterval,
  k: Record<string, unknown>,
): CandleRecord {
  const fields = [k.o, k.h, k.l, k.c, k.v, k.q, k.V, k.Q];
  if (!isInt(k.t) || !isInt(k.T) || !isInt(k.n) || !fields.every(isText)) throw malformed('kline event', k);
  return {
    kind: 'candle',
    symbol,
    interval,
    open_time: k.t,
    close_time: k.T,
    open: k.o as string,
    high: k.h as string,
    low: k.l as string,
    close: k.c as string,
    volume: k.v as string,
    quote_volume: k.q as string,
    trades: k.n,
    taker_buy_base_volume: k.V as string,
    taker_buy_quote_volume: k.Q as string,
  };
}

/** A REST aggTrade or an aggTrade stream event ({a, p, q, f, l, T, m, M}) as a trade. */
export function tradeFromAgg(symbol: string, t: Record<string, unknown>): TradeRecord {
  if (
    !isInt(t.a) ||
    !isText(t.p) ||
    !isText(t.q) ||
    !isInt(t.f) ||
    !isInt(t.l) ||
    !isInt(t.T) ||
    typeof t.m !== 'boolean'
  ) {
    throw malformed('aggTrade', t);
  }
  return {
    kind: 'trade',
    symbol,
    trade_id: t.a,
    price: t.p,
    quantity: t.q,
    first_trade_id: t.f,
    last_trade_id: t.l,
    time: t.T,
    is_buyer_maker: t.m,
    is_best_match: t.M !== false,
  };
}
