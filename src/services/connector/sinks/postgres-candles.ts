import {
  CANDLE_INTERVALS,
  ErrorCodes,
  StreamForgeError,
  type CandleInterval,
} from '../../../protocol/index.ts';
import type { SqlExecutor } from '../../../store/index.ts';
import { quoteIdent } from './postgres-sql.ts';
import { gapStepMs } from './sink.ts';

export interface CandleQuery {
  /** Unix ms, inclusive; default: the first candle. */
  readonly from?: number;
  /** Unix ms, inclusive; default: the last candle. */
  readonly to?: number;
  /** Most bars answered; more candles in the range are merged into wider bars. */
  readonly maxPoints: number;
  /** Only this symbol (a collection may hold several); default: the first symbol. */
  readonly symbol?: string;
}

/** OHLCV bars of one symbol, at the collection's interval or merged into `bucketMs`-wide bars. */
export interface CandleSeries {
  readonly name: string;
  readonly symbol: string | null;
  readonly interval: string | null;
  /** Width of each bar in ms: the interval's, or a multiple of it when downsampled. */
  readonly bucketMs: number;
  readonly downsampled: boolean;
  /** Candles in the range before merging. */
  readonly candles: number;
  /** Bars: open time (Unix ms, bucket start), OHLC, volume summed, how many candles merged. */
  readonly bars: readonly { t: number; o: number; h: number; l: number; c: number; v: number; n: number }[];
}

/**
 * Candles of a collection for a chart, downsampled in the database: with more candles in the range
 * than `maxPoints`, consecutive ones are merged into bars a whole number of intervals wide (open of
 * the first, close of the last, high and low of all, volume summed), so a year of 1m candles is still
 * one query and a few hundred rows on the wire.
 */
export async function collectionCandles(
  client: SqlExecutor,
  name: string,
  query: CandleQuery,
): Promise<CandleSeries> {
  const catalog = await client
    .query<{ kind: string; interval: string | null }>(
      `select kind, interval from streamforge_collections where name = $1`,
      [name],
    )
    .catch(() => ({ rows: [] }));
  const entry = catalog.rows[0];
  if (!entry) throw new StreamForgeError(ErrorCodes.NOT_FOUND, `no collection named "${name}"`);
  if (entry.kind !== 'candle') {
    throw new StreamForgeError(
      ErrorCodes.INVALID_REQUEST,
      `collection "${name}" holds ${entry.kind}s, not candles: only candle collections have a chart`,
    );
  }
  const table = quoteIdent(name);
  const first = await client.query<{ symbol: string; interval: string; lo: number; hi: number }>(
    `select symbol, interval, (extract(epoch from min(open_time)) * 1000)::float8 as lo,
       (extract(epoch from max(open_time)) * 1000)::float8 as hi
     from ${table} where symbol = coalesce($1, (select min(symbol) from ${table})) group by symbol, interval
     order by interval limit 1`,
    [query.symbol?.toUpperCase() ?? null],
  );
  const scope = first.rows[0];
  const interval = (scope?.interval ?? entry.interval) as CandleInterval | null;
  const stepMs = interval && CANDLE_INTERVALS.includes(interval) ? gapStepMs(interval) : 60_000;
  if (!scope) {
    return { name, symbol: null, interval, bucketMs: stepMs, downsampled: false, candles: 0, bars: [] };
  }
  const from = Math.max(query.from ?? scope.lo, scope.lo);
  const to = Math.min(query.to ?? scope.hi, scope.hi);
  const counted = await client.query<{ n: number }>(
    `select count(*)::float8 as n from ${table}
     where symbol = $1 and interval = $2 and open_time between to_timestamp($3 / 1000.0) and to_timestamp($4 / 1000.0)`,
    [scope.symbol, scope.interval, from, to],
  );
  const candles = counted.rows[0]?.n ?? 0;
  const perBar = Math.max(1, Math.ceil(candles / query.maxPoints));
  const bucketMs = stepMs * perBar;
  const bars = await client.query<{
    t: number;
    o: number;
    h: number;
    l: number;
    c: number;
    v: number;
    n: number;
  }>(
    `select floor((extract(epoch from open_time) * 1000) / $5) * $5 as t,
       (array_agg(open order by open_time))[1]::float8 as o, max(high)::float8 as h, min(low)::float8 as l,
       (array_agg(close order by open_time desc))[1]::float8 as c, sum(volume)::float8 as v, count(*)::int as n
     from ${table}
     where symbol = $1 and interval = $2 and open_time between to_timestamp($3 / 1000.0) and to_timestamp($4 / 1000.0)
     group by 1 order by 1`,
    [scope.symbol, scope.interval, from, to, bucketMs],
  );
  return {
    name,
    symbol: scope.symbol,
    interval: scope.interval,
    bucketMs,
    downsampled: perBar > 1,
    candles,
    bars: bars.rows.map((r) => ({ ...r, t: Number(r.t) })),
  };
}
