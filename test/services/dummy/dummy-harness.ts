import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import type { Bus } from '../../../src/bus/index.ts';
import { telemetryId } from '../../../src/protocol/index.ts';
import { createLogger, readJobConfig } from '../../../src/runtime/index.ts';
import { runDummyService } from '../../../src/services/dummy/index.ts';
import { dummyOptionsFromFlags } from '../../../src/cli/commands/dummy.ts';
import type { BusUnderTest } from '../../support/buses.ts';
import { waitFor } from '../../support/wait.ts';

export const CLI = resolve(import.meta.dirname, '../../../bin/streamforge.js');

export interface DummyJob {
  telemetryId: string;
  /** Resolves to the exit code: the process's on Kafka, the runner's on the memory bus. */
  exited: Promise<number>;
  /** Port of /metrics and /health/*. */
  port(): Promise<number>;
  /** Lines the job wrote to stdout and stderr (Kafka only; in-process jobs log to a sink). */
  output: string[];
  /** SIGTERM for a process, stop('SIGTERM') for an in-process job. */
  terminate(): void;
}

export interface Topics {
  QUEUE_CONTROL_TOPIC: string;
  QUEUE_EVENTS_TOPIC: string;
}

/**
 * Starts dummy-service the way the bus calls for: on the memory bus in this process (the only place
 * that bus exists), on Kafka as a real `streamforge dummy` child process.
 */
export function startDummy(
  target: BusUnderTest,
  bus: Bus,
  topics: Topics,
  queueId: string,
  flags: string[] = [],
  extraEnv: Record<string, string> = {},
): DummyJob {
  const id = telemetryId('dummy-service');
  const env = { ...topics, QUEUE_ID: queueId, TELEMETRY_PRODUCER_ID: id, METRICS_PORT: '0', ...extraEnv };
  return target.env
    ? startProcess(id, { ...env, ...target.env }, flags)
    : startInProcess(id, bus, env, flags);
}

function startInProcess(id: string, bus: Bus, env: Record<string, string>, flags: string[]): DummyJob {
  let port: number | undefined;
  const abort = new AbortController();
  const exited = runDummyService({
    config: readJobConfig(env, 'dummy-service', 0),
    options: dummyOptionsFromFlags(flags),
    bus,
    logger: createLogger({ service: 'dummy-service', level: 'silent' }),
    handleSignals: false,
    onListening: (p) => (port = p),
    signal: abort.signal,
  }).then((outcome) => outcome.exitCode);
  return {
    telemetryId: id,
    exited,
    output: [],
    port: () => waitFor('metrics port', () => port),
    terminate: () => abort.abort(new Error('SIGTERM')),
  };
}

function startProcess(id: string, env: Record<string, string>, flags: string[]): DummyJob {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'dummy', ...flags], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let port: number | undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      const match = /"port":(\d+)/.exec(line);
      if (match) port = Number(match[1]);
    });
  }
  const exited = once(child, 'exit').then(([code]) => (code as number | null) ?? 128);
  return {
    telemetryId: id,
    exited,
    output,
    port: () => waitFor('metrics port', () => port),
    terminate: () => child.kill('SIGTERM'),
  };
}

/** GET /metrics of a job, as text. */
export async function metricsOf(job: DummyJob): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${await job.port()}/metrics`);
  return response.text();
}

/** The value of one sample line, e.g. metricValue(text, 'dummy_pings_total'). */
export function metricValue(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
