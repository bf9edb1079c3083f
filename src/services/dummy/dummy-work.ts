import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { JobProgress, JobWork } from '../../runtime/index.ts';
import type { DummyMetrics } from './dummy-metrics.ts';
import type { DummyOptions } from './options.ts';

/** Simulates a job: loading ticks, then finish, failure, or a ping-triggered exit, whichever comes first. */
export function createDummyWork(options: DummyOptions, metrics: DummyMetrics): JobWork {
  return ({ signal, report, onPing, logger }) =>
    new Promise<JobProgress>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      let written = 0;
      const ticks =
        options.exitAfterSeconds === undefined
          ? undefined
          : Math.floor(options.exitAfterSeconds / options.loadingIntervalSeconds);
      const total = ticks === undefined ? undefined : ticks * options.recordsPerTick;
      const end = (settle: () => void): void => {
        for (const timer of timers) clearTimeout(timer);
        settle();
      };
      const progress = (): JobProgress => ({ records_written: written, records_total: total });

      if (options.simulateLoading) {
        const tick = setInterval(() => {
          written += options.recordsPerTick;
          report({ ...progress(), message: 'loading (simulated)' }).catch((error: unknown) =>
            logger.warn({ err: String(error) }, 'could not publish loading'),
          );
        }, options.loadingIntervalSeconds * 1000);
        timers.push(tick);
      }
      if (options.exitAfterSeconds !== undefined) {
        timers.push(setTimeout(() => end(() => resolve(progress())), options.exitAfterSeconds * 1000));
      }
      if (options.failAfterSeconds !== undefined) {
        const seconds = options.failAfterSeconds;
        const fail = new StreamForgeError(
          ErrorCodes.JOB_FAILED,
          `simulated failure after ${seconds} s (--fail-after)`,
        );
        timers.push(setTimeout(() => end(() => reject(fail)), seconds * 1000));
      }
      onPing(() => {
        metrics.pingReceived();
        if (options.exitOnPing) end(() => resolve({ ...progress(), message: 'exit on ping' }));
      });
      signal.addEventListener('abort', () => end(() => resolve(progress())), { once: true });
    });
}
