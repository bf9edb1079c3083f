import { Registry } from 'prom-client';
import type { JobRecipe, SimulationOptions } from '../../launcher/job-catalog.ts';
import { ruleOf, type JobDefinition } from '../../launcher/job-definition.ts';
import type { JobSpec } from '../../launcher/types.ts';
import { DEFAULT_DUMMY_OPTIONS, type DummyOptions } from '../dummy/options.ts';
import { DummyMetrics } from '../dummy/dummy-metrics.ts';
import { createDummyWork } from '../dummy/dummy-work.ts';

/** Dummy-service options of a simulated job: historical types finish, streaming types run until stopped. */
export function simulated(
  simulation: SimulationOptions,
): (spec: JobSpec, streaming: boolean) => Partial<DummyOptions> {
  return (_spec, streaming) => ({
    loadingIntervalSeconds: simulation.loadingIntervalSeconds,
    recordsPerTick: simulation.recordsPerTick,
    exitAfterSeconds: streaming ? undefined : simulation.jobSeconds,
  });
}

/**
 * A recipe that plays `definition`'s target with dummy-service `--simulate-loading`, with the options
 * `options` gives per job.
 */
export function dummyRecipe(
  definition: JobDefinition,
  options: (spec: JobSpec, streaming: boolean) => Partial<DummyOptions>,
): JobRecipe {
  const resolve = (spec: JobSpec): DummyOptions => {
    const streaming = ruleOf(definition, spec.type)?.streaming ?? false;
    return { ...DEFAULT_DUMMY_OPTIONS, simulateLoading: true, ...options(spec, streaming) };
  };
  return Object.freeze({
    definition,
    service: 'dummy-service',
    work: (spec: JobSpec) => createDummyWork(resolve(spec), new DummyMetrics(new Registry())),
    command: (spec: JobSpec) => dummyArgs(resolve(spec)),
  });
}

function dummyArgs(o: DummyOptions): string[] {
  const args = ['dummy'];
  if (o.simulateLoading) args.push('--simulate-loading');
  args.push(
    '--loading-interval',
    String(o.loadingIntervalSeconds),
    '--records-per-tick',
    String(o.recordsPerTick),
  );
  if (o.exitAfterSeconds !== undefined) args.push('--exit-after', String(o.exitAfterSeconds));
  if (o.failAfterSeconds !== undefined) args.push('--fail-after', String(o.failAfterSeconds));
  if (o.noop) args.push('--noop');
  if (o.exitOnPing) args.push('--exit-on-ping');
  return args;
}
