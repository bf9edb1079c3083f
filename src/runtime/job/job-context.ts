import type { Registry } from 'prom-client';
import type { Bus } from '../../bus/index.ts';
import type { Command } from '../../protocol/index.ts';
import type { JobConfig } from '../config/job-config.ts';
import type { HealthCheck } from '../http/health.ts';
import type { Logger } from '../logger.ts';

/** Progress a job reports; sent as a `loading` event. */
export interface JobProgress {
  records_written?: number;
  records_total?: number;
  /** Records that went to the dead-letter topic instead of being written (readers ignore unknown fields). */
  records_dead_lettered?: number;
  message?: string;
}

/** What a job's work receives from the runner. */
export interface JobContext {
  /** Aborted when the job is told to stop (command or SIGTERM). Work must end soon after. */
  readonly signal: AbortSignal;
  readonly config: JobConfig;
  /** The bus the job runs on (telemetry, commands): data topics are read and written through it too. */
  readonly bus: Bus;
  readonly logger: Logger;
  /** The registry /metrics serves; a job registers its own metrics here. */
  readonly registry: Registry;
  /** Publishes a `loading` event. */
  readonly report: (progress: JobProgress) => Promise<void>;
  /** Adds a check to /health/ready, e.g. that the job's database answers. */
  readonly addReadinessCheck: (name: string, check: HealthCheck) => void;
  /** Called after each ping addressed to this job has been answered with a pong. */
  readonly onPing: (listener: (command: Command) => void) => void;
}

/** A job's work. Resolving means finished; rejecting means error, unless the job was told to stop. */
export type JobWork = (context: JobContext) => Promise<JobProgress | void>;
