import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { BusRecord } from '../../bus/index.ts';
import type { HandlerContext } from '../../consumer/index.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { parseEnvelope, type Envelope } from '../../protocol/geobot/envelope.ts';

/** Metric and dead-letter label of records whose action cannot be trusted: keeps cardinality bounded. */
export const UNKNOWN_ACTION = 'unknown';

/** An action a processor handles: its name in the envelope and the schema of its `payload.data`. */
export interface GeobotAction<S extends TSchema = TSchema> {
  readonly action: string;
  readonly schema: S;
}

export function defineAction<S extends TSchema>(action: string, schema: S): GeobotAction<S> {
  return Object.freeze({ action, schema });
}

/** An envelope as its handler receives it: `payload.data` checked against the action's schema. */
export interface ReceivedEnvelope<Data> extends Envelope {
  readonly payload: Envelope['payload'] & { readonly data: Data };
  /** Where it came from (topic, partition, offset, key, headers). */
  readonly record: BusRecord;
}

/** Handles one envelope (the seed's MessageHandler.process). Throw to retry; see EventHandler. */
export type ActionHandler<A extends GeobotAction> = (
  envelope: ReceivedEnvelope<Static<A['schema']>>,
  context: HandlerContext,
) => Promise<void>;

type Decoded =
  { ok: true; type: string; item: unknown } | { ok: false; type: string; error: StreamForgeError };

interface Entry {
  check: TypeCheck<TSchema>;
  handler: (envelope: ReceivedEnvelope<unknown>, context: HandlerContext) => Promise<void>;
}

/**
 * Seed 003's HandlerFactory in the consumer framework's shape (a record router for EventConsumer):
 * action → typed handler. A record that is not a geobot envelope, or whose data fails its action's
 * schema, is dead-lettered at once with SF_INVALID_MESSAGE; an action nobody registered is
 * dead-lettered at once with SF_UNKNOWN_ACTION (the seed raised ValueError and lost the message).
 */
export class ActionRegistry {
  readonly mode = 'record';
  readonly #entries = new Map<string, Entry>();

  on<A extends GeobotAction>(action: A, handler: ActionHandler<A>): this {
    if (this.#entries.has(action.action)) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        `geobot action "${action.action}" already has a handler`,
      );
    }
    this.#entries.set(action.action, {
      check: TypeCompiler.Compile(action.schema),
      handler: handler,
    });
    return this;
  }

  actions(): string[] {
    return [...this.#entries.keys()];
  }

  decode(record: BusRecord): Decoded {
    const parsed = parseEnvelope(record.value);
    if (!parsed.ok) return { ok: false, type: UNKNOWN_ACTION, error: parsed.error };
    const envelope = parsed.value;
    const entry = this.#entries.get(envelope.action);
    if (!entry) {
      return {
        ok: false,
        type: UNKNOWN_ACTION,
        error: new StreamForgeError(
          ErrorCodes.UNKNOWN_ACTION,
          `unknown action "${envelope.action.slice(0, 100)}" on ${record.topic} (handled: ${this.actions().join(', ')})`,
        ),
      };
    }
    const data = envelope.payload.data;
    if (!entry.check.Check(data)) {
      const first = entry.check.Errors(data).First();
      const where = first?.path ? ` at payload.data${first.path.replaceAll('/', '.')}` : ' (payload.data)';
      return {
        ok: false,
        type: envelope.action,
        error: new StreamForgeError(
          ErrorCodes.INVALID_MESSAGE,
          `${envelope.action}: ${first?.message ?? 'does not match the schema'}${where}`,
        ),
      };
    }
    return { ok: true, type: envelope.action, item: envelope };
  }

  handle(type: string, item: unknown, record: BusRecord, context: HandlerContext): Promise<void> {
    const entry = this.#entries.get(type);
    if (!entry) return Promise.reject(new Error(`no handler for action ${type}`));
    return entry.handler({ ...(item as Envelope), record }, context);
  }
}
