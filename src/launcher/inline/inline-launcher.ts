import type { Bus } from '../../bus/index.ts';
import { errorMessage } from '../../protocol/index.ts';
import { readJobConfig, runJobService, type Logger } from '../../runtime/index.ts';
import { recipeFor, type JobCatalog } from '../job-catalog.ts';
import { jobEnvironment } from '../job-env.ts';
import type { JobExit, JobHandle, JobLauncher, JobObservation, JobSpec, LaunchResult } from '../types.ts';

export interface InlineLauncherOptions {
  /** The bus the manager uses; jobs share it (the embedded mode's MemoryBus). */
  bus: Bus;
  catalog: JobCatalog;
  /** Parent logger; each job logs through a child with its queue_id and telemetry_id. */
  logger: Logger;
  /** How long a job's work may take to end once told to stop, in ms; default 5000. */
  stopGraceMs?: number;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
  attempt: number;
}

/**
 * Runs each job as an in-process task through runJobService on the shared bus: the embedded mode's
 * launcher. Terminate aborts the task (there is nothing to kill); jobs end with the process, so after
 * a restart none of them is found.
 */
export class InlineLauncher implements JobLauncher {
  readonly kind = 'inline';
  readonly idempotent = false;
  readonly #options: InlineLauncherOptions;
  readonly #running = new Map<string, Running>();
  readonly #listeners: ((exit: JobExit) => void)[] = [];

  constructor(options: InlineLauncherOptions) {
    this.#options = options;
  }

  // async only so that a rejected target rejects: nothing here awaits.
  // eslint-disable-next-line @typescript-eslint/require-await
  async launch(spec: JobSpec): Promise<LaunchResult> {
    const ref = refOf(spec);
    if (this.#running.has(ref)) return { ref, adopted: true };
    const recipe = recipeFor(this.#options.catalog, spec.target);
    // The job reads its environment like any other job, minus Kafka: it shares the manager's bus.
    const env = { ...jobEnvironment(spec), KAFKA_BOOTSTRAP_SERVERS: '', KAFKA_BROKER_LIST: '' };
    const config = readJobConfig(env, recipe.service, 0);
    const abort = new AbortController();
    const logger = this.#options.logger.child({ queue_id: spec.queueId, telemetry_id: spec.telemetryId });
    const done = runJobService({
      service: recipe.service,
      config,
      work: recipe.work(spec),
      bus: this.#options.bus,
      logger,
      http: false,
      handleSignals: false,
      signal: abort.signal,
      stopGraceMs: this.#options.stopGraceMs ?? 5000,
    }).then(
      (outcome) => this.#exited(ref, spec, outcome.exitCode, outcome.error ?? outcome.state),
      (error: unknown) => this.#exited(ref, spec, 1, errorMessage(error)),
    );
    this.#running.set(ref, { abort, done, attempt: spec.attempt });
    return { ref, adopted: false };
  }

  terminate(job: JobHandle): Promise<void> {
    const running = this.#running.get(job.ref ?? refOf(job));
    running?.abort.abort(new Error('terminated'));
    return running ? running.done : Promise.resolve();
  }

  inspect(jobs: readonly JobHandle[]): Promise<Map<string, JobObservation>> {
    const seen = new Map<string, JobObservation>();
    for (const job of jobs) {
      seen.set(
        job.telemetryId,
        this.#running.has(job.ref ?? refOf(job)) ? { state: 'running' } : { state: 'absent' },
      );
    }
    return Promise.resolve(seen);
  }

  onExit(listener: (exit: JobExit) => void): void {
    this.#listeners.push(listener);
  }

  /** Stops every job as a stop command would (each publishes `interrupted`) and waits for them. */
  async close(): Promise<void> {
    const running = [...this.#running.values()];
    for (const job of running) job.abort.abort(new Error('the embedded queue manager is shutting down'));
    await Promise.all(running.map((job) => job.done));
  }

  /** Jobs still running in this process. */
  get running(): number {
    return this.#running.size;
  }

  #exited(ref: string, spec: JobSpec, exitCode: number, reason: string): void {
    this.#running.delete(ref);
    for (const listener of this.#listeners) {
      listener({ telemetryId: spec.telemetryId, attempt: spec.attempt, exitCode, reason });
    }
  }
}

function refOf(job: { telemetryId: string; attempt: number }): string {
  return `inline:${job.telemetryId}:${job.attempt}`;
}
