import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { BusRecord } from '../bus/index.ts';
import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';
import type { BatchEntry, BatchRefusal, Decoded, HandlerContext, Router } from './router.ts';

/** One validated record of a batch. */
export interface BatchItem<T> {
  readonly value: T;
  readonly record: BusRecord;
}

export interface BatchHandlerSpec<S extends TSchema> {
  /** Label of these records in metrics and dead letters, e.g. 'candles'. */
  name: string;
  /** Each record's JSON value must match it; records that do not are dead-lettered at once. */
  schema: S;
  /**
   * A faster exact reader for the spelling most records come in (e.g. readCanonicalCandle): it must
   * return only values the schema admits, as JSON.parse would build them. Undefined sends the record
   * down the general path, JSON.parse and the schema. Default: none.
   */
  read?: (json: string) => Static<S> | undefined;
  /**
   * Why a record the schema admits still does not belong to this handler (e.g. a candle of another
   * symbol than the collection's), or undefined when it does. A record refused here is dead-lettered
   * at once with SF_FOREIGN_RECORD, like one that fails the schema. Default: every valid record belongs.
   */
  refuse?: (value: Static<S>) => string | undefined;
  /**
   * Handles the valid records of one partition, in offset order: resolve when all are stored, throw
   * otherwise (nothing is committed). A retryable StreamForgeError pauses the partition and retries
   * later; any other error retries with backoff, then the batch is split and only the records that
   * fail on their own are dead-lettered. A sink that learns per record which ones it refused for good
   * (Elasticsearch's bulk API answers per item) resolves with those instead: they are dead-lettered
   * at once (reason invalid) and the others finish, without any retry or split.
   */
  handle(batch: BatchItem<Static<S>>[], context: HandlerContext): Promise<void | readonly BatchRefusal[]>;
}

/** A router for sinks that write many records at once (e.g. a connector upserting a collection). */
export type BatchHandler = Extract<Router, { mode: 'batch' }>;

export function defineBatchHandler<S extends TSchema>(spec: BatchHandlerSpec<S>): BatchHandler {
  const check = TypeCompiler.Compile(spec.schema);
  const invalid = (message: string): Decoded => ({
    ok: false,
    type: spec.name,
    error: new StreamForgeError(ErrorCodes.INVALID_MESSAGE, `${spec.name}: ${message}`),
  });
  return Object.freeze({
    mode: 'batch' as const,
    name: spec.name,
    decode(record: BusRecord): Decoded {
      const decoded = parse(record);
      const refusal = decoded.ok ? spec.refuse?.(decoded.item) : undefined;
      if (refusal === undefined) return decoded;
      return {
        ok: false,
        type: spec.name,
        error: new StreamForgeError(ErrorCodes.FOREIGN_RECORD, `${spec.name}: ${refusal}`),
      };
    },
    handleBatch(items: BatchEntry[], context: HandlerContext): Promise<void | readonly BatchRefusal[]> {
      return spec.handle(
        items.map(({ item, record }) => ({ value: item, record })),
        context,
      );
    },
  });

  function parse(record: BusRecord): Decoded {
    if (record.value === null || record.value.length === 0) return invalid('empty record value');
    const json = record.value.toString('utf8');
    const read = spec.read?.(json);
    if (read !== undefined) return { ok: true, type: spec.name, item: read };
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      return invalid(`not valid JSON (${(error as Error).message})`);
    }
    if (!check.Check(value)) {
      const first = check.Errors(value).First();
      return invalid(
        first ? `${first.message}${first.path ? ` at ${first.path}` : ''}` : 'does not match the schema',
      );
    }
    return { ok: true, type: spec.name, item: value };
  }
}
