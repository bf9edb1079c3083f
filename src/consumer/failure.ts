import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';

/**
 * What a failure means for the record:
 * - invalid: the record itself is wrong (parse, schema, or a handler saying so): dead-letter at once;
 * - unavailable: a dependency is down (a StreamForgeError with canRetry, e.g. SF_STORE_UNAVAILABLE):
 *   the record is fine, so the partition waits and retries; nothing is dead-lettered or committed past it;
 * - handler: anything else: retry with backoff, then dead-letter.
 */
export type FailureKind = 'invalid' | 'unavailable' | 'handler';

export function classifyFailure(error: unknown): FailureKind {
  // A handler may wrap a store error in its own; any retryable link of the cause chain counts.
  for (let e: unknown = error, depth = 0; e !== null && e !== undefined && depth < 8; depth += 1) {
    if ((e as { canRetry?: unknown }).canRetry === true) return 'unavailable';
    e = (e as { cause?: unknown }).cause;
  }
  if (error instanceof StreamForgeError && error.code === ErrorCodes.INVALID_MESSAGE) return 'invalid';
  return 'handler';
}

/**
 * Delay before retry `attempt` (1-based): baseMs doubled per attempt, capped at maxMs, plus up to 50 %
 * jitter so that consumers failing together do not retry together.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential + (exponential / 2) * random());
}

/** Waits `ms`; resolves false at once if `signal` aborts (the caller then gives up the retry). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
