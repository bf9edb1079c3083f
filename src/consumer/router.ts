import type { BusRecord } from '../bus/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { StreamForgeError } from '../protocol/index.ts';

/** What a handler is told besides the event itself. */
export interface HandlerContext {
  /** Aborted when stop() gives up waiting (shutdown timeout): end quickly, the record is redelivered. */
  readonly signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry… */
  readonly attempt: number;
  readonly logger: Logger;
}

/** A record decoded for a router: its type (for metrics and dispatch) and the validated payload. */
export type Decoded =
  { ok: true; type: string; item: unknown } | { ok: false; type: string; error: StreamForgeError };

/** A valid record of a batch with its decoded type and payload. */
export interface BatchEntry {
  type: string;
  item: unknown;
  record: BusRecord;
}

/**
 * A record of a batch that the sink refused for good (e.g. Elasticsearch rejected the document's
 * mapping): it is dead-lettered with `error`, and the rest of the batch counts as handled.
 */
export interface BatchRefusal {
  record: BusRecord;
  error: unknown;
}

/**
 * How records become handled work: `EventRegistry` (one handler per event type, one record at a time),
 * `EventRegistry.batched` (the same handlers, a partition's batch in one unit of work) and
 * `defineBatchHandler` (one handler for a partition's whole batch).
 */
export type Router =
  | {
      readonly mode: 'record';
      decode(record: BusRecord): Decoded;
      handle(type: string, item: unknown, record: BusRecord, context: HandlerContext): Promise<void>;
    }
  | {
      readonly mode: 'batch';
      /** The label of the batch's records in metrics and dead letters. */
      readonly name: string;
      decode(record: BusRecord): Decoded;
      /** Resolves when stored; may resolve with the records refused for good (dead-lettered, not retried). */
      handleBatch(items: BatchEntry[], context: HandlerContext): Promise<void | readonly BatchRefusal[]>;
    };
