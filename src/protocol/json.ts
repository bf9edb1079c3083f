import { ErrorCodes, StreamForgeError } from './errors.ts';
import type { ParseResult } from './parse-result.ts';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

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
    const first = checker.Errors(data).First();
    const where = first?.path ? ` at ${first.path}` : '';
    return invalid(`${what}: ${first?.message ?? 'does not match the schema'}${where}`);
  };
}

function invalid(message: string): { ok: false; error: StreamForgeError } {
  return { ok: false, error: new StreamForgeError(ErrorCodes.INVALID_MESSAGE, message) };
}

/** Drops keys whose value is undefined so the JSON on the wire carries only what was said. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
