import { nextOpenTime, openTimeOf, type CandleInterval, type CandleRecord } from '../../../protocol/index.ts';
import { candleFromStream } from '../binance/parse.ts';
import type { BinanceRestClient } from '../binance/rest-client.ts';
import { ApiCandlesSource } from './api-candles.ts';
import { LiveFeed, type LiveDeps } from './live-feed.ts';
import type { RecordSource } from './source.ts';

export interface WsCandlesDeps extends LiveDeps {
  rest: BinanceRestClient;
  symbol: string;
  interval: CandleInterval;
}

/**
 * `<symbol>@kline_<interval>`: closed klines only (`k.x`), from the one in progress when the job
 * starts; gaps (reconnects, jumps) are backfilled with GET /api/v3/klines.
 */
export class WsCandlesSource implements RecordSource {
  readonly #feed: LiveFeed<CandleRecord>;

  constructor(deps: WsCandlesDeps) {
    const { rest, symbol, interval } = deps;
    this.#feed = new LiveFeed<CandleRecord>(
      {
        stream: `${symbol.toLowerCase()}@kline_${interval}`,
        initialPosition: () => Promise.resolve(openTimeOf(interval, Date.now()) - 1),
        fromEvent: (event) => {
          const k = event.k as Record<string, unknown> | undefined;
          return event.e === 'kline' && k?.x === true ? candleFromStream(symbol, interval, k) : undefined;
        },
        position: (c) => c.open_time,
        gapBefore: (last, c) => c.open_time > nextOpenTime(interval, openTimeOf(interval, last)),
        backfill: (last, signal) =>
          new ApiCandlesSource(rest, symbol, interval, { startMs: last + 1, endMs: Date.now() }).batches(
            signal,
          ),
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

  batches(signal: AbortSignal): AsyncIterable<CandleRecord[]> {
    return this.#feed.batches(signal);
  }
}
