import {
  CANDLE_INTERVALS,
  ErrorCodes,
  StreamForgeError,
  type CandleInterval,
} from '../../../protocol/index.ts';
import type { SqlExecutor } from '../../../store/index.ts';
import { quoteIdent } from './postgres-sql.ts';
import {
  collectionGap,
  collectionStatsOf,
  gapStepMs,
  type CollectionGap,
  type CollectionStats,
} from './sink.ts';

/** Row count, time coverage and holes of one collection, computed in the database. */
export async function collectionStats(client: SqlExecutor, name: string): Promise<CollectionStats> {
  const catalog = await client
    .query<{ kind: 'candle' | 'trade' }>(`select kind from streamforge_collections where name = $1`, [name])
    .catch(() => ({ rows: [] }));
  const kind = catalog.rows[0]?.kind;
  if (kind === undefined) {
    throw new StreamForgeError(
      ErrorCodes.NOT_FOUND,
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
  return collectionStatsOf(
    {
      name,
      kind,
      rows: Number(row?.rows ?? 0),
      firstTime: row?.first == null ? undefined : Number(row.first),
      lastTime: row?.last == null ? undefined : Number(row.last),
    },
    gaps,
  );
}

interface GapRow {
  symbol: string;
  interval?: string;
  after: string;
  before: string;
}

/** gapStepMs of the row's interval, as SQL. */
const STEP_SQL = `case interval ${CANDLE_INTERVALS.map((i) => `when '${i}' then ${gapStepMs(i)}`).join(' ')} end`;

async function candleGaps(client: SqlExecutor, table: string): Promise<CollectionGap[]> {
  const result = await client.query<GapRow>(
    `select symbol, interval, after::text, before::text from (
       select symbol, interval, (extract(epoch from open_time) * 1000)::bigint as after,
         (extract(epoch from lead(open_time) over w) * 1000)::bigint as before
       from ${table} window w as (partition by symbol, interval order by open_time)) g
     where before - after > ${STEP_SQL}
     order by g.symbol, g.interval, g.after`,
  );
  return result.rows.map((r) =>
    collectionGap(r.symbol, Number(r.after), Number(r.before), r.interval as CandleInterval),
  );
}

async function tradeGaps(client: SqlExecutor, table: string): Promise<CollectionGap[]> {
  const result = await client.query<GapRow>(
    `select symbol, after::text, before::text from (
       select symbol, trade_id as after, lead(trade_id) over (partition by symbol order by trade_id) as before
       from ${table}) g
     where before - after > 1 order by g.symbol, g.after`,
  );
  return result.rows.map((r) => collectionGap(r.symbol, Number(r.after), Number(r.before)));
}
