/** Rows of a query and how many rows it touched (inserted, updated, deleted or returned). */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Runs SQL with $1, $2… parameters. Both PostgreSQL and PGlite speak the same dialect. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /**
   * `COPY … FROM STDIN` with `data` in COPY text format; resolves to the rows copied. Only PostgreSQL
   * offers it (PGlite has no COPY FROM STDIN): callers check for it and fall back to INSERT.
   */
  copyFrom?(sql: string, data: string | Uint8Array): Promise<number>;
}

/** The SQL seam: PostgreSQL (pg) in production, PGlite (Postgres in WASM) when embedded. */
export interface SqlClient extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it rejects. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Resolves when a trivial query answers; used by readiness probes. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One schema change, applied once, in id order. */
export interface Migration {
  /** Unique and sortable, e.g. '0001_queues'. Never renamed once released. */
  id: string;
  sql: string;
}
