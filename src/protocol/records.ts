import { Type, type Static } from '@sinclair/typebox';
import { createJsonParser } from './json.ts';
import { ErrorCodes, StreamForgeError } from './errors.ts';

/**
 * Market-data records as they travel on a queue's data topic (JSON values, keyed by natural key).
 * Prices and quantities are decimal strings, exactly as Binance sends them (no float rounding); every
 * time is Unix milliseconds.
 */

/** Binance kline intervals (case-sensitive: `1m` is a minute, `1M` a calendar month). */
export const CANDLE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;
export type CandleInterval = (typeof CANDLE_INTERVALS)[number];

/** The intervals a queue may request: every one but `1M`, whose lowercased topic and collection names would collide with `1m`'s. */
export const QUEUE_CANDLE_INTERVALS: readonly CandleInterval[] = CANDLE_INTERVALS.filter((i) => i !== '1M');

const Decimal = Type.String({
  pattern: '^-?[0-9]+(\\.[0-9]+)?$',
  description: 'decimal string, e.g. "42314.10"',
});
/**
 * The last instant a record may carry, 9999-12-31T23:59:59.999Z: past it an ISO-8601 time needs a
 * six-digit `+YYYYYY` year, which PostgreSQL's timestamp input refuses (JavaScript's own limit, 8.64e15,
 * was admitted and then failed in the database).
 */
export const MAX_RECORD_MILLIS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const Millis = Type.Integer({ minimum: 0, maximum: MAX_RECORD_MILLIS, description: 'Unix milliseconds' });
/** Counts are JavaScript numbers: past 2^53 they are no longer exact (1e20 was stored as something else). */
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const SymbolName = Type.String({ pattern: '^[A-Z0-9]{1,32}$', description: 'upper case, e.g. BTCUSDT' });
const Id = Type.Integer({ minimum: -1, maximum: Number.MAX_SAFE_INTEGER });

/** One kline (candle). Natural key `symbol:interval:open_time`. */
export const CandleRecordSchema = Type.Object(
  {
    kind: Type.Literal('candle'),
    symbol: SymbolName,
    interval: Type.Union(CANDLE_INTERVALS.map((i) => Type.Literal(i))),
    open_time: Millis,
    close_time: Millis,
    open: Decimal,
    high: Decimal,
    low: Decimal,
    close: Decimal,
    volume: Decimal,
    quote_volume: Decimal,
    trades: Count,
    taker_buy_base_volume: Decimal,
    taker_buy_quote_volume: Decimal,
  },
  { additionalProperties: true },
);
export type CandleRecord = Static<typeof CandleRecordSchema>;

/** One aggregated trade (Binance aggTrade; a raw trade has first = last = its id). Key `symbol:trade_id`. */
export const TradeRecordSchema = Type.Object(
  {
    kind: Type.Literal('trade'),
    symbol: SymbolName,
    trade_id: Id,
    price: Decimal,
    quantity: Decimal,
    first_trade_id: Id,
    last_trade_id: Id,
    time: Millis,
    is_buyer_maker: Type.Boolean(),
    is_best_match: Type.Boolean(),
  },
  { additionalProperties: true },
);
export type TradeRecord = Static<typeof TradeRecordSchema>;

/**
 * End-of-stream marker: the last message a finished loader writes on each partition of its topic.
 * `records` is how many data records this loader run wrote to that partition; `total` to all.
 * The run identity (`run`, `attempt`, `first_offset`) came later and is optional, so markers of older
 * loaders still parse; a connector that follows a loader ignores markers without it (docs/market-data.md).
 */
export const EndOfStreamSchema = Type.Object(
  {
    kind: Type.Literal('end'),
    /** The loader's telemetry_id: stable across its attempts. */
    producer: Type.String(),
    partition: Type.Integer({ minimum: 0 }),
    partitions: Type.Integer({ minimum: 1 }),
    records: Type.Integer({ minimum: 0 }),
    total: Type.Integer({ minimum: 0 }),
    /** Unique per loader run (process): the markers of one run end a stream together. */
    run: Type.Optional(Type.String({ minLength: 1 })),
    /** JOB_ATTEMPT of the run (1 for the first launch). */
    attempt: Type.Optional(Type.Integer({ minimum: 1 })),
    /** The partition's end offset when the run began writing: its `records` lie between it and the marker. */
    first_offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: true },
);
export type EndOfStream = Static<typeof EndOfStreamSchema>;

export type MarketRecord = CandleRecord | TradeRecord;
export type DataMessage = MarketRecord | EndOfStream;

export const DataMessageSchema = Type.Union([CandleRecordSchema, TradeRecordSchema, EndOfStreamSchema]);

/** Parses one data-topic value; never throws (a bad message is dead-lettered by the caller). */
export const parseDataMessage = createJsonParser(DataMessageSchema, 'market record');

/** The Kafka key of the end-of-stream marker (markers carry an explicit partition). */
export const END_OF_STREAM_KEY = '__end_of_stream__';

export function candleKey(c: Pick<CandleRecord, 'symbol' | 'interval' | 'open_time'>): string {
  return `${c.symbol}:${c.interval}:${c.open_time}`;
}

export function tradeKey(t: Pick<TradeRecord, 'symbol' | 'trade_id'>): string {
  return `${t.symbol}:${t.trade_id}`;
}

export function recordKey(record: MarketRecord): string {
  return record.kind === 'candle' ? candleKey(record) : tradeKey(record);
}

/** Where a record's time lies (candle open time or trade time), for coverage and gap checks. */
export function recordTime(record: MarketRecord): number {
  return record.kind === 'candle' ? record.open_time : record.time;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Fixed length of an interval in ms; undefined for `1M`, whose months differ. */
export function intervalMs(interval: CandleInterval): number | undefined {
  if (interval === '1M') return undefined;
  return Number(interval.slice(0, -1)) * (UNIT_MS[interval.slice(-1)] ?? NaN);
}

/** Binance's weekly klines open on Monday 00:00 UTC; the epoch was a Thursday. */
const WEEK_OFFSET_MS = 4 * 86_400_000;

/** The open time of the first candle that opens at or after `ms`. */
export function firstOpenAtOrAfter(interval: CandleInterval, ms: number): number {
  if (interval === '1M') {
    const d = new Date(ms);
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    return start === ms ? ms : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  const step = intervalMs(interval) as number;
  const offset = interval === '1w' ? WEEK_OFFSET_MS : 0;
  return Math.ceil((ms - offset) / step) * step + offset;
}

/** The open time of the candle that contains `ms`. */
export function openTimeOf(interval: CandleInterval, ms: number): number {
  if (interval === '1M') {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const step = intervalMs(interval) as number;
  const offset = interval === '1w' ? WEEK_OFFSET_MS : 0;
  return Math.floor((ms - offset) / step) * step + offset;
}

/** Open time of the candle after the one opening at `openTime`. */
export function nextOpenTime(interval: CandleInterval, openTime: number): number {
  if (interval === '1M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return openTime + (intervalMs(interval) as number);
}

/** How many candles open within [startMs, endMs] (both inclusive). */
export function candleCount(interval: CandleInterval, startMs: number, endMs: number): number {
  const first = firstOpenAtOrAfter(interval, startMs);
  if (first > endMs) return 0;
  const step = intervalMs(interval);
  if (step !== undefined) return Math.floor((endMs - first) / step) + 1;
  let count = 0;
  for (let t = first; t <= endMs; t = nextOpenTime(interval, t)) count += 1;
  return count;
}

export const MARKET_SOURCES = ['api', 'ws', 'archive', 'synthetic'] as const;
export type MarketSource = (typeof MARKET_SOURCES)[number];

/** What a data type (`TYPE`) means: where records come from, which kind, and whether it ever ends. */
export interface MarketType {
  readonly type: string;
  readonly source: MarketSource;
  readonly kind: MarketRecord['kind'];
  /** Candle interval; undefined for trades. */
  readonly interval: CandleInterval | undefined;
  /** Live streams run until stopped; every other source loads a finite range and ends. */
  readonly realtime: boolean;
}

const TYPE_PATTERN = /^(api|ws|archive|synthetic)_(candles_([0-9]+[smhdwM]|1mo)|trades)$/;

/**
 * Parses `api_candles_<interval>`, `api_trades`, `ws_candles_<interval>`, `ws_trades`,
 * `archive_candles_<interval>`, `archive_trades`, `synthetic_candles_<interval>`, `synthetic_trades`.
 * `1mo` is accepted for the monthly interval because collection names are lowercased.
 */
export function parseMarketType(type: string): MarketType {
  const match = TYPE_PATTERN.exec(type);
  const raw = match?.[3] === '1mo' ? '1M' : match?.[3];
  if (!match || (raw !== undefined && !(CANDLE_INTERVALS as readonly string[]).includes(raw))) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `TYPE "${type}" is not a market-data type: expected {api|ws|archive|synthetic}_candles_<interval> ` +
        `(interval one of ${CANDLE_INTERVALS.join(' ')}) or {api|ws|archive|synthetic}_trades`,
    );
  }
  const source = match[1] as MarketSource;
  return Object.freeze({
    type,
    source,
    kind: raw === undefined ? 'trade' : 'candle',
    interval: raw as CandleInterval | undefined,
    realtime: source === 'ws',
  });
}
