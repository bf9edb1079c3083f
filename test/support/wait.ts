import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** How far a count must get: some progress (`atLeast`), or everything and nothing more (`exactly`). */
export type CountTarget = { atLeast: number } | { exactly: number };

/**
 * Polls `count` (rows stored, events processed…) until it reaches `target`, and returns it; on timeout
 * the error names the last count seen, which tells a stall from a near miss.
 */
export async function waitForCount(
  what: string,
  count: () => Promise<number>,
  target: CountTarget,
  timeoutMs = 15_000,
): Promise<number> {
  let last: number | undefined;
  const reached = (n: number): boolean => ('exactly' in target ? n === target.exactly : n >= target.atLeast);
  try {
    return await waitFor(
      what,
      async () => {
        last = await count();
        return reached(last) && last;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last count: ${last})`, { cause: error });
  }
}
