import {
  ErrorCodes,
  StreamForgeError,
  candleCount,
  type CandleInterval,
  type CandleRecord,
  type TimeRange,
} from '../../../protocol/index.ts';
import { candleFromRest } from '../binance/parse.ts';
import type { BinanceRestClient } from '../binance/rest-client.ts';
import type { RecordSource } from './source.ts';

/** Binance's largest page for klines. */
const PAGE = 1000;
const KLINES_WEIGHT = 2;

/**
 * Loads klines with GET /api/v3/klines, paging by the last open time + 1 (never by a fixed step,
 * which is wrong for every interval but one and for calendar months). A kline that has not closed
 * yet (close time in the future) is left out.
 */
export class ApiCandlesSource implements RecordSource {
  readonly description: string;
  readonly #client: BinanceRestClient;
  readonly #symbol: string;
  readonly #interval: CandleInterval;
  readonly #range: { startMs: number; endMs: number };

  constructor(
    client: BinanceRestClient,
    symbol: string,
    interval: CandleInterval,
    range: Pick<TimeRange, 'startMs' | 'endMs'>,
  ) {
    this.#client = client;
    this.#symbol = symbol;
    this.#interval = interval;
    this.#range = { startMs: range.startMs, endMs: range.endMs };
    this.description = `${symbol} ${interval} klines from ${iso(range.startMs)} to ${iso(range.endMs)}`;
  }

  total(): number {
    return candleCount(this.#interval, this.#range.startMs, Math.min(this.#range.endMs, Date.now()));
  }

  async *batches(signal: AbortSignal): AsyncIterable<CandleRecord[]> {
    const { endMs } = this.#range;
    let start = this.#range.startMs;
    while (start <= endMs) {
      const page = await this.#client.get<unknown[]>(
        '/api/v3/klines',
        { symbol: this.#symbol, interval: this.#interval, startTime: start, endTime: endMs, limit: PAGE },
        KLINES_WEIGHT,
        signal,
      );
      if (!Array.isArray(page)) throw unexpected(page);
      if (page.length === 0) return;
      const now = Date.now();
      const candles = page.map((k) => candleFromRest(this.#symbol, this.#interval, k));
      const last = candles[candles.length - 1]!;
      if (last.open_time < start) {
        throw new StreamForgeError(
          ErrorCodes.LOAD_INCOMPLETE,
          `Binance answered klines from ${iso(start)} with an older page (last open ${iso(last.open_time)}): ` +
            `${iso(start)} to ${iso(endMs)} not loaded`,
        );
      }
      const closed = candles.filter(
        (c) => c.close_time < now && c.open_time >= start && c.open_time <= endMs,
      );
      if (closed.length > 0) yield closed;
      if (last.close_time >= endMs || last.close_time >= now) return;
      start = last.open_time + 1;
    }
  }
}

function unexpected(page: unknown): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.SOURCE_FAILED,
    `Binance sent klines that are not an array: ${JSON.stringify(page).slice(0, 200)}`,
  );
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
