import { BatchV1Api, type KubeConfig, type V1Job } from '@kubernetes/client-node';
import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';
import type { Logger } from '../../runtime/index.ts';
import { recipeFor, type JobCatalog } from '../job-catalog.ts';
import type { JobExit, JobHandle, JobLauncher, JobObservation, JobSpec, LaunchResult } from '../types.ts';
import { kubeStatus, toLaunchError } from './api-errors.ts';
import { APP, LABELS, jobManifest } from './job-manifest.ts';
import { labelValue } from './labels.ts';
import type { KubernetesJobOptions } from './options.ts';

export interface KubernetesLauncherOptions {
  catalog: JobCatalog;
  /** Where the API server is: loadFromDefault() in production, loadFromOptions() in tests. */
  kubeConfig: KubeConfig;
  jobs: KubernetesJobOptions;
  logger: Logger;
}

/** Most telemetry ids in one `in (…)` selector: keeps the request line short. */
const SELECTOR_CHUNK = 40;

/**
 * One batch/v1 Job per attempt. Names are deterministic per attempt, so a launch repeated after a
 * crash meets 409 AlreadyExists and adopts the Job instead of starting a second one. Terminate
 * deletes with propagationPolicy Background (without it the pods would be orphaned and keep running).
 */
export class KubernetesLauncher implements JobLauncher {
  readonly kind = 'kubernetes';
  readonly idempotent = true;
  readonly #options: KubernetesLauncherOptions;
  readonly #api: BatchV1Api;
  readonly #listeners: ((exit: JobExit) => void)[] = [];
  /** Attempts being watched for their end, by telemetry id. */
  readonly #watched = new Map<string, JobHandle>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(options: KubernetesLauncherOptions) {
    this.#options = options;
    this.#api = options.kubeConfig.makeApiClient(BatchV1Api);
  }

  get #namespace(): string {
    return this.#options.jobs.namespace;
  }

  async launch(spec: JobSpec): Promise<LaunchResult> {
    const recipe = recipeFor(this.#options.catalog, spec.target);
    const body = jobManifest(spec, recipe.command(spec), this.#options.jobs);
    let adopted = false;
    try {
      await this.#api.createNamespacedJob({ namespace: this.#namespace, body });
    } catch (error) {
      if (kubeStatus(error)?.reason !== 'AlreadyExists')
        throw toLaunchError(error, `create Job ${spec.name}`);
      adopted = await this.#isSameAttempt(spec);
      if (!adopted) {
        throw new StreamForgeError(
          ErrorCodes.LAUNCH_REJECTED,
          `Job ${spec.name} already exists in ${this.#namespace} and belongs to another job: delete it or change the queue`,
        );
      }
    }
    this.#watch({ ...spec, ref: spec.name });
    return { ref: spec.name, adopted };
  }

  async terminate(job: JobHandle): Promise<void> {
    this.#watched.delete(job.telemetryId);
    try {
      await this.#api.deleteNamespacedJob({
        name: job.ref ?? job.name,
        namespace: this.#namespace,
        propagationPolicy: 'Background',
      });
    } catch (error) {
      if (kubeStatus(error)?.code !== 404) throw toLaunchError(error, `delete Job ${job.ref ?? job.name}`);
    }
  }

  async inspect(jobs: readonly JobHandle[]): Promise<Map<string, JobObservation>> {
    const found = await this.#list(jobs);
    const seen = new Map<string, JobObservation>();
    for (const job of jobs) {
      const k8s = found.get(key(job));
      const observation = k8s ? observe(k8s) : { state: 'absent' as const };
      seen.set(job.telemetryId, observation);
      if (observation.state === 'running') this.#watch(job);
    }
    return seen;
  }

  onExit(listener: (exit: JobExit) => void): void {
    this.#listeners.push(listener);
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#watched.clear();
    return Promise.resolve();
  }

  /** Lists the Jobs of these attempts by label (telemetry_id in (…)), keyed by telemetry id and attempt. */
  async #list(jobs: readonly JobHandle[]): Promise<Map<string, V1Job>> {
    const found = new Map<string, V1Job>();
    const ids = [...new Set(jobs.map((j) => labelValue(j.telemetryId)))];
    for (let at = 0; at < ids.length; at += SELECTOR_CHUNK) {
      const labelSelector = `${LABELS.app}=${APP},${LABELS.telemetryId} in (${ids.slice(at, at + SELECTOR_CHUNK).join(',')})`;
      let list;
      try {
        list = await this.#api.listNamespacedJob({ namespace: this.#namespace, labelSelector });
      } catch (error) {
        throw toLaunchError(error, `list Jobs (${labelSelector})`);
      }
      for (const item of list.items) {
        const labels = item.metadata?.labels ?? {};
        found.set(`${labels[LABELS.telemetryId]}/${labels[LABELS.attempt]}`, item);
      }
    }
    return found;
  }

  async #isSameAttempt(spec: JobSpec): Promise<boolean> {
    try {
      const existing = await this.#api.readNamespacedJob({ name: spec.name, namespace: this.#namespace });
      const labels = existing.metadata?.labels ?? {};
      return (
        labels[LABELS.telemetryId] === labelValue(spec.telemetryId) &&
        labels[LABELS.attempt] === String(spec.attempt)
      );
    } catch (error) {
      throw toLaunchError(error, `read Job ${spec.name}`);
    }
  }

  #watch(job: JobHandle): void {
    this.#watched.set(job.telemetryId, job);
    this.#timer ??= setInterval(() => void this.#poll(), this.#options.jobs.pollIntervalMs).unref();
  }

  /** Lists the watched Jobs and reports those that completed, failed or vanished. */
  async #poll(): Promise<void> {
    if (this.#polling || this.#watched.size === 0) return;
    this.#polling = true;
    try {
      const jobs = [...this.#watched.values()];
      const found = await this.#list(jobs);
      for (const job of jobs) {
        if (this.#watched.get(job.telemetryId) !== job) continue;
        const k8s = found.get(key(job));
        const observation: JobObservation = k8s ? observe(k8s) : { state: 'absent' };
        if (observation.state === 'running') continue;
        this.#watched.delete(job.telemetryId);
        const exit: JobExit = {
          telemetryId: job.telemetryId,
          attempt: job.attempt,
          exitCode: observation.state === 'succeeded' ? 0 : observation.state === 'failed' ? 1 : null,
          reason:
            observation.state === 'failed'
              ? `Kubernetes Job failed: ${observation.reason}`
              : observation.state === 'succeeded'
                ? 'Kubernetes Job complete'
                : 'the Kubernetes Job is gone',
        };
        for (const listener of this.#listeners) listener(exit);
      }
    } catch (error) {
      this.#options.logger.warn(
        { err: errorMessage(error) },
        'listing Kubernetes Jobs failed; next try in one poll interval',
      );
    } finally {
      this.#polling = false;
    }
  }
}

function key(job: { telemetryId: string; attempt: number }): string {
  return `${labelValue(job.telemetryId)}/${job.attempt}`;
}

/** A Job's state from its conditions: Complete or Failed with status "True" end it. */
export function observe(job: V1Job): JobObservation {
  const conditions = job.status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return { state: 'failed', reason: failed.reason ?? failed.message ?? 'Failed' };
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { state: 'succeeded' };
  return { state: 'running' };
}
