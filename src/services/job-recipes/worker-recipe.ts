import type { JobRecipe } from '../../launcher/job-catalog.ts';
import type { JobDefinition, JobWorker, WorkerRuntime } from '../../launcher/job-definition.ts';
import { jobEnvironment } from '../../launcher/job-env.ts';
import type { JobSpec } from '../../launcher/types.ts';
import type { Env } from '../../runtime/index.ts';

/** The recipe of a target with a real worker: its work in-process, its CLI command in a process or pod. */
export function workerRecipe(
  definition: JobDefinition,
  worker: JobWorker,
  runtime: WorkerRuntime,
): JobRecipe {
  const envOf = (spec: JobSpec): Env => ({ ...runtime.env, ...jobEnvironment(spec) });
  return Object.freeze({
    definition,
    service: definition.service,
    // Options are read when the job runs, so a bad value ends the job with `error` instead of failing the launch.
    work: (spec: JobSpec) => (ctx) => worker.work(worker.readOptions(envOf(spec)), runtime)(ctx),
    command: (spec: JobSpec) => worker.cli.args(spec),
  } satisfies JobRecipe);
}
