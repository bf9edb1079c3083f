import { nextOpenTime, openTimeOf, type CandleInterval, type CandleRecord } from '../../../protocol/index.ts';
import { candleFromStream } from '../binance/parse.ts';
import { ApiCandlesSource } from './api-candles.ts';
import { LiveFeed, type LiveKind, type LiveSourceDeps } from './live-feed.ts';

export interface WsCandlesDeps extends LiveSourceDeps {
  interval: CandleInterval;
}

/**
 * `<symbol>@kline_<interval>`: closed klines only (`k.x`), from the one in progress when the job
 * starts (or from the range's start); gaps (reconnects, jumps) are backfilled with GET /api/v3/klines.
 */
export class WsCandlesSource extends LiveFeed<CandleRecord> {
  constructor(deps: WsCandlesDeps) {
    super(klines(deps), deps);
  }
}

function klines({ rest, symbol, interval, range }: WsCandlesDeps): LiveKind<CandleRecord> {
  // The last kline of a range is the one open at its end; REST has it once it closed.
  const lastOpen = (endMs: number): number => openTimeOf(interval, endMs);
  return {
    stream: `${symbol.toLowerCase()}@kline_${interval}`,
    initialPosition: () => Promise.resolve(range ? range.startMs - 1 : openTimeOf(interval, Date.now()) - 1),
    fromEvent: (event) => {
      const k = event.k as Record<string, unknown> | undefined;
      return event.e === 'kline' && k?.x === true ? candleFromStream(symbol, interval, k) : undefined;
    },
    position: (c) => c.open_time,
    gapBefore: (last, c) => c.open_time > nextOpenTime(interval, openTimeOf(interval, last)),
    backfill: (last, untilMs, signal) =>
      new ApiCandlesSource(rest, symbol, interval, {
        startMs: last + 1,
        endMs: Math.min(untilMs, Date.now()),
      }).batches(signal),
    settledAt: (endMs) => nextOpenTime(interval, lastOpen(endMs)),
    finalPosition: (endMs) => Promise.resolve(lastOpen(endMs)),
  };
}
