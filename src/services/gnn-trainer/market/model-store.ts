// Saved models in the store: one table per `model_output` collection, one row per training run (the model
// as JSON plus the columns a reader looks models up by), and a line in the registry `streamforge_models`
// so a reader that knows only a graph (realtime_gnn_infer has no model_output) can find one. Creating the
// tables and inserting both rows happen in one transaction: a failed save leaves nothing half-written.
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

/** Every saved model: where it is and what it can score (symbol, interval, feature list). */
export const MODEL_REGISTRY = 'streamforge_models';

const CREATE_REGISTRY = `create table if not exists ${MODEL_REGISTRY} (
    model_output text not null,
    id bigint not null,
    graph_collection text not null,
    symbol text not null,
    interval text not null,
    feature_list text not null,
    trained_at timestamptz not null,
    primary key (model_output, id)
  )`;

/**
 * Creates the registry once. Outside the save's transaction, and tolerant of a concurrent creator: two
 * `create table if not exists` racing on a fresh database can fail one with a duplicate (23505 / 42P07).
 */
async function ensureRegistry(sql: SqlClient): Promise<void> {
  try {
    await sql.query(CREATE_REGISTRY);
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (code !== '23505' && code !== '42P07') throw error;
  }
}

/** Saves `model` into `modelOutput` and the registry; resolves to the row id. */
export async function saveModel(sql: SqlClient, modelOutput: string, model: SavedGcnModel): Promise<number> {
  await ensureRegistry(sql);
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
    const id = Number(rows[0]!.id);
    await tx.query(
      `insert into ${MODEL_REGISTRY} (model_output, id, graph_collection, symbol, interval, feature_list, trained_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        modelOutput,
        id,
        model.graphCollection,
        model.symbol,
        model.interval,
        featureList(model.featureNames),
        model.trainedAt,
      ],
    );
    return id;
  });
}

function featureList(names: readonly string[]): string {
  return names.join(',');
}

/** What a graph offers a model: enough to find one that can score it. */
export interface ModelQuery {
  readonly graphCollection: string;
  readonly symbol: string;
  readonly interval: string;
  readonly featureNames: readonly string[];
}

/**
 * The model to score `query`'s graph with, without knowing its model_output: the newest trained on this
 * graph; else the newest trained on any graph of the same symbol, interval and feature list (a realtime
 * graph is scored by the model of a historical one). SF_NOT_FOUND when there is none.
 */
export async function findLatestModel(sql: SqlExecutor, query: ModelQuery): Promise<SavedGcnModel> {
  const registered = await sql.query<{ found: string | null }>(`select to_regclass($1) as found`, [
    MODEL_REGISTRY,
  ]);
  const notFound = new StreamForgeError(
    ErrorCodes.NOT_FOUND,
    `no model for graph ${query.graphCollection}, nor for ${query.symbol} ${query.interval} with features ` +
      `[${query.featureNames.join(', ')}]: run gnn_train first`,
  );
  if (!registered.rows[0]?.found) throw notFound;
  const { rows } = await sql.query<{ model_output: string; id: string }>(
    `select model_output, id from ${MODEL_REGISTRY}
      where graph_collection = $1 or (symbol = $2 and interval = $3 and feature_list = $4)
      order by (graph_collection = $1) desc, trained_at desc, id desc limit 1`,
    [query.graphCollection, query.symbol, query.interval, featureList(query.featureNames)],
  );
  const row = rows[0];
  if (!row) throw notFound;
  const found = await sql.query<{ model: SavedGcnModel | string }>(
    `select model from ${quoteIdent(row.model_output)} where id = $1`,
    [row.id],
  );
  if (!found.rows[0]) throw notFound;
  return parseModel(found.rows[0].model, row.model_output);
}

function parseModel(stored: SavedGcnModel | string, modelOutput: string): SavedGcnModel {
  const model = typeof stored === 'string' ? (JSON.parse(stored) as SavedGcnModel) : stored;
  if (model.format !== 'streamforge-gcn/1') {
    throw new StreamForgeError(
      ErrorCodes.MODEL_MISMATCH,
      `model in ${modelOutput} has format ${String(model.format)}`,
    );
  }
  return model;
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
