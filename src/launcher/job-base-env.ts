import type { Env } from '../runtime/index.ts';

/** What the operating system and Node need to run a child the way its parent ran. */
const SYSTEM_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'TZ',
  'TMPDIR',
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
]);

/**
 * Settings jobs read (docs/market-data.md, the dummy flag table, the runtime's APP_/LOG_/METRICS_
 * variables). What is not here stays with the manager: QUEUE_MANAGER_TOKEN, K8S_*, JOB_LAUNCHER,
 * PORT/HOST, the manager's own tuning — and whatever else the manager's environment happens to hold.
 */
const JOB_PREFIXES = [
  'LC_',
  'APP_',
  'LOG_',
  'METRICS_',
  'KAFKA_',
  'DATABASE_',
  'ARANGO_',
  'BINANCE_',
  'WS_',
  'LOADER_',
  'CONNECTOR_',
  'SYNTHETIC_',
  'SIMULATED_',
  // graph-builder's and gnn-trainer's tuning (GRAPH_K, GNN_EPOCHS, INFERENCE_MAX_NODES…).
  'GRAPH_',
  'GNN_',
  'INFERENCE_',
];
const JOB_NAMES = new Set([
  'ARCHIVE_PATH',
  'UPSERT_METHOD',
  'PRODUCE_IN_FLIGHT',
  'DATA_TOPIC_PARTITIONS',
  'LOADING_INTERVAL_SECONDS',
  'SHUTDOWN_TIMEOUT',
  'LIVENESS_TIMEOUT',
]);

/**
 * The part of the manager's environment a job process inherits: an allow-list, so that a secret added to
 * the manager (its API token first of all) never reaches a job by accident. A job's own variables
 * (jobEnvironment) are added on top by the launcher.
 */
export function jobBaseEnvironment(env: Env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SYSTEM_NAMES.has(name) || JOB_NAMES.has(name) || JOB_PREFIXES.some((p) => name.startsWith(p))) {
      kept[name] = value;
    }
  }
  return kept;
}
