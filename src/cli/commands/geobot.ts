import { KafkaBus, type Bus } from '../../bus/index.ts';
import { DEFAULT_CONSUMER_OPTIONS as D } from '../../consumer/index.ts';
import { errorMessage } from '../../protocol/index.ts';
import { assertPortFree, createLogger, onShutdownSignal, type Logger } from '../../runtime/index.ts';
import {
  GeobotGateway,
  createArmService,
  createWorkerService,
  readArmConfig,
  readGatewayConfig,
  readWorkerConfig,
  type ProcessorService,
} from '../../services/geobot/index.ts';
import { GATEWAY_DELIVERY_TIMEOUT_SECONDS } from '../../services/geobot/config.ts';
import { PostgresClient, type SqlClient } from '../../store/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

const TOPICS = `Topics:       CREATE_USER_TOPIC (create_user_in), UPDATE_USER_TOPIC (update_user_in), INFO_TOPIC (info_in),
              TASK_TOPIC (task_in), TOPIC_PARTITIONS (3; for topics created because they are missing)`;
const KAFKA = `Kafka:        KAFKA_BOOTSTRAP_SERVERS (required), KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH (TLS + SCRAM-SHA-512)`;
const processorHelp = (
  kind: 'arm' | 'worker',
  what: string,
  port: number,
  retry: { retries: string; backoff: string },
  extra: string,
) => `Usage: streamforge geobot-${kind}

${what}
Messages that are not envelopes, whose data is invalid or whose action has no handler
(SF_UNKNOWN_ACTION) go to <topic>-dlq at once, and an error envelope says so on info_in; failing
handlers are retried with backoff, then dead-lettered; a broker or database outage pauses, it never
dead-letters. Configured by environment only (see docs/geobot.md):

${KAFKA}
${TOPICS}
Consumer:     KAFKA_GROUP_ID (geobot-${kind}; each topic is read by group <id>.<topic>), KAFKA_MAX_RETRIES (${retry.retries}),
              KAFKA_RETRY_BACKOFF (${retry.backoff}), KAFKA_RETRY_BACKOFF_MAX (30s), KAFKA_COMMIT_INTERVAL (1s),
              KAFKA_START_OFFSET (${D.startOffset}), KAFKA_BATCH_SIZE (${D.batchSize}), KAFKA_CONCURRENCY (${D.concurrency}), SHUTDOWN_TIMEOUT (20s)
Service:      SERVICE_NAME (${kind}: the envelope's "service"), LOG_LEVEL (info)
Metrics:      METRICS_ENABLED (true), METRICS_PORT (${port}), METRICS_HOST (0.0.0.0): /metrics, /health/{live,ready,startup}
${extra}

SIGTERM or SIGINT: stop fetching, finish in-flight messages, commit, exit 0. Exit 1 on a failure it
cannot survive, 2 on bad configuration.`;

export const geobotGatewayCommand: CliCommand = {
  help: `Usage: streamforge geobot-gateway

The geobot LK gateway (seed 003): POST /create_user, /update_user, /info and /start_task wrap the JSON
body into the envelope {service, action, payload: {message, timestamp, data}} and produce it to
create_user_in, update_user_in, info_in and task_in. 202 only after the broker acknowledged it
(acks=all, idempotent producer); an invalid body is 400 SF_INVALID_REQUEST with every reason; a broker
that does not acknowledge within KAFKA_DELIVERY_TIMEOUT_SECONDS is 503 SF_BUS_UNREACHABLE. Swagger UI
at /docs, Prometheus at /metrics, probes at /health/{live,ready,startup}.

${KAFKA}
              KAFKA_DELIVERY_TIMEOUT_SECONDS (${GATEWAY_DELIVERY_TIMEOUT_SECONDS} here: how long a request waits for the broker)
${TOPICS}
              CREATE_TOPICS (true: create missing topics at start)
HTTP:         PORT (5500), HOST (0.0.0.0)
Service:      SERVICE_NAME (lk: the envelope's "service"), LOG_LEVEL (info)

Example:
  curl -s -X POST localhost:5500/create_user -H 'content-type: application/json' \\
    -d '{"user_id": "u1", "username": "ada", "email": "ada@example.org"}'`,
  async run(argv, env) {
    parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
    const config = readGatewayConfig(env);
    const logger = createLogger({ service: 'geobot-gateway', level: config.logLevel });
    await assertPortFree(config.port, config.host, 'PORT');
    const bus = new KafkaBus(config.kafka!);
    const gateway = new GeobotGateway({ config, bus, logger });
    try {
      await gateway.start();
    } catch (error) {
      await gateway.close().catch(() => undefined);
      await bus.close();
      throw error;
    }
    await untilSignal(logger);
    await gateway.close();
    await bus.close();
    logger.flush();
    return 0;
  },
};

export const geobotArmCommand: CliCommand = {
  help: processorHelp(
    'arm',
    `The geobot ARM processor (seed 003): reads create_user_in and update_user_in, stores each user in
PostgreSQL (table geobot_users, upsert by user_id: a repeat changes nothing, an older message never
undoes a newer one) and answers on info_in with the stored row. An update_user for a user that does
not exist yet is retried (its create_user may still be on its way), then dead-lettered (SF_NOT_FOUND).`,
    8000,
    { retries: '5', backoff: '500ms' },
    `Database:     DATABASE_URL (required), DATABASE_SCHEMA (public), DATABASE_MAX_CONNECTIONS (5)`,
  ),
  async run(argv, env) {
    parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
    const config = readArmConfig(env);
    const logger = createLogger({ service: 'geobot-arm', level: config.logLevel });
    const store = new PostgresClient({
      connectionString: config.database.url!,
      maxConnections: config.database.maxConnections,
      applicationName: config.service,
    });
    const bus = new KafkaBus(config.kafka!);
    const service = createArmService({ config, bus, store, logger });
    return runProcessor(service, logger, bus, store);
  },
};

export const geobotWorkerCommand: CliCommand = {
  help: processorHelp(
    'worker',
    `The geobot WORKER processor (seed 003): reads task_in and runs each geometry task (route_length: the
great-circle length of a path; polygon_area: a polygon's area and perimeter), sending progress
envelopes (status "running", done/total, percent) and then the result (status "done") on info_in,
keyed by task_id.`,
    8011,
    { retries: String(D.maxRetries), backoff: '100ms' },
    `Tasks:        TASK_PROGRESS_STEPS (10): progress envelopes per task`,
  ),
  async run(argv, env) {
    parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
    const config = readWorkerConfig(env);
    const logger = createLogger({ service: 'geobot-worker', level: config.logLevel });
    const bus = new KafkaBus(config.kafka!);
    return runProcessor(createWorkerService({ config, bus, logger }), logger, bus);
  },
};

/** Runs a processor until SIGTERM/SIGINT (exit 0) or a failure it cannot survive (exit 1). */
async function runProcessor(
  service: ProcessorService,
  logger: Logger,
  bus: Bus,
  store?: SqlClient,
): Promise<number> {
  let code = 0;
  try {
    await service.start();
    await Promise.race([untilSignal(logger), service.finished()]);
  } catch (error) {
    logger.error({ err: errorMessage(error) }, 'failed');
    code = 1;
  }
  await service.stop().catch(() => undefined);
  await bus.close();
  await store?.close();
  logger.flush();
  // Work abandoned at the shutdown timeout may still hold a socket: exit anyway, soon.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}

function untilSignal(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const remove = onShutdownSignal((signal) => {
      logger.info({ signal }, 'shutting down');
      remove();
      resolve();
    });
  });
}
