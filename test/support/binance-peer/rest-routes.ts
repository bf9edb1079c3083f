// GET /api/v3/{ping,time,exchangeInfo,klines,aggTrades} with Binance's documented semantics:
// limit default 500, max 1000 (more is rejected), chronological order, startTime/endTime/fromId rules.
import { INTERVAL_MS, type MarketData } from './market-data.ts';

export interface RestAnswer {
  status: number;
  body: unknown;
  /** Request weight this endpoint costs (klines 2, aggTrades 4, exchangeInfo 20). */
  weight: number;
}

export class BinanceError extends Error {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
  constructor(status: number, code: number, msg: string) {
    super(msg);
    this.status = status;
    this.code = code;
    this.msg = msg;
  }
}

const INTERVALS = new Set([...Object.keys(INTERVAL_MS), '1M']);

function integer(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new BinanceError(
      400,
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`,
    );
  return Number(raw);
}

function limitOf(query: URLSearchParams): number {
  const limit = integer(query, 'limit') ?? 500;
  if (limit < 1 || limit > 1000)
    throw new BinanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  return limit;
}

function symbolOf(query: URLSearchParams, symbols: ReadonlySet<string>): string {
  const symbol = query.get('symbol');
  if (symbol === null)
    throw new BinanceError(
      400,
      -1102,
      "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    );
  if (!symbols.has(symbol)) throw new BinanceError(400, -1121, 'Invalid symbol.');
  return symbol;
}

export function route(
  path: string,
  query: URLSearchParams,
  market: MarketData,
  symbols: ReadonlySet<string>,
  now: number,
): RestAnswer {
  switch (path) {
    case '/api/v3/ping':
      return { status: 200, body: {}, weight: 1 };
    case '/api/v3/time':
      return { status: 200, body: { serverTime: now }, weight: 1 };
    case '/api/v3/exchangeInfo':
      return {
        status: 200,
        weight: 20,
        body: {
          timezone: 'UTC',
          serverTime: now,
          rateLimits: [
            { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
            { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
            { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 300000 },
          ],
          symbols: [...symbols].map((s) => ({
            symbol: s,
            status: 'TRADING',
            baseAsset: s.slice(0, -4),
            quoteAsset: s.slice(-4),
          })),
        },
      };
    case '/api/v3/klines':
      return { status: 200, body: klines(query, market, symbols, now), weight: 2 };
    case '/api/v3/aggTrades':
      return { status: 200, body: aggTrades(query, market, symbols, now), weight: 4 };
    default:
      throw new BinanceError(404, -1000, `unknown path ${path}`);
  }
}

function klines(query: URLSearchParams, market: MarketData, symbols: ReadonlySet<string>, now: number) {
  const symbol = symbolOf(query, symbols);
  const interval = query.get('interval') ?? '';
  if (!INTERVALS.has(interval)) throw new BinanceError(400, -1120, 'Invalid interval.');
  const limit = limitOf(query);
  const start = integer(query, 'startTime');
  const end = Math.min(integer(query, 'endTime') ?? now, now);
  if (start !== undefined) {
    const out = [];
    let t = market.openOf(interval, start);
    if (t < start) t = market.nextOpen(interval, t);
    for (; t <= end && out.length < limit; t = market.nextOpen(interval, t))
      out.push(market.kline(symbol, interval, t));
    return out;
  }
  // Without startTime: the most recent `limit` klines up to endTime (or now).
  const out = [];
  for (let t = market.openOf(interval, end); out.length < limit && t >= 0;) {
    out.push(market.kline(symbol, interval, t));
    const previous = market.openOf(interval, t - 1);
    if (previous >= t) break;
    t = previous;
  }
  return out.reverse();
}

function aggTrades(query: URLSearchParams, market: MarketData, symbols: ReadonlySet<string>, now: number) {
  const symbol = symbolOf(query, symbols);
  const limit = limitOf(query);
  const fromId = integer(query, 'fromId');
  const start = integer(query, 'startTime');
  const end = integer(query, 'endTime');
  const newest = market.lastTradeAtOrBefore(now);
  let ids: [number, number];
  if (fromId !== undefined) {
    if (start !== undefined || end !== undefined)
      throw new BinanceError(400, -1128, 'Combination of optional parameters invalid.');
    ids = [Math.max(fromId, market.firstTradeId), Math.min(fromId + limit - 1, newest)];
  } else if (start !== undefined) {
    const first = market.firstTradeAtOrAfter(start);
    const last = Math.min(end === undefined ? newest : market.lastTradeAtOrBefore(end), newest);
    ids = [first, Math.min(first + limit - 1, last)];
  } else {
    const last = Math.min(end === undefined ? newest : market.lastTradeAtOrBefore(end), newest);
    ids = [Math.max(market.firstTradeId, last - limit + 1), last];
  }
  const out = [];
  for (let id = ids[0]; id <= ids[1]; id += 1) out.push(market.aggTrade(symbol, id));
  return out;
}
