import { Registry } from 'prom-client';
import type { JobSpec, SimulationOptions, TypeRule, JobRecipe } from '../../launcher/index.ts';
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

/** A recipe that runs dummy-service with `--simulate-loading` and the options `options` gives per job. */
export function dummyRecipe(
  types: readonly TypeRule[],
  options: (spec: JobSpec, streaming: boolean) => Partial<DummyOptions>,
): JobRecipe {
  const resolve = (spec: JobSpec): DummyOptions => {
    const streaming = types.some((r) => r.streaming && r.pattern.test(spec.type));
    return { ...DEFAULT_DUMMY_OPTIONS, simulateLoading: true, ...options(spec, streaming) };
  };
  return Object.freeze({
    service: 'dummy-service',
    types,
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
