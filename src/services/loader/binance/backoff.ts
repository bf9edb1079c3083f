import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or rejects with the abort reason as soon as `signal` aborts (stop means stop). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(Math.max(0, ms), undefined, { signal });
}

/**
 * Full-jitter exponential backoff: a random wait in [0, min(cap, base·2^attempt)], so many clients
 * retrying at once spread out instead of hammering the server in step.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)));
}
