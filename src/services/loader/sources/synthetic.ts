import {
  candleCount,
  intervalMs,
  nextOpenTime,
  firstOpenAtOrAfter,
  type CandleInterval,
  type MarketRecord,
} from '../../../protocol/index.ts';
import { iso } from './api-candles.ts';
import type { RecordSource } from './source.ts';

export interface SyntheticOptions {
  symbol: string;
  kind: MarketRecord['kind'];
  interval: CandleInterval | undefined;
  /** Same seed, same records: demos and benchmarks are reproducible. */
  seed: number;
  /** First candle open time or trade time. */
  startMs: number;
  /** Candles up to this open time (ignored when `count` is given). */
  endMs: number;
  /** Exactly this many records, whatever the range; default: the range's. */
  count?: number;
  /** Records per batch; default 5000. */
  batchSize?: number;
}

/** mulberry32: a tiny, fast, seedable PRNG; plenty for made-up prices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POWERS = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * `units / 10^scale` as a decimal string with exactly `scale` places, by integer arithmetic: string
 * padding and slicing here was a third of the loader's CPU in bench/pipeline.
 */
function decimal(units: number, scale: number): string {
  const power = POWERS[scale]!;
  const whole = Math.floor(units / power);
  const fraction = String(units - whole * power);
  return `${whole}.${'0'.repeat(scale - fraction.length)}${fraction}`;
}

/** Made-up but plausible candles or trades (a random walk in whole cents), with no network. */
export class SyntheticSource implements RecordSource {
  readonly description: string;
  readonly #o: SyntheticOptions;
  readonly #count: number;

  constructor(options: SyntheticOptions) {
    this.#o = { ...options };
    const range =
      options.kind === 'candle' ? candleCount(options.interval!, options.startMs, options.endMs) : 0;
    this.#count =
      options.count ??
      (options.kind === 'candle' ? range : Math.floor((options.endMs - options.startMs) / 1000) + 1);
    this.description = `${this.#count} synthetic ${options.kind}s of ${options.symbol} from ${iso(options.startMs)} (seed ${options.seed})`;
  }

  total(): number {
    return this.#count;
  }

  async *batches(signal: AbortSignal): AsyncIterable<MarketRecord[]> {
    const { symbol, kind, interval, seed } = this.#o;
    const size = this.#o.batchSize ?? 5000;
    const random = prng(seed);
    let price = 4_000_000; // cents
    let time = kind === 'candle' ? firstOpenAtOrAfter(interval!, this.#o.startMs) : this.#o.startMs;
    const step = kind === 'candle' ? intervalMs(interval!) : undefined;
    for (let done = 0; done < this.#count && !signal.aborted;) {
      const batch: MarketRecord[] = [];
      for (; batch.length < size && done < this.#count; done += 1) {
        const open = price;
        price = Math.max(100, price + Math.floor(random() * 2001) - 1000);
        if (kind === 'candle') {
          const close = price;
          const volume = 1 + Math.floor(random() * 50_000_000_000);
          const next = step === undefined ? nextOpenTime(interval!, time) : time + step;
          batch.push({
            kind: 'candle',
            symbol,
            interval: interval!,
            open_time: time,
            close_time: next - 1,
            open: decimal(open, 2),
            high: decimal(Math.max(open, close) + Math.floor(random() * 300), 2),
            low: decimal(Math.max(1, Math.min(open, close) - Math.floor(random() * 300)), 2),
            close: decimal(close, 2),
            volume: decimal(volume, 8),
            quote_volume: decimal(Math.floor((volume / 100) * (close / 100)), 6),
            trades: 1 + Math.floor(random() * 5000),
            taker_buy_base_volume: decimal(Math.floor(volume / 2), 8),
            taker_buy_quote_volume: decimal(Math.floor((volume / 200) * (close / 100)), 6),
          });
          time = next;
        } else {
          const id = done + 1;
          batch.push({
            kind: 'trade',
            symbol,
            trade_id: id,
            price: decimal(price, 2),
            quantity: decimal(1 + Math.floor(random() * 500_000_000), 8),
            first_trade_id: id * 2,
            last_trade_id: id * 2 + 1,
            time,
            is_buyer_maker: random() < 0.5,
            is_best_match: true,
          });
          time += Math.floor(random() * 2000);
        }
      }
      yield batch;
      // Let timers (progress, stop) run between batches of a CPU-bound generator.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
