import {
  CANDLE_INTERVALS,
  ErrorCodes,
  StreamForgeError,
  intervalMs,
  type CandleInterval,
} from '../../../protocol/index.ts';
import type { SqlExecutor } from '../../../store/index.ts';
import { quoteIdent } from './postgres-sql.ts';
import type { CollectionGap, CollectionStats } from './sink.ts';

/** At most this many gaps are listed; `missing` still counts them all. */
const LISTED_GAPS = 20;

/** Row count, time coverage and holes of one collection, computed in the database. */
export async function collectionStats(client: SqlExecutor, name: string): Promise<CollectionStats> {
  const catalog = await client
    .query<{ kind: 'candle' | 'trade' }>(`select kind from streamforge_collections where name = $1`, [name])
    .catch(() => ({ rows: [] }));
  const kind = catalog.rows[0]?.kind;
  if (kind === undefined) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `no collection named "${name}": check the name (lower case)`,
    );
  }
  const table = quoteIdent(name);
  const time = kind === 'candle' ? 'open_time' : 'time';
  const summary = await client.query<{ rows: string; first: string | null; last: string | null }>(
    `select count(*)::text as rows, (extract(epoch from min(${time})) * 1000)::bigint::text as first,
       (extract(epoch from max(${time})) * 1000)::bigint::text as last from ${table}`,
  );
  const row = summary.rows[0];
  const gaps = kind === 'candle' ? await candleGaps(client, table) : await tradeGaps(client, table);
  return {
    name,
    kind,
    rows: Number(row?.rows ?? 0),
    firstTime: row?.first == null ? undefined : Number(row.first),
    lastTime: row?.last == null ? undefined : Number(row.last),
    gaps: gaps.slice(0, LISTED_GAPS),
    missing: gaps.reduce((sum, gap) => sum + gap.missing, 0),
    gapsKnown: true,
  };
}

interface GapRow {
  symbol: string;
  interval?: string;
  after: string;
  before: string;
}

/** Each interval's length in ms as SQL; a month counts as a gap only beyond 31 days. */
const STEP_SQL = `case interval ${CANDLE_INTERVALS.map((i) => `when '${i}' then ${intervalMs(i) ?? 31 * 86_400_000}`).join(' ')} end`;

async function candleGaps(client: SqlExecutor, table: string): Promise<CollectionGap[]> {
  const result = await client.query<GapRow>(
    `select symbol, interval, after::text, before::text from (
       select symbol, interval, (extract(epoch from open_time) * 1000)::bigint as after,
         (extract(epoch from lead(open_time) over w) * 1000)::bigint as before
       from ${table} window w as (partition by symbol, interval order by open_time)) g
     where before - after > ${STEP_SQL}
     order by g.symbol, g.interval, g.after`,
  );
  return result.rows.map((r) => {
    const step = intervalMs(r.interval as CandleInterval);
    const after = Number(r.after);
    const before = Number(r.before);
    return { symbol: r.symbol, after, before, missing: step === undefined ? 1 : (before - after) / step - 1 };
  });
}

async function tradeGaps(client: SqlExecutor, table: string): Promise<CollectionGap[]> {
  const result = await client.query<GapRow>(
    `select symbol, after::text, before::text from (
       select symbol, trade_id as after, lead(trade_id) over (partition by symbol order by trade_id) as before
       from ${table}) g
     where before - after > 1 order by g.symbol, g.after`,
  );
  return result.rows.map((r) => ({
    symbol: r.symbol,
    after: Number(r.after),
    before: Number(r.before),
    missing: Number(r.before) - Number(r.after) - 1,
  }));
}
