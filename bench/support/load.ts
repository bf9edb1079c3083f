// The machine's load average: a benchmark on a busy shared machine measures the neighbours. Benches
// refuse to start above one runnable task per core (unless forced) and print the load next to each figure.
import { availableParallelism, loadavg } from 'node:os';

/** "1-min/5-min/15-min" load averages, e.g. "0.42/0.61/0.70". */
export function loadNow(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join('/');
}

/** Exits with a message when the 1-minute load average is above the core count and `force` is not set. */
export function refuseWhenBusy(force: boolean): void {
  const [oneMinute = 0] = loadavg();
  const cores = availableParallelism();
  if (oneMinute <= cores) return;
  if (force) {
    console.error(
      `# WARNING: load average ${loadNow()} is above the ${cores} cores; running anyway (--force): the figures are not comparable`,
    );
    return;
  }
  console.error(
    `the machine is busy: 1-minute load average ${oneMinute.toFixed(2)} is above its ${cores} cores, so the figures ` +
      `would measure the neighbours. Wait for a quiet machine, or pass --force to run anyway.`,
  );
  process.exit(3);
}
