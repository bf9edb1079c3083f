import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is alive and is the given attempt of the given job. On Linux the process environment
 * tells (a reused pid belongs to someone else, and a zombie has none); elsewhere being alive has to do.
 */
export function isJobProcess(pid: number, telemetryId: string, attempt: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: alive but someone else's, so not ours either.
    return false;
  }
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  const vars = new Set(environ.split('\0'));
  return vars.has(`TELEMETRY_PRODUCER_ID=${telemetryId}`) && vars.has(`JOB_ATTEMPT=${attempt}`);
}

/** SIGKILL to the job's process group (it was started detached, as a group leader), else to the pid. */
export function killJobProcess(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
