import { QUEUE_CANDLE_INTERVALS, type CandleInterval } from './records.ts';

/** One family of job types (`api_candles_5m`, `gnn_graph`, …) a target accepts. */
export interface TypeRule {
  /** Matches the whole type. */
  readonly pattern: RegExp;
  /** A streaming (realtime) type runs until stopped and never waits for other jobs of its queue. */
  readonly streaming: boolean;
  /** What a valid type looks like, for the 400 answer that rejects an invalid one. */
  readonly example: string;
}

export const typeRule = (pattern: string, streaming: boolean, example: string): TypeRule =>
  Object.freeze({ pattern: new RegExp(`^${pattern}$`), streaming, example });

const INTERVAL = `(?:${QUEUE_CANDLE_INTERVALS.join('|')})`;

/**
 * Market-data types: REST history, live streams, and the offline sources (archive files, synthetic).
 * loader-producer produces them; arango-connector stores the topic of the loader of the same type.
 */
export const MARKET_DATA_TYPES: readonly TypeRule[] = Object.freeze([
  typeRule(`api_candles_${INTERVAL}`, false, 'api_candles_5m'),
  typeRule('api_trades', false, 'api_trades'),
  typeRule(`ws_candles_${INTERVAL}`, true, 'ws_candles_1m'),
  typeRule('ws_trades', true, 'ws_trades'),
  typeRule(`(?:archive|synthetic)_candles_${INTERVAL}`, false, 'archive_candles_1m'),
  typeRule('(?:archive|synthetic)_trades', false, 'synthetic_trades'),
]);

/** Where market data comes from: the first word of its type. */
export const MARKET_DATA_SOURCES = ['api', 'ws', 'archive', 'synthetic'] as const;
export type MarketDataSource = (typeof MARKET_DATA_SOURCES)[number];

/** What a market-data collection holds: candles of one interval, or trades. */
export interface MarketDataKind {
  readonly kind: 'candles' | 'trades';
  /** Candles only. */
  readonly interval?: CandleInterval;
  /** Undefined when a dataset name does not say. */
  readonly source?: MarketDataSource;
}

/** The kind of a market-data type (`api_candles_5m` → candles 5m from api); undefined for other types. */
export function marketDataKindOfType(type: string): MarketDataKind | undefined {
  const match = /^(api|ws|archive|synthetic)_(?:candles_([0-9]+[smhdwM])|(trades))$/.exec(type);
  if (!match) return undefined;
  const source = match[1] as MarketDataSource;
  return match[3]
    ? { kind: 'trades', source }
    : { kind: 'candles', interval: match[2] as CandleInterval, source };
}

/**
 * The kind a dataset name stands for, the way seed 004 names inputs (`btc_candles_5m_2024_06`,
 * `btc_ws_trades_2024_08_01`): split on `_`, the word `candles` or `trades` (exactly one of them) gives
 * the kind, a word that is a candle interval (`5m`, `1h`, …) the interval, a word `api`, `ws`,
 * `archive` or `synthetic` the source. Anything else in the name (symbol, dates) is ignored. Undefined
 * when the name says neither or both kinds.
 */
export function marketDataKindOfName(name: string): MarketDataKind | undefined {
  const words = name.toLowerCase().split('_');
  const candles = words.includes('candles');
  const trades = words.includes('trades');
  if (candles === trades) return undefined;
  const source = MARKET_DATA_SOURCES.find((s) => words.includes(s));
  const interval = (QUEUE_CANDLE_INTERVALS as readonly string[]).find((i) => words.includes(i)) as
    CandleInterval | undefined;
  return {
    kind: candles ? 'candles' : 'trades',
    ...(candles && interval ? { interval } : {}),
    ...(source ? { source } : {}),
  };
}

/** Whether data of kind `have` fits a name that asks for `want`: what the name says must match. */
export function marketDataFits(want: MarketDataKind, have: MarketDataKind): boolean {
  return (
    want.kind === have.kind &&
    (want.interval === undefined || want.interval === have.interval) &&
    (want.source === undefined || want.source === have.source)
  );
}
