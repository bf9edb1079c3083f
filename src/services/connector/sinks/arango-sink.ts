import { Database } from 'arangojs';
import {
  ErrorCodes,
  StreamForgeError,
  errorMessage,
  recordKey,
  type MarketRecord,
} from '../../../protocol/index.ts';
import type { ArangoOptions } from '../options.ts';
import { arangoCollectionStats, KIND_AQL, type AqlRunner } from './arango-stats.ts';
import {
  checkCollectionKind,
  checkCollectionName,
  lastPerKey,
  type CollectionSink,
  type CollectionSpec,
  type CollectionStats,
} from './sink.ts';

const DATABASE_NOT_FOUND = 1228;
const DUPLICATE_NAME = 1207;
const COLLECTION_NOT_FOUND = 1203;

interface DocumentResult {
  error?: boolean;
  errorNum?: number;
  errorMessage?: string;
}

/**
 * Collections in ArangoDB (the seed's storage) through arangojs: one document collection per
 * collection, `_key` = the natural key, written with overwriteMode "replace" so a replay is an upsert.
 * Stats (count, coverage, gaps) are computed in the database with AQL (arango-stats.ts).
 */
export class ArangoSink implements CollectionSink {
  readonly kind = 'arango';
  readonly #options: ArangoOptions;
  readonly #db: Database;
  readonly #kinds = new Map<string, MarketRecord['kind']>();

  /** Runs one AQL statement and reads every batch of its cursor. */
  readonly #aql: AqlRunner = <T>(action: string, query: string, bindVars: Record<string, unknown>) =>
    this.#run(action, async () => (await this.#db.query<T>(query, bindVars)).all());

  constructor(options: ArangoOptions) {
    this.#options = options;
    this.#db = new Database({
      url: options.url,
      databaseName: options.database,
      auth: { username: options.user, password: options.password },
    });
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const name = checkCollectionName(spec.name);
    await this.#run('open the database', async () => {
      if (this.#options.database !== '_system' && !(await this.#db.exists())) {
        const system = new Database({
          url: this.#options.url,
          auth: { username: this.#options.user, password: this.#options.password },
        });
        await system.createDatabase(this.#options.database).catch((error: unknown) => {
          if ((error as { errorNum?: number }).errorNum !== DUPLICATE_NAME) throw error;
        });
      }
      const collection = this.#db.collection(name);
      if (!(await collection.exists())) {
        await this.#db.createCollection(name).catch((error: unknown) => {
          if ((error as { errorNum?: number }).errorNum !== DUPLICATE_NAME) throw error;
        });
      }
    });
    // ArangoDB has no catalog of kinds (PostgreSQL has streamforge_collections): the documents say.
    const [existing] = await this.#aql<MarketRecord['kind']>(`read the kind of ${name}`, KIND_AQL, {
      '@collection': name,
    });
    checkCollectionKind(spec, existing);
    this.#kinds.set(name, spec.kind);
  }

  async upsert(collection: string, records: readonly MarketRecord[]): Promise<void> {
    if (records.length === 0) return;
    const documents = lastPerKey(records, recordKey).map((r) => ({ _key: recordKey(r), ...r }));
    const results = await this.#run(`write ${documents.length} documents to ${collection}`, () =>
      this.#db.collection(collection).saveAll(documents, { overwriteMode: 'replace' }),
    );
    const failed = (results as DocumentResult[]).find((r) => r.error === true);
    if (failed) {
      throw new StreamForgeError(
        ErrorCodes.STORE_QUERY_FAILED,
        `ArangoDB rejected a document of ${collection}: ${failed.errorNum ?? ''} ${failed.errorMessage ?? 'error'}`,
      );
    }
  }

  async stats(collection: string): Promise<CollectionStats> {
    const name = checkCollectionName(collection);
    try {
      return await arangoCollectionStats(this.#aql, name, this.#kinds.get(name));
    } catch (error) {
      const errorNum = (error as { cause?: { errorNum?: unknown } }).cause?.errorNum;
      if (errorNum !== COLLECTION_NOT_FOUND) throw error;
      throw new StreamForgeError(
        ErrorCodes.NOT_FOUND,
        `no collection named "${name}" in ArangoDB database ${this.#options.database}: check the name (lower case) and ARANGO_DB`,
        { cause: error },
      );
    }
  }

  ping(): Promise<boolean> {
    return this.#db.version().then(
      () => true,
      () => false,
    );
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  /** ArangoDB's answers as StreamForgeErrors: no answer or 5xx is an outage (retry), the rest is not. */
  async #run<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof StreamForgeError) throw error;
      const status = (error as { code?: unknown }).code;
      const errorNum = (error as { errorNum?: unknown }).errorNum;
      const httpStatus = typeof status === 'number' ? status : undefined;
      const outage = httpStatus === undefined ? errorNum === undefined : httpStatus >= 500;
      if (errorNum === DATABASE_NOT_FOUND) {
        throw new StreamForgeError(
          ErrorCodes.STORE_UNAVAILABLE,
          `ArangoDB database ${this.#options.database} does not exist: create it or fix ARANGO_DB`,
          { cause: error },
        );
      }
      throw new StreamForgeError(
        outage ? ErrorCodes.STORE_UNAVAILABLE : ErrorCodes.STORE_QUERY_FAILED,
        `ArangoDB at ${this.#options.url} could not ${action}: ${errorMessage(error)}`,
        { cause: error, canRetry: outage },
      );
    }
  }
}
