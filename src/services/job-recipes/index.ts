import {
  DEFAULT_SIMULATION,
  TARGET_TYPES,
  jobCatalog,
  type JobCatalog,
  type JobRecipe,
  type SimulationOptions,
  type Target,
} from '../../launcher/job-catalog.ts';
import { dummyRecipe, simulated } from './dummy-recipe.ts';
import { marketDataRecipe, type WorkerRuntime } from './market-data-recipes.ts';

export { dummyRecipe, simulated } from './dummy-recipe.ts';
export { marketDataRecipe, type WorkerRuntime } from './market-data-recipes.ts';

/**
 * The job catalogue the queue manager runs with: the extension point for workers. Every target is
 * played by dummy-service (`--simulate-loading`, timings from `simulation`) unless a real recipe is
 * given here. With a worker runtime, loader-producer and arango-connector are the real market-data
 * workers. `overrides` replaces any recipe (tests: jobs that fail on their first attempt).
 */
export function createJobCatalog(
  simulation: SimulationOptions = DEFAULT_SIMULATION,
  overrides: Readonly<Partial<Record<Target, JobRecipe>>> = {},
  workers?: WorkerRuntime,
): JobCatalog {
  const dummy = (target: Target): JobRecipe => dummyRecipe(TARGET_TYPES[target], simulated(simulation));
  const real: Partial<Record<Target, JobRecipe>> = workers
    ? {
        'loader-producer': marketDataRecipe('loader-producer', TARGET_TYPES['loader-producer'], workers),
        'arango-connector': marketDataRecipe('arango-connector', TARGET_TYPES['arango-connector'], workers),
      }
    : {};
  const pick = (target: Target): JobRecipe => overrides[target] ?? real[target] ?? dummy(target);
  return jobCatalog({
    'loader-producer': pick('loader-producer'),
    'arango-connector': pick('arango-connector'),
    'graph-builder': pick('graph-builder'),
    'gnn-trainer': pick('gnn-trainer'),
    visualizer: pick('visualizer'),
  });
}
