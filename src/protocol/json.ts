import { ErrorCodes, StreamForgeError } from './errors.ts';
import type { ParseResult } from './parse-result.ts';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';

/** Bytes (or a string) to a value that matches `schema`; unknown fields are kept and ignored. */
export function createJsonParser<S extends TSchema>(schema: S, what: string) {
  const checker = TypeCompiler.Compile(schema);
  return function parse(input: Uint8Array | string | null | undefined): ParseResult<Static<S>> {
    if (input === null || input === undefined) return invalid(`${what}: empty message`);
    let data: unknown;
    try {
      data = JSON.parse(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
    } catch (error) {
      return invalid(`${what}: not valid JSON (${(error as Error).message})`);
    }
    if (checker.Check(data)) return { ok: true, value: data };
    const first = closest(checker.Errors(data).First());
    const where = first?.path ? ` at ${first.path}` : '';
    return invalid(`${what}: ${first?.message ?? 'does not match the schema'}${where}`);
  };
}

/**
 * A union's own error says only "Expected union value"; the error that helps is the one of the variant
 * the value came closest to (fewest errors): `trades` too large in what is otherwise a candle.
 */
function closest(error: ValueError | undefined): ValueError | undefined {
  if (!error || error.errors.length === 0) return error;
  const variants = error.errors.map((iterator) => [...iterator]);
  const nearest = variants.reduce((best, next) => (next.length < best.length ? next : best));
  return nearest[0] ? closest(nearest[0]) : error;
}

function invalid(message: string): { ok: false; error: StreamForgeError } {
  return { ok: false, error: new StreamForgeError(ErrorCodes.INVALID_MESSAGE, message) };
}

/** Drops keys whose value is undefined so the JSON on the wire carries only what was said. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
