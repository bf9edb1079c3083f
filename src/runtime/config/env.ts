import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';

/** The environment as a plain record: read once at the entry point, passed down, never re-read. */
export type Env = Readonly<Record<string, string | undefined>>;

function invalid(name: string, value: string, expected: string): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `${name}="${value}" is invalid: expected ${expected}`,
  );
}

/** A non-empty value, or the fallback. Empty strings count as unset, as shells tend to pass them. */
export function readString(env: Env, name: string, fallback: string): string;
export function readString(env: Env, name: string): string | undefined;
export function readString(env: Env, name: string, fallback?: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

export function requireString(env: Env, name: string, hint: string): string {
  const value = readString(env, name);
  if (value === undefined) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `${name} is not set: ${hint}`);
  }
  return value;
}

export function readInteger(env: Env, name: string, fallback: number, min = 0): number {
  const value = readString(env, name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw invalid(name, value, `an integer ≥ ${min}`);
  return number;
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = readString(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw invalid(name, value, 'true or false');
}

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = readString(env, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value))
    throw invalid(name, value, `one of ${choices.join(', ')}`);
  return value as T;
}
