import { ErrorCodes, StreamForgeError, type TimeRange, type TradeRecord } from '../../../protocol/index.ts';
import { tradeFromAgg } from '../binance/parse.ts';
import type { BinanceRestClient } from '../binance/rest-client.ts';
import { iso } from './api-candles.ts';
import type { RecordSource } from './source.ts';

const PAGE = 1000;
const AGG_TRADES_WEIGHT = 4;

type Agg = Record<string, unknown> & { a: number; T: number };

/**
 * Loads aggregated trades with GET /api/v3/aggTrades: the first page by startTime, the rest by
 * fromId = last id + 1 (exact and gap-free; paging by time can skip trades sharing a millisecond),
 * until the last id at or before the end of the range. That last id is asked for first, so the total
 * is known up front and a load that falls short fails naming the missing ids.
 */
export class ApiTradesSource implements RecordSource {
  readonly description: string;
  readonly #client: BinanceRestClient;
  readonly #symbol: string;
  readonly #range: { startMs: number; endMs: number };
  #total: number | undefined;

  constructor(client: BinanceRestClient, symbol: string, range: Pick<TimeRange, 'startMs' | 'endMs'>) {
    this.#client = client;
    this.#symbol = symbol;
    this.#range = { startMs: range.startMs, endMs: range.endMs };
    this.description = `${symbol} aggTrades from ${iso(range.startMs)} to ${iso(range.endMs)}`;
  }

  total(): number | undefined {
    return this.#total;
  }

  async *batches(signal: AbortSignal): AsyncIterable<TradeRecord[]> {
    const { startMs, endMs } = this.#range;
    const first = await this.#page({ startTime: startMs, endTime: endMs, limit: PAGE }, signal);
    if (first.length === 0) {
      this.#total = 0;
      return;
    }
    const newest = await this.#page({ endTime: endMs, limit: 1 }, signal);
    const firstId = first[0]!.a;
    const lastId = newest[newest.length - 1]?.a ?? first[first.length - 1]!.a;
    this.#total = lastId - firstId + 1;
    let page = first;
    let next = firstId;
    for (;;) {
      const wanted = page.filter((t) => t.a >= next && t.a <= lastId);
      if (wanted.length > 0) {
        yield wanted.map((t) => tradeFromAgg(this.#symbol, t));
        next = wanted[wanted.length - 1]!.a + 1;
      }
      if (next > lastId) return;
      page = await this.#page({ fromId: next, limit: PAGE }, signal);
      if (page.length === 0 || page[page.length - 1]!.a < next) {
        throw new StreamForgeError(
          ErrorCodes.LOAD_INCOMPLETE,
          `Binance stopped returning aggTrades at id ${next}: ids ${next}–${lastId} of ${this.description} are missing`,
        );
      }
    }
  }

  async #page(params: Record<string, number>, signal: AbortSignal): Promise<Agg[]> {
    const page = await this.#client.get<unknown>(
      '/api/v3/aggTrades',
      { symbol: this.#symbol, ...params },
      AGG_TRADES_WEIGHT,
      signal,
    );
    if (!Array.isArray(page)) {
      throw new StreamForgeError(
        ErrorCodes.SOURCE_FAILED,
        `Binance sent aggTrades that are not an array: ${JSON.stringify(page).slice(0, 200)}`,
      );
    }
    return page as Agg[];
  }
}
