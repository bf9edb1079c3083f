import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';
import type { Env } from '../../runtime/index.ts';
import { recipeFor, type JobCatalog } from '../job-catalog.ts';
import { jobBaseEnvironment } from '../job-base-env.ts';
import { jobEnvironment } from '../job-env.ts';
import type { JobExit, JobHandle, JobLauncher, JobObservation, JobSpec, LaunchResult } from '../types.ts';
import { isJobProcess, killJobProcess } from './process-table.ts';

export interface ProcessLauncherOptions {
  catalog: JobCatalog;
  /**
   * Environment children start from, usually the manager's own. Only its allow-listed part reaches a job
   * (jobBaseEnvironment: PATH, KAFKA_*, DATABASE_*, …; never QUEUE_MANAGER_TOKEN); the job's own variables go on top.
   */
  baseEnv: Env;
  /** Directory of one log file per attempt (`{telemetry_id}-{attempt}.log`); created if missing. */
  logDir: string;
  /** The streamforge CLI; default bin/streamforge.js of this checkout. */
  cliPath?: string;
  /** Node binary; default the one running the manager (Node 24), never the PATH's. */
  nodePath?: string;
  /** How often adopted processes (found after a restart) are checked for life, in ms; default 1000. */
  pollIntervalMs?: number;
}

const DEFAULT_CLI = resolve(import.meta.dirname, '../../../bin/streamforge.js');

/**
 * One child process per job: `node bin/streamforge.js <command>` with the job's environment. Children
 * are detached (their own process group, logs to files) so they outlive a restart of the manager, which
 * then finds them again by pid and environment. Terminate sends SIGKILL to the group.
 */
export class ProcessLauncher implements JobLauncher {
  readonly kind = 'process';
  readonly idempotent = false;
  readonly #options: ProcessLauncherOptions;
  readonly #listeners: ((exit: JobExit) => void)[] = [];
  /** Processes being watched, by pid: spawned here (exit event) or adopted (polled). */
  readonly #watched = new Map<number, { telemetryId: string; attempt: number; exited: Promise<void> }>();
  readonly #closing = new AbortController();

  constructor(options: ProcessLauncherOptions) {
    this.#options = options;
    mkdirSync(options.logDir, { recursive: true });
  }

  async launch(spec: JobSpec): Promise<LaunchResult> {
    const recipe = recipeFor(this.#options.catalog, spec.target);
    const args = [this.#options.cliPath ?? DEFAULT_CLI, ...recipe.command(spec)];
    const log = openSync(join(this.#options.logDir, `${spec.telemetryId}-${spec.attempt}.log`), 'a');
    try {
      const child = spawn(this.#options.nodePath ?? process.execPath, args, {
        // Many jobs share this host: each serves /metrics and /health on a free port of its own.
        env: { ...jobBaseEnvironment(this.#options.baseEnv), METRICS_PORT: '0', ...jobEnvironment(spec) },
        detached: true,
        stdio: ['ignore', log, log],
      });
      const pid = await new Promise<number>((resolvePid, reject) => {
        child.once('error', reject);
        child.once('spawn', () => resolvePid(child.pid ?? -1));
      });
      const exited = new Promise<void>((done) => {
        child.once('exit', (code, signal) => {
          this.#exited(pid, code, signal ? `killed by ${signal}` : `exited with code ${code ?? '?'}`);
          done();
        });
      });
      this.#watched.set(pid, { telemetryId: spec.telemetryId, attempt: spec.attempt, exited });
      child.unref();
      return { ref: String(pid), adopted: false };
    } catch (error) {
      throw new StreamForgeError(
        ErrorCodes.LAUNCH_FAILED,
        `cannot start ${args.join(' ')}: ${errorMessage(error)}`,
        {
          cause: error,
          canRetry: true,
        },
      );
    } finally {
      closeSync(log);
    }
  }

  async terminate(job: JobHandle): Promise<void> {
    const pid = Number(job.ref);
    if (!isJobProcess(pid, job.telemetryId, job.attempt)) return;
    killJobProcess(pid);
    const watched = this.#watched.get(pid);
    if (watched) await Promise.race([watched.exited, sleep(5000)]);
  }

  inspect(jobs: readonly JobHandle[]): Promise<Map<string, JobObservation>> {
    const seen = new Map<string, JobObservation>();
    for (const job of jobs) {
      const pid = Number(job.ref);
      if (!isJobProcess(pid, job.telemetryId, job.attempt)) {
        seen.set(job.telemetryId, { state: 'absent' });
        continue;
      }
      seen.set(job.telemetryId, { state: 'running' });
      if (!this.#watched.has(pid)) this.#adopt(pid, job);
    }
    return Promise.resolve(seen);
  }

  onExit(listener: (exit: JobExit) => void): void {
    this.#listeners.push(listener);
  }

  /** Stops watching; the children keep running (they are the distributed mode's jobs). */
  close(): Promise<void> {
    this.#closing.abort();
    return Promise.resolve();
  }

  /** A process started by an earlier manager: no exit event reaches us, so its life is polled. */
  #adopt(pid: number, job: JobHandle): void {
    const every = this.#options.pollIntervalMs ?? 1000;
    const signal = this.#closing.signal;
    const exited = (async () => {
      while (!signal.aborted && isJobProcess(pid, job.telemetryId, job.attempt)) {
        await sleep(every, undefined, { signal }).catch(() => undefined);
      }
      if (!signal.aborted)
        this.#exited(pid, null, 'the process is gone (adopted after a restart; exit code unknown)');
    })();
    this.#watched.set(pid, { telemetryId: job.telemetryId, attempt: job.attempt, exited });
  }

  #exited(pid: number, exitCode: number | null, reason: string): void {
    const watched = this.#watched.get(pid);
    if (!watched) return;
    this.#watched.delete(pid);
    if (this.#closing.signal.aborted) return;
    for (const listener of this.#listeners) {
      listener({ telemetryId: watched.telemetryId, attempt: watched.attempt, exitCode, reason });
    }
  }
}
