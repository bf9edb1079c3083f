import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { SqlExecutor } from '../../store/index.ts';
import { quoteIdent } from '../connector/sinks/postgres-sql.ts';

/** The tables a graph is built from, found through the connectors' catalog (streamforge_collections). */
export interface GraphInputs {
  readonly candles: string;
  /** Undefined: the window's trade features come from the candle's own fields (docs/analytics.md). */
  readonly trades: string | undefined;
  readonly symbol: string;
  readonly interval: string;
}

interface CatalogRow {
  name: string;
  kind: string;
  symbol: string | null;
  interval: string | null;
}

const UNDEFINED_TABLE = '42P01';

async function catalogRows(sql: SqlExecutor, names: readonly string[]): Promise<CatalogRow[]> {
  try {
    const { rows } = await sql.query<CatalogRow>(
      `select name, kind, symbol, interval from streamforge_collections where name = any($1::text[])`,
      [names],
    );
    return rows;
  } catch (error) {
    const code = (error as { cause?: { code?: unknown }; code?: unknown }).cause?.code;
    if (code === UNDEFINED_TABLE) return []; // no connector ever wrote to this database
    throw error;
  }
}

/**
 * Which input is the candle collection and which the trade collection (by the kind the connector
 * recorded), and the symbol and interval of the windows. Exactly one candle collection is required.
 */
export async function resolveInputs(sql: SqlExecutor, names: readonly string[]): Promise<GraphInputs> {
  const rows = await catalogRows(sql, names);
  const missing = names.filter((name) => !rows.some((row) => row.name === name));
  if (missing.length > 0) {
    throw new StreamForgeError(
      ErrorCodes.NOT_FOUND,
      `input collection ${missing.map((m) => `"${m}"`).join(', ')} does not exist (no connector wrote it to this database)`,
    );
  }
  const candles = rows.filter((row) => row.kind === 'candle');
  const trades = rows.filter((row) => row.kind === 'trade');
  if (candles.length !== 1 || trades.length > 1) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `collection_inputs must name one candle collection and at most one trade collection; got ${rows
        .map((row) => `${row.name} (${row.kind}s)`)
        .join(', ')}`,
    );
  }
  const candle = candles[0]!;
  const scope = await candleScope(sql, candle);
  const trade = trades[0];
  if (trade?.symbol && trade.symbol !== scope.symbol) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `trade collection "${trade.name}" holds ${trade.symbol}, candle collection "${candle.name}" holds ${scope.symbol}`,
    );
  }
  return Object.freeze({ candles: candle.name, trades: trade?.name, ...scope });
}

/** The catalog records the scope when the connector knew it; else the first row tells. */
async function candleScope(sql: SqlExecutor, row: CatalogRow): Promise<{ symbol: string; interval: string }> {
  if (row.symbol && row.interval) return { symbol: row.symbol, interval: row.interval };
  const { rows } = await sql.query<{ symbol: string; interval: string }>(
    `select symbol, interval from ${quoteIdent(row.name)} order by open_time limit 1`,
  );
  if (rows[0] === undefined) throw tooSmall(row.name, 0, 1);
  return rows[0];
}

export function tooSmall(collection: string, windows: number, needed: number): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.GRAPH_INPUT_TOO_SMALL,
    windows === 0
      ? `input collection "${collection}" is empty: a graph needs at least ${needed} candle windows`
      : `input collection "${collection}" holds ${windows} candle windows: a graph needs at least ${needed} (GRAPH_MIN_WINDOWS)`,
  );
}
