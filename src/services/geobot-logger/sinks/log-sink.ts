import type { LogDocument } from '../log-document.ts';

/** A document a sink refused for good (it will never be accepted as it is): dead-lettered by the caller. */
export interface RefusedDocument {
  readonly id: string;
  readonly error: Error;
}

/**
 * Where the logger stores documents: Elasticsearch (distributed) or a PostgreSQL table (embedded mode,
 * or no Elasticsearch). Writes are idempotent by document id.
 */
export interface LogSink {
  readonly kind: 'elasticsearch' | 'postgres';
  /** Creates the index or table when missing. Throws a retryable error while the backend is away. */
  prepare(): Promise<void>;
  /**
   * Stores the documents; resolves with those refused for good once every other one is stored.
   * Throws a retryable StreamForgeError (the partition pauses) while any document could not be
   * stored for a transient reason: the caller writes the whole batch again later.
   */
  write(documents: readonly LogDocument[], signal?: AbortSignal): Promise<RefusedDocument[]>;
  /** Readiness: the backend answers now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
