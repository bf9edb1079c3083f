import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { QueryResult, SqlClient, SqlExecutor } from '../types.ts';
import { toStoreError } from '../errors.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { PGliteTemplate } from './pglite-template.ts';

export interface PGliteClientOptions {
  /** Directory of the database; created if missing. Undefined: in memory, gone on close. */
  dataDir?: string;
  /**
   * Where to keep a tarball of a freshly initialised database (see PGliteTemplate): a new dataDir is
   * then loaded from it instead of running initdb. Undefined: initdb every time.
   */
  templateDir?: string;
}

/**
 * PostgreSQL's default shared_buffers (128 MB) is memory the WASM heap touches and can never give back:
 * the embedded process would hold it for good once a few queues have gone through. 16 MB keeps an
 * embedded run's working set (a queue's collection, the queue manager's tables) cached and the idle
 * process ~100 MB smaller (bench/embedded-memory).
 */
const SETTINGS = { postgresqlconf: ['shared_buffers=16MB', 'wal_buffers=1MB'] };

/**
 * Postgres in WASM for the embedded mode. One connection, one process: a lock file refuses a second
 * process on the same directory (PGlite itself has none and would corrupt it).
 */
export class PGliteClient implements SqlClient {
  readonly kind = 'pglite';
  readonly #db: PGlite;
  readonly #lock: DataDirLock | undefined;

  private constructor(db: PGlite, lock: DataDirLock | undefined) {
    this.#db = db;
    this.#lock = lock;
  }

  static async open(options: PGliteClientOptions = {}): Promise<PGliteClient> {
    let lock: DataDirLock | undefined;
    if (options.dataDir !== undefined) {
      mkdirSync(options.dataDir, { recursive: true });
      lock = DataDirLock.acquire(options.dataDir);
    }
    try {
      if (options.dataDir === undefined) return new PGliteClient(await PGlite.create(SETTINGS), lock);
      const pgdata = `${options.dataDir}/pgdata`;
      const template =
        options.templateDir !== undefined && !existsSync(pgdata)
          ? new PGliteTemplate(options.templateDir)
          : undefined;
      const tarball = template?.read();
      if (template && tarball) {
        try {
          return new PGliteClient(await PGlite.create(pgdata, { ...SETTINGS, loadDataDir: tarball }), lock);
        } catch {
          // A damaged template (a full disk, another PGlite's): forget it, and run initdb after all.
          template.discard();
          rmSync(pgdata, { recursive: true, force: true });
        }
      }
      const db = await PGlite.create(pgdata, SETTINGS);
      if (template) await template.save(db);
      return new PGliteClient(db, lock);
    } catch (error) {
      lock?.release();
      throw toStoreError(error, options.dataDir ?? 'memory');
    }
  }

  async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
    return run(this.#db, sql, params);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params) }));
  }

  ping(): Promise<boolean> {
    return Promise.resolve(!this.#db.closed);
  }

  async close(): Promise<void> {
    if (!this.#db.closed) await this.#db.close();
    this.#lock?.release();
  }
}

interface PGliteLike {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows: unknown[]; affectedRows?: number }[]>;
}

async function run<Row>(db: PGliteLike, sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
  try {
    // Without parameters, the simple protocol, as pg uses: several statements in one string work
    // (migrations); the last statement's result is the answer.
    const result =
      params === undefined || params.length === 0
        ? (((await db.exec(sql)).at(-1) as { rows: Row[]; affectedRows?: number } | undefined) ?? {
            rows: [],
          })
        : await db.query<Row>(sql, params);
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
  } catch (error) {
    throw toStoreError(error, 'pglite');
  }
}
