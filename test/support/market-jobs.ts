// Runs loader-producer and arango-connector jobs in-process (or as child processes) for the market-data
// tests, on isolated control/events topics, and collects their telemetry.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Bus } from '../../src/bus/index.ts';
import { parseTelemetry, type Telemetry } from '../../src/protocol/index.ts';
import { createLogger, readJobConfig, type JobOutcome } from '../../src/runtime/index.ts';
import {
  readConnectorOptions,
  runConnectorService,
  type CollectionSink,
} from '../../src/services/connector/index.ts';
import { readLoaderOptions, runLoaderService } from '../../src/services/loader/index.ts';
import { uniqueName } from './kafka.ts';

export interface QueueTopics {
  queueId: string;
  control: string;
  events: string;
  env: Record<string, string>;
}

/** A queue of its own: unique queue id and control/events topics, created on `bus`. */
export async function isolatedQueue(bus: Bus, prefix: string): Promise<QueueTopics> {
  const queueId = uniqueName(prefix);
  const control = `${queueId}.control`;
  const events = `${queueId}.events`;
  await bus.createTopics([{ name: control }, { name: events }]);
  return {
    queueId,
    control,
    events,
    env: {
      QUEUE_ID: queueId,
      QUEUE_CONTROL_TOPIC: control,
      QUEUE_EVENTS_TOPIC: events,
      LOADING_INTERVAL_SECONDS: '0.5',
    },
  };
}

const quiet = (service: string) => createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function runLoader(bus: Bus, env: Record<string, string>): Promise<JobOutcome> {
  const config = readJobConfig({ TARGET: 'loader-producer', ...env }, 'loader-producer', 0);
  return runLoaderService({
    config,
    options: readLoaderOptions(env),
    bus,
    logger: quiet('loader'),
    http: false,
    handleSignals: false,
  });
}

export function runConnector(
  bus: Bus,
  env: Record<string, string>,
  sink?: CollectionSink,
): Promise<JobOutcome> {
  const config = readJobConfig({ TARGET: 'arango-connector', ...env }, 'arango-connector', 0);
  return runConnectorService({
    config,
    options: readConnectorOptions(env),
    bus,
    sink,
    logger: quiet('connector'),
    http: false,
    handleSignals: false,
  });
}

/** Collects every telemetry event of the queue from its events topic, from the start. */
export async function collectTelemetry(
  bus: Bus,
  events: string,
): Promise<{ events: Telemetry[]; stop(): Promise<void> }> {
  const subscription = await bus.subscribe({ topics: [events], from: 'earliest', maxWaitMs: 100 });
  const seen: Telemetry[] = [];
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      const records = await subscription.poll({ maxWaitMs: 200, signal: abort.signal }).catch(() => []);
      for (const r of records) {
        const parsed = parseTelemetry(r.value);
        if (parsed.ok) seen.push(parsed.value);
      }
    }
  })();
  return {
    events: seen,
    async stop() {
      abort.abort();
      await loop;
      await subscription.close();
    },
  };
}

/** `streamforge <command>` as a child process with `env` (on the real broker), for kill -9 tests. */
export function spawnCli(command: string, env: Record<string, string>): ChildProcess {
  const root = join(import.meta.dirname, '..', '..');
  return spawn(process.execPath, [join(root, 'bin', 'streamforge.js'), command], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}
