// Deterministic market data for the Binance peer: any symbol, interval and time, computed, not stored,
// so a test can ask for exactly what the peer serves (a month of 1m candles, a day of trades).

export const INTERVAL_MS: Record<string, number> = {
  '1s': 1000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

/** A kline exactly as GET /api/v3/klines sends it: 12 elements, prices and volumes as strings. */
export type RestKline = [
  number,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  number,
  string,
  string,
  string,
];

/** An aggTrade as GET /api/v3/aggTrades sends it. */
export interface RestAggTrade {
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
  M: boolean;
}

export interface MarketDataOptions {
  /** Changes every price and volume; default 1. */
  seed?: number;
  /** Aggregated trades per minute; default 30. Trades come in groups of 3 sharing one millisecond. */
  tradesPerMinute?: number;
  /** Time of the first trade; default 2020-01-01. */
  tradeEpochMs?: number;
  /** Id of the first trade; default 1,000,000. */
  firstTradeId?: number;
}

function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h = Math.imul(h ^ Math.floor(v / 4294967296), 0xc2b2ae35);
    h ^= h >>> 13;
  }
  return (h ^ (h >>> 16)) >>> 0;
}

function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Integer units to a decimal string with `scale` decimals, without floating point. */
function decimal(units: number, scale: number): string {
  const text = String(units).padStart(scale + 1, '0');
  return `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

export class MarketData {
  readonly seed: number;
  readonly tradeStepMs: number;
  readonly tradeEpochMs: number;
  readonly firstTradeId: number;

  constructor(options: MarketDataOptions = {}) {
    this.seed = options.seed ?? 1;
    this.tradeStepMs = 60_000 / (options.tradesPerMinute ?? 30);
    this.tradeEpochMs = options.tradeEpochMs ?? Date.UTC(2020, 0, 1);
    this.firstTradeId = options.firstTradeId ?? 1_000_000;
  }

  /** Open time of the kline after `openTime` (calendar months for 1M). */
  nextOpen(interval: string, openTime: number): number {
    if (interval === '1M') {
      const d = new Date(openTime);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    return openTime + INTERVAL_MS[interval]!;
  }

  /** Open time of the kline containing `ms`. */
  openOf(interval: string, ms: number): number {
    if (interval === '1M') {
      const d = new Date(ms);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    const step = INTERVAL_MS[interval]!;
    const offset = interval === '1w' ? 4 * 86_400_000 : 0;
    return Math.floor((ms - offset) / step) * step + offset;
  }

  kline(symbol: string, interval: string, openTime: number): RestKline {
    const h = (n: number): number => mix(this.seed, textHash(symbol), textHash(interval), openTime, n);
    const open = 3_000_000 + (h(1) % 2_000_000); // cents: 30,000.00 … 50,000.00
    const close = open + (h(2) % 20_001) - 10_000;
    const high = Math.max(open, close) + (h(3) % 5_000);
    const low = Math.min(open, close) - (h(4) % 5_000);
    const volume = h(5) % 100_000_000_000; // 8 decimals
    const takerBase = Math.floor(volume / 2) + (h(6) % 1000);
    const trades = 1 + (h(7) % 5000);
    const quote = Math.floor((volume / 100_000_000) * (open / 100) * 100_000_000);
    const closeTime = this.nextOpen(interval, openTime) - 1;
    return [
      openTime,
      decimal(open, 2),
      decimal(high, 2),
      decimal(low, 2),
      decimal(close, 2),
      decimal(volume, 8),
      closeTime,
      decimal(quote, 8),
      trades,
      decimal(takerBase, 8),
      decimal(Math.floor(quote / 2), 8),
      '0',
    ];
  }

  /** Every kline opening within [startMs, endMs]. */
  klines(symbol: string, interval: string, startMs: number, endMs: number): RestKline[] {
    const out: RestKline[] = [];
    let t = this.openOf(interval, startMs);
    if (t < startMs) t = this.nextOpen(interval, t);
    for (; t <= endMs; t = this.nextOpen(interval, t)) out.push(this.kline(symbol, interval, t));
    return out;
  }

  tradeTime(id: number): number {
    const index = id - this.firstTradeId;
    return this.tradeEpochMs + Math.floor(Math.floor(index / 3) * 3 * this.tradeStepMs);
  }

  /** Smallest trade id whose time is ≥ ms. */
  firstTradeAtOrAfter(ms: number): number {
    let lo = this.firstTradeId;
    let hi = this.firstTradeId + Math.ceil(Math.max(0, ms - this.tradeEpochMs) / this.tradeStepMs) + 10;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.tradeTime(mid) >= ms) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Largest trade id whose time is ≤ ms (firstTradeId − 1 when none). */
  lastTradeAtOrBefore(ms: number): number {
    return this.firstTradeAtOrAfter(ms + 1) - 1;
  }

  aggTrade(symbol: string, id: number): RestAggTrade {
    const h = (n: number): number => mix(this.seed, textHash(symbol), id, n);
    const first = id * 3;
    return {
      a: id,
      p: decimal(3_000_000 + (h(1) % 2_000_000), 2),
      q: decimal(1 + (h(2) % 500_000_000), 8),
      f: first,
      l: first + (h(3) % 3),
      T: this.tradeTime(id),
      m: h(4) % 2 === 0,
      M: true,
    };
  }

  /** Every aggTrade with time within [startMs, endMs]. */
  aggTrades(symbol: string, startMs: number, endMs: number): RestAggTrade[] {
    const out: RestAggTrade[] = [];
    const last = this.lastTradeAtOrBefore(endMs);
    for (let id = this.firstTradeAtOrAfter(startMs); id <= last; id += 1) out.push(this.aggTrade(symbol, id));
    return out;
  }
}
