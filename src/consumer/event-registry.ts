import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { BusRecord } from '../bus/index.ts';
import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';
import { EnvelopeSchema, type ConsumedEvent, type EventHandler, type EventType } from './events.ts';
import type { BatchHandler } from './batch-handler.ts';
import type { Decoded, HandlerContext, Router } from './router.ts';

interface Entry {
  check: TypeCheck<TSchema>;
  handler: (event: ConsumedEvent<unknown>, context: HandlerContext) => Promise<void>;
}

const envelope = TypeCompiler.Compile(EnvelopeSchema);

/** Label for records whose type cannot be trusted (bad JSON, unknown type): keeps metric cardinality bounded. */
export const UNKNOWN_TYPE = 'unknown';

/**
 * Handlers by event type (step 3 of adding an event type is `registry.on(Type, handler)`). Records are
 * JSON envelopes (seed 002); a record that is not JSON, lacks an envelope field, names a type nobody
 * registered or whose data fails the type's schema is invalid: it is dead-lettered at once.
 */
export class EventRegistry implements Extract<Router, { mode: 'record' }> {
  readonly mode = 'record';
  readonly #entries = new Map<string, Entry>();

  on<E extends EventType>(event: E, handler: EventHandler<E>): this {
    if (this.#entries.has(event.type)) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        `event type "${event.type}" already has a handler`,
      );
    }
    this.#entries.set(event.type, {
      check: TypeCompiler.Compile(event.schema),
      handler: handler,
    });
    return this;
  }

  types(): string[] {
    return [...this.#entries.keys()];
  }

  decode(record: BusRecord): Decoded {
    if (record.value === null || record.value.length === 0)
      return invalid(UNKNOWN_TYPE, 'empty record value');
    let value: unknown;
    try {
      value = JSON.parse(record.value.toString('utf8'));
    } catch (error) {
      return invalid(UNKNOWN_TYPE, `not valid JSON (${(error as Error).message})`);
    }
    if (!envelope.Check(value))
      return invalid(UNKNOWN_TYPE, `not an event envelope: ${firstError(envelope, value)}`);
    const entry = this.#entries.get(value.type);
    if (!entry) {
      return invalid(
        UNKNOWN_TYPE,
        `unknown event type "${value.type}" (handled: ${this.types().join(', ')})`,
      );
    }
    if (!entry.check.Check(value.data)) {
      return invalid(value.type, `${value.type}: data ${firstError(entry.check, value.data)}`);
    }
    return { ok: true, type: value.type, item: value };
  }

  /**
   * The same handlers, but a partition's valid events run one after another inside one unit of work
   * (typically a database transaction: one commit per batch instead of one per event). If the unit
   * fails, the batch is retried, then split so that only the events that fail alone are dead-lettered.
   */
  batched(unitOfWork: (work: () => Promise<void>) => Promise<void>): BatchHandler {
    return Object.freeze({
      mode: 'batch' as const,
      name: 'batch',
      decode: (record: BusRecord) => this.decode(record),
      handleBatch: (items, context) =>
        unitOfWork(async () => {
          for (const { type, item, record } of items) await this.handle(type, item, record, context);
        }),
    });
  }

  handle(type: string, item: unknown, record: BusRecord, context: HandlerContext): Promise<void> {
    const entry = this.#entries.get(type);
    if (!entry) return Promise.reject(new Error(`no handler for ${type}`));
    return entry.handler({ ...(item as ConsumedEvent<unknown>), record }, context);
  }
}

function firstError(check: TypeCheck<TSchema>, value: unknown): string {
  const first = check.Errors(value).First();
  return first ? `${first.message}${first.path ? ` at ${first.path}` : ''}` : 'does not match the schema';
}

function invalid(type: string, message: string): Decoded {
  return { ok: false, type, error: new StreamForgeError(ErrorCodes.INVALID_MESSAGE, message) };
}

/** What a handler throws for an event that is well-formed but can never be handled: dead-lettered, not retried. */
export function invalidEvent(message: string): StreamForgeError {
  return new StreamForgeError(ErrorCodes.INVALID_MESSAGE, message);
}
