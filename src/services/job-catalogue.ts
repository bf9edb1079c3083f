// The launcher's files, not its index: `streamforge loader` reads this catalogue and must not load the
// Kubernetes client the kubernetes launcher brings.
import {
  DEFAULT_SIMULATION,
  type JobCatalog,
  type JobRecipe,
  type SimulationOptions,
} from '../launcher/job-catalog.ts';
import type { JobDefinition, WorkerRuntime } from '../launcher/job-definition.ts';
import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';
import { connectorDefinition } from './connector/definition.ts';
import { createGnnTrainerDefinition } from './gnn-trainer/definition.ts';
import { graphBuilderDefinition } from './graph-builder/definition.ts';
import { dummyRecipe, simulated } from './job-recipes/dummy-recipe.ts';
import { workerRecipe } from './job-recipes/worker-recipe.ts';
import { loaderDefinition } from './loader/definition.ts';
import { visualizerDefinition } from './visualizer/definition.ts';

/**
 * Every target StreamForge runs, one line each, in the order the API and the CLI list them. A target
 * without a worker is played by dummy-service; making it real is a definition.ts in its own folder and
 * a changed line here (docs/job-definitions.md).
 */
export const JOB_DEFINITIONS: readonly JobDefinition[] = Object.freeze([
  loaderDefinition,
  connectorDefinition,
  graphBuilderDefinition,
  // The graph store is imported when a gnn-trainer job reads a graph, not when the catalogue loads.
  createGnnTrainerDefinition(async (sql, collection) =>
    (await import('./graph-builder/graph-store.ts')).readGraph(sql, collection),
  ),
  visualizerDefinition,
]);

export interface JobCatalogOptions {
  /** How dummy-service plays the targets it plays; default DEFAULT_SIMULATION. */
  readonly simulation?: SimulationOptions;
  /**
   * What real workers run with. Without it every target is played by dummy-service (tests of the
   * manager that need no market data); with it, every target that has a worker runs it.
   */
  readonly workers?: WorkerRuntime;
  /** Replaces the recipe of a target (tests: jobs that fail on their first attempt). */
  readonly overrides?: Readonly<Record<string, JobRecipe>>;
  /** The definitions; default JOB_DEFINITIONS (tests add one to see it picked up everywhere). */
  readonly definitions?: readonly JobDefinition[];
}

/** The job catalogue the queue manager and its launchers run with. */
export function createJobCatalog(options: JobCatalogOptions = {}): JobCatalog {
  const { simulation = DEFAULT_SIMULATION, workers, overrides = {}, definitions = JOB_DEFINITIONS } = options;
  const recipe = (definition: JobDefinition): JobRecipe =>
    overrides[definition.target] ??
    (workers && definition.worker
      ? workerRecipe(definition, definition.worker, workers)
      : dummyRecipe(definition, simulated(simulation)));
  const catalog = new Map<string, JobRecipe>();
  for (const definition of definitions) {
    if (catalog.has(definition.target))
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        `two job definitions for target "${definition.target}": the catalogue has one line per target`,
      );
    catalog.set(definition.target, recipe(definition));
  }
  return catalog;
}
