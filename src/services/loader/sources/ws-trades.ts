import type { TradeRecord } from '../../../protocol/index.ts';
import { tradeFromAgg } from '../binance/parse.ts';
import { LiveFeed, type LiveKind, type LiveSourceDeps } from './live-feed.ts';

const PAGE = 1000;
const AGG_TRADES_WEIGHT = 4;
/**
 * How long after a range's end REST is asked for its last trade (only needed when no later trade
 * came on the stream): a trade shows on REST a moment after its time, never seconds after.
 */
const SETTLE_MS = 1000;

type Agg = Record<string, unknown> & { a: number; T: number };

/**
 * `<symbol>@aggTrade`, from the newest trade when the job starts (or from the first trade of the
 * range); gaps (reconnects, jumps in `a`) are backfilled with GET /api/v3/aggTrades?fromId=last+1,
 * which is exact: aggTrade ids have no holes.
 */
export class WsTradesSource extends LiveFeed<TradeRecord> {
  constructor(deps: LiveSourceDeps) {
    super(aggTrades(deps), deps);
  }
}

function aggTrades({ rest, symbol, range }: LiveSourceDeps): LiveKind<TradeRecord> {
  const page = async (params: Record<string, number>, signal: AbortSignal): Promise<Agg[]> =>
    rest.get<Agg[]>('/api/v3/aggTrades', { symbol, ...params }, AGG_TRADES_WEIGHT, signal);
  const newest = async (signal: AbortSignal, endTime?: number): Promise<number> => {
    const trades = await page(endTime === undefined ? { limit: 1 } : { endTime, limit: 1 }, signal);
    return trades[0]?.a ?? 0;
  };
  return {
    stream: `${symbol.toLowerCase()}@aggTrade`,
    initialPosition: async (signal) => {
      if (range) {
        const first = await page({ startTime: range.startMs, limit: 1 }, signal);
        // No trade since the start yet: every trade so far is before the range.
        if (first[0] !== undefined) return first[0].a - 1;
      }
      return newest(signal);
    },
    fromEvent: (event) => (event.e === 'aggTrade' ? tradeFromAgg(symbol, event) : undefined),
    position: (t) => t.trade_id,
    gapBefore: (last, t) => last > 0 && t.trade_id > last + 1,
    backfill: async function* (last, untilMs, signal) {
      for (let from = last + 1; ;) {
        const trades = await page({ fromId: from, limit: PAGE }, signal);
        const lastTrade = trades[trades.length - 1];
        if (lastTrade === undefined) return;
        yield trades.map((t) => tradeFromAgg(symbol, t));
        from = lastTrade.a + 1;
        if (trades.length < PAGE || lastTrade.T > untilMs) return;
      }
    },
    settledAt: (endMs) => endMs + 1 + SETTLE_MS,
    finalPosition: (endMs, signal) => newest(signal, endMs),
  };
}
