import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';
import type { JobWork } from '../runtime/index.ts';
import type { JobDefinition } from './job-definition.ts';
import type { JobSpec } from './types.ts';

/**
 * How to run a job of one target in this process: its definition bound to what the process gives
 * (a worker runtime, or dummy-service's simulation). The catalogue of recipes is built where the
 * definitions live, src/services/job-catalogue.ts (imports point down: a launcher never imports a
 * service); the launchers only look recipes up.
 */
export interface JobRecipe {
  /** What the target is: types, request fields, inputs, output, upstream stage, CLI. */
  readonly definition: JobDefinition;
  /** Name of the service in logs. */
  readonly service: string;
  /** Inline launcher: the work runJobService runs in-process. */
  work(spec: JobSpec): JobWork;
  /** Process and kubernetes launchers: the arguments of the `streamforge` CLI (command first). */
  command(spec: JobSpec): string[];
}

/** Recipes by target, in catalogue order. */
export type JobCatalog = ReadonlyMap<string, JobRecipe>;

/** The recipe of a spec's target; a target the catalogue does not know is rejected (SF_LAUNCH_REJECTED). */
export function recipeFor(catalog: JobCatalog, target: string): JobRecipe {
  const recipe = catalog.get(target);
  if (!recipe) {
    throw new StreamForgeError(
      ErrorCodes.LAUNCH_REJECTED,
      `no recipe for target "${target}" in the job catalogue`,
    );
  }
  return recipe;
}

/** The definitions of a catalogue, in its order. */
export function definitionsOf(catalog: JobCatalog): JobDefinition[] {
  return [...catalog.values()].map((r) => r.definition);
}

/** How dummy-service stands in for a real worker. */
export interface SimulationOptions {
  /** Seconds between `loading` events; default 1. */
  readonly loadingIntervalSeconds: number;
  /** Seconds a historical (non-streaming) job runs before `finished`; default 10. Streaming jobs run until stopped. */
  readonly jobSeconds: number;
  /** records_written added per `loading` event; default 1000. */
  readonly recordsPerTick: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = Object.freeze({
  loadingIntervalSeconds: 1,
  jobSeconds: 10,
  recordsPerTick: 1000,
});
