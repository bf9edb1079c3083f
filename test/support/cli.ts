// `streamforge …` as a child process, the way an operator or a Kubernetes Job runs it: for tests that
// kill it, signal it, or read what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

const root = join(import.meta.dirname, '..', '..');

export interface CliProcess {
  readonly child: ChildProcess;
  /** The exit code; null when a signal ended it. */
  readonly exit: Promise<number | null>;
  /** What it wrote so far, stdout and stderr interleaved as they came. */
  output(): string;
  /** Sends `signal` (default SIGTERM) unless it has ended, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * Waits until its output matches `pattern` and returns the first group (or the whole match); on
   * timeout the error carries the output.
   */
  waitForOutput(what: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * `streamforge <args…>` from the repository root, with only PATH and `env`: nothing of the test
 * runner's environment (TEST_*, a developer's KAFKA_*) leaks into it.
 */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [join(root, 'bin', 'streamforge.js'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout.on('data', (b: Buffer) => chunks.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => chunks.push(b.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const output = (): string => chunks.join('');
  return {
    child,
    exit,
    output,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
    async waitForOutput(what, pattern, timeoutMs = 15_000) {
      try {
        return await waitFor(
          what,
          () => {
            const match = pattern.exec(output());
            return match ? (match[1] ?? match[0]) : undefined;
          },
          timeoutMs,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; its output:\n${output()}`, { cause: error });
      }
    },
  };
}
