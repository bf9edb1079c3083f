import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

/**
 * A Go duration ("1s", "100ms", "1m30s", "1.5s") in milliseconds, as the seed's Go service read its
 * KAFKA_MAX_WAIT and friends. "0" is zero; a bare number is refused because its unit would be a guess.
 */
export function parseDuration(name: string, text: string): number {
  const value = text.trim();
  if (value === '0') return 0;
  let total = 0;
  let at = 0;
  PART.lastIndex = 0;
  while (at < value.length) {
    PART.lastIndex = at;
    const match = PART.exec(value);
    if (!match) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    at = PART.lastIndex;
  }
  if (value === '' || at !== value.length || !Number.isFinite(total)) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `${name}="${text}" is invalid: expected a duration such as 100ms, 1s or 1m30s`,
    );
  }
  return Math.round(total);
}
