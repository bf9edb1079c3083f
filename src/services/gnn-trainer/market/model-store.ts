// Saved models in the store: one table per `model_output` collection, one row per training run (the model
// as JSON plus the columns a reader looks models up by). Creating the table and inserting the row happen
// in one transaction, so a failed save leaves neither a half-made table nor a half-written model.
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import type { SqlClient, SqlExecutor } from '../../../store/index.ts';
import type { SavedGcnModel } from './saved-model.ts';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function createTableSql(modelOutput: string): string {
  return `create table if not exists ${quoteIdent(modelOutput)} (
    id bigserial primary key,
    graph_collection text not null,
    symbol text not null,
    interval text not null,
    data_from timestamptz not null,
    data_to timestamptz not null,
    test_accuracy double precision,
    trained_at timestamptz not null,
    model jsonb not null
  )`;
}

/** Saves `model` into `modelOutput`; resolves to the row id. */
export async function saveModel(sql: SqlClient, modelOutput: string, model: SavedGcnModel): Promise<number> {
  return sql.transaction(async (tx) => {
    await tx.query(createTableSql(modelOutput));
    const { rows } = await tx.query<{ id: string }>(
      `insert into ${quoteIdent(modelOutput)}
        (graph_collection, symbol, interval, data_from, data_to, test_accuracy, trained_at, model)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) returning id`,
      [
        model.graphCollection,
        model.symbol,
        model.interval,
        model.dataRange.from,
        model.dataRange.to,
        Number.isFinite(model.metrics.test.accuracy) ? model.metrics.test.accuracy : null,
        model.trainedAt,
        JSON.stringify(model),
      ],
    );
    return Number(rows[0]!.id);
  });
}

/** The newest model trained on `graphCollection` in `modelOutput`; SF_NOT_FOUND when there is none. */
export async function loadLatestModel(
  sql: SqlExecutor,
  modelOutput: string,
  graphCollection: string,
): Promise<SavedGcnModel> {
  const exists = await sql.query<{ found: string | null }>(`select to_regclass($1) as found`, [
    quoteIdent(modelOutput),
  ]);
  const notFound = (): StreamForgeError =>
    new StreamForgeError(
      ErrorCodes.NOT_FOUND,
      `no model for graph ${graphCollection} in ${modelOutput}: run gnn_train on it first`,
    );
  if (!exists.rows[0]?.found) throw notFound();
  const { rows } = await sql.query<{ model: SavedGcnModel | string }>(
    `select model from ${quoteIdent(modelOutput)} where graph_collection = $1 order by trained_at desc, id desc limit 1`,
    [graphCollection],
  );
  const row = rows[0];
  if (!row) throw notFound();
  const model = typeof row.model === 'string' ? (JSON.parse(row.model) as SavedGcnModel) : row.model;
  if (model.format !== 'streamforge-gcn/1') {
    throw new StreamForgeError(
      ErrorCodes.MODEL_MISMATCH,
      `model in ${modelOutput} has format ${String(model.format)}`,
    );
  }
  return model;
}
