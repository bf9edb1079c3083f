import type { Bus } from '../../../src/bus/index.ts';
import {
  InlineLauncher,
  type JobCatalog,
  type JobExit,
  type JobHandle,
  type JobLauncher,
  type JobObservation,
  type JobSpec,
  type LaunchResult,
  type SimulationOptions,
} from '../../../src/launcher/index.ts';
import { TelemetryPublisher, createLogger } from '../../../src/runtime/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import { dummyRecipe } from '../../../src/services/job-recipes/dummy-recipe.ts';
import { loaderDefinition } from '../../../src/services/loader/definition.ts';

/**
 * The default catalogue, except that a loader-producer request with `fail_first: true` fails its first
 * attempt after 0.3 s (dummy-service --fail-after) and succeeds on a retry.
 */
export function failFirstCatalog(simulation: SimulationOptions): JobCatalog {
  return createJobCatalog({
    simulation,
    overrides: {
      'loader-producer': dummyRecipe(loaderDefinition, (spec, streaming) => ({
        loadingIntervalSeconds: simulation.loadingIntervalSeconds,
        recordsPerTick: simulation.recordsPerTick,
        exitAfterSeconds: streaming ? undefined : simulation.jobSeconds,
        failAfterSeconds: spec.params.fail_first === true && spec.attempt === 1 ? 0.3 : undefined,
      })),
    },
  });
}

/**
 * The inline launcher, plus jobs that go silent: a request with `silent: true` publishes `started`
 * and then nothing, not even pongs (a hung pod). Records what it was asked to terminate.
 */
export class SilentAwareLauncher implements JobLauncher {
  readonly kind = 'inline';
  readonly idempotent = false;
  readonly inner: InlineLauncher;
  readonly terminated: string[] = [];
  readonly launched: string[] = [];
  readonly #bus: Bus;

  constructor(bus: Bus, catalog: JobCatalog) {
    this.#bus = bus;
    this.inner = new InlineLauncher({
      bus,
      catalog,
      logger: createLogger({ service: 'job', level: 'silent' }),
      stopGraceMs: 1000,
    });
  }

  async launch(spec: JobSpec): Promise<LaunchResult> {
    this.launched.push(`${spec.telemetryId}#${spec.attempt}`);
    if (spec.params.silent !== true) return this.inner.launch(spec);
    const telemetry = new TelemetryPublisher({ bus: this.#bus, topic: spec.eventsTopic, job: spec });
    await telemetry.publish('started', { message: 'started, then silence' });
    return { ref: `silent:${spec.telemetryId}`, adopted: false };
  }

  async terminate(job: JobHandle): Promise<void> {
    this.terminated.push(job.telemetryId);
    if (!job.ref?.startsWith('silent:')) await this.inner.terminate(job);
  }

  inspect(jobs: readonly JobHandle[]): Promise<Map<string, JobObservation>> {
    return this.inner.inspect(jobs);
  }

  onExit(listener: (exit: JobExit) => void): void {
    this.inner.onExit(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
