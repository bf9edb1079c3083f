import type { SqlExecutor } from '../../store/index.ts';
import { quoteIdent } from '../connector/sinks/postgres-sql.ts';
import type { GraphInputs } from './inputs.ts';

/** One candle window with its trades aggregated: everything the features are computed from. */
export interface WindowRow {
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Quote-asset volume of the candle (Σ price × quantity): the candle's own VWAP is quoteVolume / volume. */
  quoteVolume: number;
  /** Trades in the window, buy (taker buy) and total base volume, Σ price × quantity. */
  trades: number;
  tradeVolume: number;
  buyVolume: number;
  notional: number;
}

interface SqlWindow {
  open_ms: number;
  close_ms: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quote_volume: number;
  trades: number;
  trade_volume: number;
  buy_volume: number;
  notional: number;
}

/**
 * The window query. With a trade collection, the window's trades (time in [open_time, close_time]) are
 * aggregated in the database, through the (symbol, time) index the connector creates: millions of
 * trades never cross the wire, only one row per window. Without one, the candle's own counts stand in
 * (Binance candles carry trade count, taker-buy volume and quote volume).
 */
function windowSql(inputs: GraphInputs): string {
  const candles = quoteIdent(inputs.candles);
  const columns = `(extract(epoch from c.open_time) * 1000)::float8 as open_ms,
    (extract(epoch from c.close_time) * 1000)::float8 as close_ms,
    c.open::float8 as open, c.high::float8 as high, c.low::float8 as low, c.close::float8 as close,
    c.volume::float8 as volume, c.quote_volume::float8 as quote_volume`;
  const page = `c.symbol = $1 and c.interval = $2 and c.open_time > $3::timestamptz and c.close_time < $4::timestamptz
    order by c.open_time limit $5`;
  if (inputs.trades === undefined) {
    return `select ${columns}, c.trades::float8 as trades, c.volume::float8 as trade_volume,
      c.taker_buy_base_volume::float8 as buy_volume, c.quote_volume::float8 as notional
      from ${candles} c where ${page}`;
  }
  return `select ${columns}, t.trades, t.trade_volume, t.buy_volume, t.notional
    from ${candles} c left join lateral (
      select count(*)::float8 as trades,
        coalesce(sum(x.quantity::float8), 0) as trade_volume,
        coalesce(sum(x.quantity::float8) filter (where not x.is_buyer_maker), 0) as buy_volume,
        coalesce(sum(x.price::float8 * x.quantity::float8), 0) as notional
      from ${quoteIdent(inputs.trades)} x
      where x.symbol = c.symbol and x.time >= c.open_time and x.time <= c.close_time
    ) t on true
    where ${page}`;
}

const toWindow = (r: SqlWindow): WindowRow => ({
  openTime: Number(r.open_ms),
  closeTime: Number(r.close_ms),
  open: Number(r.open),
  high: Number(r.high),
  low: Number(r.low),
  close: Number(r.close),
  volume: Number(r.volume),
  quoteVolume: Number(r.quote_volume),
  trades: Number(r.trades),
  tradeVolume: Number(r.trade_volume),
  buyVolume: Number(r.buy_volume),
  notional: Number(r.notional),
});

export interface WindowRange {
  /** Windows opening strictly after this (ms); default: from the first. */
  after?: number;
  /** Only windows closing before this (ms): realtime_graph's "closed and settled"; default: every one. */
  closedBefore?: number;
  /** Windows per query (keyset pagination on open_time): memory is bounded by it, not by the range. */
  chunk: number;
}

const FAR_PAST = -62_135_596_800_000; // 0001-01-01
const FAR_FUTURE = 253_402_300_799_999; // 9999-12-31

/** The windows of `inputs` in open_time order, a chunk at a time. */
export async function* readWindows(
  sql: SqlExecutor,
  inputs: GraphInputs,
  range: WindowRange,
): AsyncIterable<WindowRow[]> {
  const query = windowSql(inputs);
  const closedBefore = new Date(range.closedBefore ?? FAR_FUTURE).toISOString();
  let after = range.after ?? FAR_PAST;
  for (;;) {
    const { rows } = await sql.query<SqlWindow>(query, [
      inputs.symbol,
      inputs.interval,
      new Date(after).toISOString(),
      closedBefore,
      range.chunk,
    ]);
    if (rows.length === 0) return;
    const windows = rows.map(toWindow);
    yield windows;
    if (rows.length < range.chunk) return;
    after = windows[windows.length - 1]!.openTime;
  }
}
