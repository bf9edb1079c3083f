import { recordKey, type MarketRecord } from '../../../protocol/index.ts';
import { migrate, type SqlClient } from '../../../store/index.ts';
import { copyRows } from './copy-rows.ts';
import { collectionCandles, type CandleQuery, type CandleSeries } from './postgres-candles.ts';
import { collectionStats } from './postgres-stats.ts';
import {
  COLLECTION_MIGRATIONS,
  createTableSql,
  quoteIdent,
  stagingSql,
  unnestInsert,
  valuesInsert,
} from './postgres-sql.ts';
import {
  checkCollectionKind,
  checkCollectionName,
  checkCollectionScope,
  lastPerKey,
  type CollectionSink,
  type CollectionSpec,
  type CollectionStats,
} from './sink.ts';

/**
 * How batches are upserted. bench/pipeline/upsert-methods.ts measures the three on the same rows;
 * COPY into a staging table and one merge statement won on PostgreSQL 15 here (see docs/market-data.md),
 * so it is the default where COPY exists; PGlite has no COPY FROM STDIN and uses unnest.
 */
export type UpsertMethod = 'copy' | 'unnest' | 'values';

export interface PostgresSinkOptions {
  /** Default: 'copy' on PostgreSQL, 'unnest' on PGlite. */
  method?: UpsertMethod;
  /** Close the client with the sink; default false (the caller owns it). */
  ownsClient?: boolean;
}

/** Collections as PostgreSQL (or PGlite) tables, one per collection, upserted on the natural key. */
export class PostgresSink implements CollectionSink {
  readonly kind: 'postgres' | 'pglite';
  readonly #client: SqlClient;
  readonly #method: UpsertMethod;
  readonly #ownsClient: boolean;
  readonly #kinds = new Map<string, MarketRecord['kind']>();
  #migrated = false;

  constructor(client: SqlClient, options: PostgresSinkOptions = {}) {
    this.#client = client;
    this.kind = client.kind;
    const fallback = client.kind === 'postgres' ? 'copy' : 'unnest';
    this.#method =
      options.method === 'copy' && client.kind !== 'postgres' ? 'unnest' : (options.method ?? fallback);
    this.#ownsClient = options.ownsClient ?? false;
  }

  get method(): UpsertMethod {
    return this.#method;
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const name = checkCollectionName(spec.name);
    if (!this.#migrated) {
      await migrate(this.#client, COLLECTION_MIGRATIONS);
      this.#migrated = true;
    }
    await this.#client.transaction(async (tx) => {
      // Two connectors creating one collection at once must not race on the catalog or the DDL.
      await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`streamforge_collection:${name}`]);
      const known = await tx.query<{ kind: string; symbol: string | null; interval: string | null }>(
        `select kind, symbol, interval from streamforge_collections where name = $1`,
        [name],
      );
      checkCollectionKind(spec, known.rows[0]?.kind);
      checkCollectionScope(spec, known.rows[0]);
      for (const sql of createTableSql(spec.kind, name)) await tx.query(sql);
      await tx.query(
        `insert into streamforge_collections (name, kind, symbol, interval) values ($1, $2, $3, $4)
         on conflict (name) do nothing`,
        [name, spec.kind, spec.symbol ?? null, spec.interval ?? null],
      );
    });
    this.#kinds.set(name, spec.kind);
  }

  async upsert(collection: string, records: readonly MarketRecord[]): Promise<void> {
    if (records.length === 0) return;
    const kind = this.#kinds.get(collection) ?? records[0]!.kind;
    if (this.#method === 'copy' && this.#client.copyFrom) {
      // New rows (the common case: a first load) go straight in with one COPY; a batch that meets rows
      // already there (a replay after a restart, a corrected record) or repeats a key within itself
      // fails as a whole and pays for the deduplicated staging merge instead.
      try {
        await this.#client.copyFrom(`copy ${quoteIdent(collection)} from stdin`, copyRows(records));
        return;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    const unique = lastPerKey(records, recordKey);
    if (this.#method === 'unnest') {
      const { sql, params } = unnestInsert(kind, collection, unique);
      await this.#client.query(sql, params);
      return;
    }
    if (this.#method === 'values') {
      // PostgreSQL takes at most 65535 parameters per statement.
      const perStatement = Math.floor(65_000 / (kind === 'candle' ? 13 : 9));
      await this.#client.transaction(async (tx) => {
        for (let i = 0; i < unique.length; i += perStatement) {
          const { sql, params } = valuesInsert(kind, collection, unique.slice(i, i + perStatement));
          await tx.query(sql, params);
        }
      });
      return;
    }
    const staging = stagingSql(kind, collection);
    const rows = copyRows(unique);
    await this.#client.transaction(async (tx) => {
      await tx.query(staging.create);
      await tx.copyFrom!(`copy ${staging.table} from stdin`, rows);
      await tx.query(staging.merge);
    });
  }

  stats(collection: string): Promise<CollectionStats> {
    return collectionStats(this.#client, checkCollectionName(collection));
  }

  /** OHLCV bars for a chart, downsampled in the database (GET /collections/{name}/candles). */
  candles(collection: string, query: CandleQuery): Promise<CandleSeries> {
    return collectionCandles(this.#client, checkCollectionName(collection), query);
  }

  ping(): Promise<boolean> {
    return this.#client.ping();
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.#client.close();
  }
}

/** SQLSTATE 23505: the COPY met a row that is already there. */
function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
