import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';
import type { QueryResult, SqlClient, SqlExecutor } from '../types.ts';
import { toStoreError } from '../errors.ts';

export interface PostgresClientOptions {
  /** DATABASE_URL, e.g. postgres://user:pass@127.0.0.1:5432/streamforge. */
  connectionString: string;
  /** Pool size; default 10. */
  maxConnections?: number;
  /** Longest to wait for a connection, in ms; default 5000. Wrong hosts fail within it. */
  connectTimeoutMs?: number;
  /** application_name seen in pg_stat_activity; default 'streamforge'. */
  applicationName?: string;
}

/** A connection checked out of the pool, with the error that ended it, if one did. */
interface Checkout {
  readonly client: pg.PoolClient;
  lost: Error | undefined;
  /** Back to the pool; a lost connection (or one `failure` left unusable) is discarded. */
  release(failure?: Error): void;
}

/** PostgreSQL through a pg Pool. */
export class PostgresClient implements SqlClient {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #where: string;

  constructor(options: PostgresClientOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      application_name: options.applicationName ?? 'streamforge',
    });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    this.#pool.on('error', () => undefined);
    this.#where = redactUrl(options.connectionString);
  }

  /** Opens one connection to fail fast, naming the cause (refused, unknown database, bad password). */
  async connect(): Promise<void> {
    await this.query('select 1');
  }

  async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
    try {
      const result = await this.#pool.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw toStoreError(error, this.#where);
    }
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const checkout = await this.#checkout();
    const { client } = checkout;
    const tx: SqlExecutor = {
      query: async <Row>(sql: string, params?: unknown[]) => {
        try {
          const result = await client.query(sql, params);
          return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
        } catch (error) {
          throw this.#storeError(error, checkout);
        }
      },
      copyFrom: (sql, data) => this.#copy(checkout, sql, data),
    };
    let failed: unknown;
    try {
      await client.query('begin');
      const result = await work(tx);
      await client.query('commit');
      return result;
    } catch (error) {
      failed = error;
      await client.query('rollback').catch(() => undefined);
      throw isStore(error) ? error : this.#storeError(error, checkout);
    } finally {
      checkout.release(failed instanceof Error && !isStore(failed) ? failed : undefined);
    }
  }

  /** COPY FROM STDIN on one pooled connection (outside a transaction it is its own). */
  async copyFrom(sql: string, data: string | Uint8Array): Promise<number> {
    const checkout = await this.#checkout();
    try {
      return await this.#copy(checkout, sql, data);
    } finally {
      checkout.release();
    }
  }

  async #copy(checkout: Checkout, sql: string, data: string | Uint8Array): Promise<number> {
    try {
      const stream = checkout.client.query(copyFromStdin(sql));
      await pipeline(Readable.from([data]), stream);
      return Number(stream.rowCount ?? 0);
    } catch (error) {
      throw this.#storeError(error, checkout);
    }
  }

  /**
   * A pooled connection for a transaction or a COPY. The pool listens for a connection's errors only
   * while it is idle: a checked-out one whose server stops mid-statement (57P01, EPIPE) emits 'error'
   * with nobody listening, and that ends the process. The statement in flight fails on its own; the
   * listener keeps the connection's error so that the failure reads as the outage it is and the
   * connection is discarded, not handed out again.
   */
  async #checkout(): Promise<Checkout> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw toStoreError(error, this.#where);
    }
    const checkout: Checkout = {
      client,
      lost: undefined,
      release: (failure?: Error) => {
        client.removeListener('error', keepError);
        client.release(checkout.lost ?? failure);
      },
    };
    const keepError = (error: Error): void => {
      checkout.lost ??= error;
    };
    client.on('error', keepError);
    return checkout;
  }

  /**
   * A statement's failure as a StreamForgeError. When the connection was lost under it, the lost
   * connection is the cause whatever the statement reported (a COPY stream cut mid-write says EPIPE or
   * less): an outage to wait out, never a bad record.
   */
  #storeError(error: unknown, checkout: Checkout): StreamForgeError {
    if (checkout.lost === undefined) return toStoreError(error, this.#where);
    return new StreamForgeError(
      ErrorCodes.STORE_UNAVAILABLE,
      `PostgreSQL at ${this.#where} is unavailable: the connection was lost (${errorMessage(checkout.lost)})`,
      { cause: checkout.lost, canRetry: true },
    );
  }

  async ping(): Promise<boolean> {
    return this.query('select 1').then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function isStore(error: unknown): boolean {
  return error instanceof StreamForgeError && error.code.startsWith('SF_STORE');
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'DATABASE_URL is not a valid URL (postgres://user:pass@host:5432/db)',
    );
  }
}
