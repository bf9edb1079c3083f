// One WebSocket connection of the peer: Binance market streams (<symbol>@kline_<interval>,
// <symbol>@aggTrade), raw (/ws/<stream>) or combined (/stream?streams=…, wrapped as {stream, data}).
import type { WebSocket } from 'ws';
import type { MarketData } from './market-data.ts';

export interface StreamOptions {
  /** How often the peer looks for new events; default 50 ms. */
  tickMs: number;
  /** Interim (x:false) kline updates at most this often; default 500 ms. */
  klineUpdateMs: number;
  /** Re-send an earlier aggTrade after every N (duplicates, as a flaky feed might); 0 = never. */
  duplicateEvery: number;
}

interface StreamState {
  name: string;
  symbol: string;
  kind: 'kline' | 'aggTrade';
  interval: string;
  /** Klines: open time of the last closed kline sent; trades: last id sent. */
  last: number;
  lastUpdateAt: number;
}

export function parseStreams(
  pathname: string,
  search: URLSearchParams,
): { names: string[]; combined: boolean } | undefined {
  if (pathname.startsWith('/ws/'))
    return { names: pathname.slice(4).split('/').filter(Boolean), combined: false };
  if (pathname === '/stream' || pathname === '/stream/') {
    return { names: (search.get('streams') ?? '').split('/').filter(Boolean), combined: true };
  }
  return undefined;
}

const STREAM = /^([a-z0-9]+)@(kline_([0-9]+[smhdwM])|aggTrade)$/;

/** Serves the named streams on one socket until it closes. Returns a function that stops the timers. */
export function serveStreams(
  socket: WebSocket,
  names: string[],
  combined: boolean,
  market: MarketData,
  options: StreamOptions,
  onSent: () => void,
): () => void {
  const now = Date.now();
  const states: StreamState[] = [];
  for (const name of names) {
    const match = STREAM.exec(name);
    if (!match) {
      socket.close(1008, `unknown stream ${name}`);
      return () => undefined;
    }
    const symbol = match[1]!.toUpperCase();
    const interval = match[3] ?? '';
    const kind = match[3] ? 'kline' : 'aggTrade';
    states.push({
      name,
      symbol,
      kind,
      interval,
      last: kind === 'kline' ? market.openOf(interval, now) - 1 : market.lastTradeAtOrBefore(now),
      lastUpdateAt: 0,
    });
  }
  let sent = 0;
  const send = (state: StreamState, data: object): void => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify(combined ? { stream: state.name, data } : data));
    onSent();
  };
  const tick = (): void => {
    const at = Date.now();
    for (const state of states) {
      if (state.kind === 'aggTrade') {
        const newest = market.lastTradeAtOrBefore(at);
        for (let id = state.last + 1; id <= newest; id += 1) {
          send(state, aggTradeEvent(market, state.symbol, id, at));
          sent += 1;
          if (options.duplicateEvery > 0 && sent % options.duplicateEvery === 0 && id > 1) {
            send(state, aggTradeEvent(market, state.symbol, id - 1, at));
          }
        }
        state.last = Math.max(state.last, newest);
        continue;
      }
      // Close every kline that ended since the last tick (x:true), then an interim update of the open one.
      const openNow = market.openOf(state.interval, at);
      let t = state.last < 0 ? openNow : market.openOf(state.interval, state.last);
      for (; t < openNow; t = market.nextOpen(state.interval, t)) {
        if (t > state.last) send(state, klineEvent(market, state.symbol, state.interval, t, true, at));
      }
      state.last = Math.max(state.last, market.openOf(state.interval, openNow - 1));
      if (at - state.lastUpdateAt >= options.klineUpdateMs) {
        state.lastUpdateAt = at;
        send(state, klineEvent(market, state.symbol, state.interval, openNow, false, at));
      }
    }
  };
  const timer = setInterval(tick, options.tickMs);
  return () => clearInterval(timer);
}

function aggTradeEvent(market: MarketData, symbol: string, id: number, at: number): object {
  const t = market.aggTrade(symbol, id);
  return { e: 'aggTrade', E: at, s: symbol, a: t.a, p: t.p, q: t.q, f: t.f, l: t.l, T: t.T, m: t.m, M: t.M };
}

function klineEvent(
  market: MarketData,
  symbol: string,
  interval: string,
  openTime: number,
  closed: boolean,
  at: number,
): object {
  const k = market.kline(symbol, interval, openTime);
  return {
    e: 'kline',
    E: at,
    s: symbol,
    k: {
      t: k[0],
      T: k[6],
      s: symbol,
      i: interval,
      f: 100,
      L: 200,
      o: k[1],
      c: k[4],
      h: k[2],
      l: k[3],
      v: k[5],
      n: k[8],
      x: closed,
      q: k[7],
      V: k[9],
      Q: k[10],
      B: '0',
    },
  };
}
