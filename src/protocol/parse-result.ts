import type { StreamForgeError } from './errors.ts';

/** Parsers on the wire never throw: a bad message is a value the caller logs, counts and skips. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: StreamForgeError };
