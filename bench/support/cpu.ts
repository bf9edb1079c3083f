// CPU seconds (user + system) of the processes a benchmark runs with, read from Linux's /proc: what a
// run costs, not only how long it takes. Elsewhere (no /proc) every reading is undefined.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on

/** utime, stime, cutime, cstime of /proc/<pid>/stat in seconds; undefined if the process is gone. */
function stat(pid: string): { own: number; children: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number): number => Number(fields[i - 3]);
    return {
      own: (ticks(14) + ticks(15)) / TICKS_PER_SECOND,
      children: (ticks(16) + ticks(17)) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** A reading of the CPU spent so far by this process's exited children, PostgreSQL and Kafka brokers. */
export interface CpuReading {
  /** Children of this process that have exited (and been waited for). */
  children: number | undefined;
  /** Every `postgres` process on this machine: the server this benchmark uses, when it is local. */
  postgres: number | undefined;
  /** Every Kafka broker JVM on this machine. */
  broker: number | undefined;
}

/** CPU of this process's children that have exited and been waited for. */
export function childrenCpu(): number | undefined {
  return stat('self')?.children;
}

/**
 * One pass over /proc: every `postgres` process and every Kafka broker JVM, with their exited children
 * (a PostgreSQL backend that closed counts through the postmaster).
 */
export function readCpu(): CpuReading {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { children: undefined, postgres: undefined, broker: undefined };
  }
  let postgres = 0;
  let broker = 0;
  for (const pid of pids) {
    const isPostgres = readText(`/proc/${pid}/comm`).trim() === 'postgres';
    const isBroker = !isPostgres && readText(`/proc/${pid}/cmdline`).includes('kafka.Kafka');
    if (!isPostgres && !isBroker) continue;
    const s = stat(pid);
    if (!s) continue;
    if (isPostgres) postgres += s.own + s.children;
    else broker += s.own + s.children;
  }
  return { children: childrenCpu(), postgres, broker };
}

/** `after − before` of one field, or undefined when either is unknown. */
export function cpuSpent(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}
