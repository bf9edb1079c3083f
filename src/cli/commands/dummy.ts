import { readJobConfig } from '../../runtime/index.ts';
import {
  DEFAULT_DUMMY_OPTIONS,
  DUMMY_HTTP_PORT,
  runDummyService,
  type DummyOptions,
} from '../../services/dummy/index.ts';
import { numberFlag, parseFlags, type CliCommand } from '../args.ts';
import { createLogger } from '../../runtime/logger.ts';

const FLAGS = {
  debug: { type: 'boolean' },
  noop: { type: 'boolean' },
  'exit-on-ping': { type: 'boolean' },
  'exit-after': { type: 'string' },
  'simulate-loading': { type: 'boolean' },
  'loading-interval': { type: 'string' },
  'fail-after': { type: 'string' },
  'records-per-tick': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function dummyOptionsFromFlags(argv: string[]): DummyOptions {
  const flags = parseFlags(argv, FLAGS);
  return {
    debug: flags.debug ?? false,
    noop: flags.noop ?? false,
    exitOnPing: flags['exit-on-ping'] ?? false,
    exitAfterSeconds: numberFlag('exit-after', flags['exit-after']),
    simulateLoading: flags['simulate-loading'] ?? false,
    loadingIntervalSeconds:
      numberFlag('loading-interval', flags['loading-interval'], 0.01) ??
      DEFAULT_DUMMY_OPTIONS.loadingIntervalSeconds,
    failAfterSeconds: numberFlag('fail-after', flags['fail-after']),
    recordsPerTick:
      numberFlag('records-per-tick', flags['records-per-tick']) ?? DEFAULT_DUMMY_OPTIONS.recordsPerTick,
  };
}

export const dummyCommand: CliCommand = {
  help: `Usage: streamforge dummy [flags]

Runs dummy-service, which stands in for any StreamForge job: it answers ping with pong, ends with
"interrupted" on stop, and publishes telemetry on queue-events.

Flags (seed 000):
  --debug                 log at debug level
  --noop                  publish "started" only and exit (no command consumer)
  --exit-on-ping          finish after answering the first ping
  --exit-after N          finish after N seconds (default: run until stopped)
  --simulate-loading      publish "loading" every --loading-interval seconds
  --loading-interval S    period of "loading" events (default 10)
  --fail-after N          publish "error" and exit 1 after N seconds
  --records-per-tick N    records_written added per loading event (default 1000)

Environment:
  QUEUE_ID (default "local"), TELEMETRY_PRODUCER_ID (default dummy-service__<random>), SYMBOL, TYPE,
  TIME_RANGE, KAFKA_TOPIC, QUEUE_EVENTS_TOPIC (queue-events), QUEUE_CONTROL_TOPIC (queue-control),
  KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH (TLS + SCRAM-SHA-512 when
  KAFKA_USER is set), KAFKA_DELIVERY_TIMEOUT_SECONDS (how long a produce waits out a broker; 120), METRICS_PORT (default ${DUMMY_HTTP_PORT}: /metrics, /health/live|ready|startup).

Without KAFKA_BOOTSTRAP_SERVERS it runs on an in-memory bus that only this process can reach; try
"streamforge demo" to see it answer pings.

Exit code: 0 on finished or stopped, 1 on error (--fail-after, bus unreachable, bad credentials).`,
  async run(argv, env) {
    const options = dummyOptionsFromFlags(argv);
    const config = readJobConfig(env, 'dummy-service', DUMMY_HTTP_PORT);
    const logger = createLogger({
      service: 'dummy-service',
      level: options.debug ? 'debug' : 'info',
      base: { queue_id: config.queueId, telemetry_id: config.telemetryId },
    });
    if (!config.kafka) logger.warn('KAFKA_BOOTSTRAP_SERVERS is not set: running on an in-memory bus');
    const outcome = await runDummyService({ config, options, logger });
    // The JSON log has it too; a person at a terminal should not have to parse JSON to see why.
    if (outcome.error) console.error(`streamforge dummy: ${outcome.error} [${outcome.code}]`);
    return outcome.exitCode;
  },
};
