// Predictions of realtime_gnn_infer in the store: one table per predictions collection, one row per
// scored window (upserted on the graph and the window, so scoring a window again replaces its row).
import type { SqlClient } from '../../../store/index.ts';
import { quoteIdent } from './model-store.ts';

export interface PredictionRecord {
  readonly graph_collection: string;
  readonly symbol: string;
  readonly interval: string;
  /** The scored window's open time, ISO 8601; the prediction is about the window after it. */
  readonly open_time: string;
  readonly direction: string;
  readonly p_down: number;
  readonly p_flat: number;
  readonly p_up: number;
  /** trainedAt of the model that scored it. */
  readonly model_trained_at: string;
  readonly scored_at: string;
}

/** Upserts `records` into `collection` in one transaction (the table is created on first use). */
export async function writePredictions(
  sql: SqlClient,
  collection: string,
  records: readonly PredictionRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const table = quoteIdent(collection);
  await sql.transaction(async (tx) => {
    await tx.query(`create table if not exists ${table} (
      graph_collection text not null,
      symbol text not null,
      interval text not null,
      open_time timestamptz not null,
      direction text not null,
      p_down double precision not null,
      p_flat double precision not null,
      p_up double precision not null,
      model_trained_at timestamptz not null,
      scored_at timestamptz not null,
      primary key (graph_collection, open_time)
    )`);
    const columns = [
      'graph_collection',
      'symbol',
      'interval',
      'open_time',
      'direction',
      'p_down',
      'p_flat',
      'p_up',
      'model_trained_at',
      'scored_at',
    ] as const;
    const updates = columns.slice(2).map((c) => `${c} = excluded.${c}`);
    // PostgreSQL takes at most 65535 parameters per statement: 1000 rows × 10 columns at a time.
    for (let from = 0; from < records.length; from += 1000) {
      const params: unknown[] = [];
      const rows = records.slice(from, from + 1000).map((record) => {
        const placeholders = columns.map((column) => {
          params.push(record[column]);
          return `$${params.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      await tx.query(
        `insert into ${table} (${columns.join(', ')}) values ${rows.join(', ')}
         on conflict (graph_collection, open_time) do update set ${updates.join(', ')}`,
        params,
      );
    }
  });
}
