import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KafkaBus } from '../../bus/index.ts';
import {
  KubernetesLauncher,
  ProcessLauncher,
  readKubernetesJobOptions,
  type JobCatalog,
  type JobLauncher,
} from '../../launcher/index.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import {
  assertPortFree,
  createLogger,
  readChoice,
  readKafkaConfig,
  readString,
  requireString,
  type Env,
  type Logger,
} from '../../runtime/index.ts';
import {
  QueueManager,
  readQueueManagerConfig,
  storeGraphReader,
} from '../../services/queue-manager/index.ts';
import { openStore } from '../../store/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';
import { serveUntilSignal, startOrClose } from './serve.ts';
import { createJobCatalog } from '../../services/job-catalogue.ts';
import { ArangoSink, PostgresSink, readConnectorOptions } from '../../services/connector/index.ts';

export function createDistributedLauncher(env: Env, catalog: JobCatalog, logger: Logger): JobLauncher {
  const kind = readChoice(env, 'JOB_LAUNCHER', ['kubernetes', 'process'] as const, 'kubernetes');
  if (kind === 'process') {
    return new ProcessLauncher({
      catalog,
      baseEnv: env,
      logDir: readString(env, 'PROCESS_LOG_DIR', join(tmpdir(), 'streamforge-jobs')),
    });
  }
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromDefault();
  } catch (error) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `JOB_LAUNCHER=kubernetes but no Kubernetes configuration was found (in-cluster service account, KUBECONFIG or ~/.kube/config): ${(error as Error).message}. For local runs use JOB_LAUNCHER=process.`,
      { cause: error },
    );
  }
  // With nothing to load, client-node falls back to http://localhost:8080 — this manager's own port.
  if (
    kubeConfig.getCurrentContext() === 'loaded-context' &&
    kubeConfig.getCurrentCluster()?.server === 'http://localhost:8080'
  ) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'JOB_LAUNCHER=kubernetes but no Kubernetes configuration was found (in-cluster service account, KUBECONFIG or ~/.kube/config). For local runs use JOB_LAUNCHER=process.',
    );
  }
  return new KubernetesLauncher({ catalog, kubeConfig, jobs: readKubernetesJobOptions(env), logger });
}

export const queueManagerCommand: CliCommand = {
  help: `Usage: streamforge queue-manager

Serves the queue manager's REST API (Swagger UI at /docs) and runs its jobs as Kubernetes Jobs or
local child processes. Needs Kafka and PostgreSQL; for a laptop without either, use "streamforge up".

Environment (defaults in brackets):
  DATABASE_URL                 PostgreSQL, e.g. postgres://user:pass@host:5432/streamforge (required)
  KAFKA_BOOTSTRAP_SERVERS      host:port,… (required); KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH for TLS + SCRAM
  PORT [8080], HOST [0.0.0.0]  where the API listens
  QUEUE_MANAGER_TOKEN          bearer token required by POST routes (unset: none)
  JOB_LAUNCHER [kubernetes]    kubernetes | process
  QUEUE_CONTROL_TOPIC [queue-control], QUEUE_EVENTS_TOPIC [queue-events]
  QUEUE_MANAGER_GROUP_ID [streamforge-queue-manager], QUEUE_EVENTS_PARTITIONS [1], DATA_TOPIC_PARTITIONS [3]
  HEARTBEAT_TIMEOUT_SECONDS [60], PING_TIMEOUT_SECONDS [10], START_TIMEOUT_SECONDS [300]
  STOP_GRACE_SECONDS [30], EXIT_GRACE_SECONDS [5], SUPERVISE_INTERVAL_MS [1000]
  FOLD_BATCH_SIZE [5000], QUEUE_CACHE_TTL_MS [1000], LOG_LEVEL [info]
  SIMULATED_JOB_SECONDS [10], SIMULATED_LOADING_INTERVAL_SECONDS [1], SIMULATED_RECORDS_PER_TICK [1000]
  process launcher:    PROCESS_LOG_DIR [<tmp>/streamforge-jobs]; children inherit this environment
  kubernetes launcher: K8S_NAMESPACE, K8S_IMAGE [streamforge:latest], K8S_IMAGE_<TARGET>,
    K8S_ENV_CONFIGMAP [streamforge-config], K8S_ENV_SECRET [streamforge-secrets],
    K8S_KAFKA_CA_SECRET [streamforge-kafka-ca], K8S_KAFKA_CA_KEY [ca.crt], K8S_KAFKA_CA_MOUNT [/etc/streamforge/kafka-ca],
    K8S_NODE_SELECTOR (k=v,…), K8S_BACKOFF_LIMIT [0], K8S_TTL_SECONDS_AFTER_FINISHED [3600],
    K8S_ACTIVE_DEADLINE_SECONDS, K8S_IMAGE_PULL_SECRET, K8S_SERVICE_ACCOUNT, K8S_POLL_SECONDS [10]

See docs/queue-manager.md.`,
  async run(argv, env) {
    parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
    const config = readQueueManagerConfig(env);
    const kafka = readKafkaConfig(env, 'streamforge-queue-manager');
    if (!kafka) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        'KAFKA_BOOTSTRAP_SERVERS is not set: the distributed queue manager needs Kafka. Without it, run "streamforge up".',
      );
    }
    const databaseUrl = requireString(
      env,
      'DATABASE_URL',
      'the distributed queue manager keeps its state in PostgreSQL',
    );
    const logger = createLogger({ service: 'queue-manager', level: readString(env, 'LOG_LEVEL', 'info') });
    const catalog = createJobCatalog({ simulation: config.simulation, workers: { env } });
    const launcher = createDistributedLauncher(env, catalog, logger);
    await assertPortFree(config.port, config.host, 'PORT');
    const sql = await openStore({ databaseUrl });
    const bus = new KafkaBus(kafka);
    // GET /collections/{name} reads where the connectors write: ArangoDB when ARANGO_URL is set, else
    // this database (jobs inherit DATABASE_URL).
    const arango = readConnectorOptions(env).arango;
    const collections = arango ? new ArangoSink(arango) : new PostgresSink(sql);
    const graphs = storeGraphReader(sql);
    const manager = new QueueManager({ config, sql, bus, launcher, catalog, logger, collections, graphs });
    await startOrClose(manager, bus, sql);
    try {
      return await serveUntilSignal(manager, { bus, sql, logger });
    } finally {
      await collections.close();
    }
  },
};
