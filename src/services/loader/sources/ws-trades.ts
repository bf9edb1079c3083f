import type { TradeRecord } from '../../../protocol/index.ts';
import { tradeFromAgg } from '../binance/parse.ts';
import type { BinanceRestClient } from '../binance/rest-client.ts';
import { LiveFeed, type LiveDeps } from './live-feed.ts';
import type { RecordSource } from './source.ts';

const PAGE = 1000;
const AGG_TRADES_WEIGHT = 4;

export interface WsTradesDeps extends LiveDeps {
  rest: BinanceRestClient;
  symbol: string;
}

type Agg = Record<string, unknown> & { a: number };

/**
 * `<symbol>@aggTrade`, from the newest trade when the job starts; gaps (reconnects, jumps in `a`) are
 * backfilled with GET /api/v3/aggTrades?fromId=last+1, which is exact: aggTrade ids have no holes.
 */
export class WsTradesSource implements RecordSource {
  readonly #feed: LiveFeed<TradeRecord>;

  constructor(deps: WsTradesDeps) {
    const { rest, symbol } = deps;
    const page = async (params: Record<string, number>, signal: AbortSignal): Promise<Agg[]> =>
      rest.get<Agg[]>('/api/v3/aggTrades', { symbol, ...params }, AGG_TRADES_WEIGHT, signal);
    this.#feed = new LiveFeed<TradeRecord>(
      {
        stream: `${symbol.toLowerCase()}@aggTrade`,
        initialPosition: async (signal) => {
          const newest = await page({ limit: 1 }, signal);
          return newest[0]?.a ?? 0;
        },
        fromEvent: (event) => (event.e === 'aggTrade' ? tradeFromAgg(symbol, event) : undefined),
        position: (t) => t.trade_id,
        gapBefore: (last, t) => last > 0 && t.trade_id > last + 1,
        backfill: async function* (last, signal) {
          for (let from = last + 1; ;) {
            const trades = await page({ fromId: from, limit: PAGE }, signal);
            if (trades.length > 0) {
              yield trades.map((t) => tradeFromAgg(symbol, t));
              from = trades[trades.length - 1]!.a + 1;
            }
            if (trades.length < PAGE) return;
          }
        },
      },
      deps,
    );
  }

  get description(): string {
    return this.#feed.description;
  }

  get connections(): number {
    return this.#feed.connections;
  }

  total(): undefined {
    return undefined;
  }

  batches(signal: AbortSignal): AsyncIterable<TradeRecord[]> {
    return this.#feed.batches(signal);
  }
}
