import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBus } from '../../bus/index.ts';
import {
  DEFAULT_QUEUE_CONTROL_TOPIC,
  DEFAULT_QUEUE_EVENTS_TOPIC,
  telemetryId,
} from '../../protocol/index.ts';
import { createLogger, readJobConfig } from '../../runtime/index.ts';
import { DEFAULT_DUMMY_OPTIONS, DUMMY_HTTP_PORT, runDummyService } from '../../services/dummy/index.ts';
import { numberFlag, parseFlags, type CliCommand } from '../args.ts';
import { DEFAULT_DEBUG_REQUEST, runDebug } from './debug.ts';

const FLAGS = {
  jobs: { type: 'string' },
  pings: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const demoCommand: CliCommand = {
  help: `Usage: streamforge demo [--jobs N] [--pings N] [--port P]

Starts N dummy-service jobs of one queue (default 2) on an in-memory bus in this process, pings them
--pings times (default 3) with the debug client, prints the round trips and the telemetry, then stops
them with one stop command. The first job serves /metrics on --port (default ${DUMMY_HTTP_PORT}).`,
  async run(argv, env) {
    const flags = parseFlags(argv, FLAGS);
    const jobs = numberFlag('jobs', flags.jobs, 1) ?? 2;
    const pings = numberFlag('pings', flags.pings, 1) ?? 3;
    const port = numberFlag('port', flags.port) ?? DUMMY_HTTP_PORT;
    const queueId = 'demo';
    const bus = new MemoryBus();
    await bus.createTopics([{ name: DEFAULT_QUEUE_CONTROL_TOPIC }, { name: DEFAULT_QUEUE_EVENTS_TOPIC }]);
    const out = (line: string): void => console.log(line);

    // The follower prints every event of the queue while the jobs run.
    const following = new AbortController();
    const follower = runDebug(
      { ...DEFAULT_DEBUG_REQUEST, queueId, follow: true },
      { bus, env, out: (line) => out(`  event  ${line}`), signal: following.signal },
    );
    const running = Array.from({ length: jobs }, (_, i) => {
      const id = telemetryId('dummy-service');
      const config = readJobConfig(
        {
          ...env,
          KAFKA_BOOTSTRAP_SERVERS: '',
          QUEUE_ID: queueId,
          TELEMETRY_PRODUCER_ID: id,
          METRICS_PORT: String(port + i),
        },
        'dummy-service',
        port + i,
      );
      const logger = createLogger({ service: 'dummy-service', level: 'warn', base: { telemetry_id: id } });
      return runDummyService({
        config,
        bus,
        logger,
        handleSignals: false,
        http: i === 0,
        options: { ...DEFAULT_DUMMY_OPTIONS, simulateLoading: true, loadingIntervalSeconds: 1 },
      });
    });
    await sleep(300);
    out(
      `${jobs} dummy jobs of queue "${queueId}" running on the embedded bus; metrics: http://localhost:${port}/metrics`,
    );
    const pinged = await runDebug(
      {
        ...DEFAULT_DEBUG_REQUEST,
        queueId,
        command: 'ping',
        expectPong: true,
        expect: jobs,
        repeat: pings,
        intervalSeconds: 0.5,
        timeoutSeconds: 2,
      },
      { bus, env, out },
    );
    await sleep(1200);
    await runDebug({ ...DEFAULT_DEBUG_REQUEST, queueId, command: 'stop' }, { bus, env, out });
    const outcomes = await Promise.all(running);
    await sleep(100);
    following.abort();
    await follower;
    out(`jobs ended: ${outcomes.map((o) => o.state).join(', ')}`);
    await bus.close();
    return pinged === 0 && outcomes.every((o) => o.exitCode === 0) ? 0 : 1;
  },
};
