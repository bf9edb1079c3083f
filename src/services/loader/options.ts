import { readInteger, readString, type Env } from '../../runtime/index.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';

/** How a loader-producer loads, beyond the JobConfig every job has. Read once from the environment, frozen. */
export interface LoaderOptions {
  /** BINANCE_API_URL; default https://data-api.binance.vision (public market data only). */
  readonly apiUrl: string;
  /** BINANCE_WS_URL; default wss://data-stream.binance.vision. */
  readonly wsUrl: string;
  /** ARCHIVE_PATH: a .zip/.csv file or a directory of them (archive_* types). */
  readonly archivePath: string | undefined;
  /** SYNTHETIC_SEED; default 1. */
  readonly syntheticSeed: number;
  /** SYNTHETIC_RECORDS: exactly this many synthetic records (default: as many as TIME_RANGE holds). */
  readonly syntheticRecords: number | undefined;
  /** DATA_TOPIC_PARTITIONS: partitions when the loader creates the data topic; default 3. */
  readonly partitions: number;
  /** LOADER_BATCH_SIZE: records per produce call for offline sources; default 5000. */
  readonly batchSize: number;
  /** PRODUCE_IN_FLIGHT: produce calls awaiting acknowledgement at once; default 4. */
  readonly maxInFlight: number;
  /** LOADING_INTERVAL_SECONDS: cadence of `loading` telemetry; default 5. */
  readonly loadingIntervalMs: number;
  /** BINANCE_WEIGHT_BUDGET_PERCENT: share of REQUEST_WEIGHT to use; default 80. */
  readonly weightBudget: number;
  /** BINANCE_MAX_RETRIES: attempts after a transient REST failure; default 8. */
  readonly maxRetries: number;
  /** BINANCE_MAX_BAN_WAIT_SECONDS: longest 418 ban waited out; default 300. */
  readonly maxBanWaitMs: number;
  /** WS_MAX_CONNECTION_SECONDS: reconnect before Binance's 24 h cut-off; default 85800 (23 h 50 min). */
  readonly wsMaxConnectionMs: number;
  /** WS_STALE_SECONDS: reconnect when nothing (not even a ping) arrived for this long; default 90. */
  readonly wsStaleMs: number;
  /** WS_RECONNECT_MAX_SECONDS: cap of the jittered reconnect backoff; default 30. */
  readonly wsReconnectMaxMs: number;
}

export function readLoaderOptions(env: Env): LoaderOptions {
  const budget = readInteger(env, 'BINANCE_WEIGHT_BUDGET_PERCENT', 80, 1);
  if (budget > 100) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `BINANCE_WEIGHT_BUDGET_PERCENT=${budget}: expected 1–100`,
    );
  }
  const records = readString(env, 'SYNTHETIC_RECORDS');
  return Object.freeze({
    apiUrl: readString(env, 'BINANCE_API_URL', 'https://data-api.binance.vision'),
    wsUrl: readString(env, 'BINANCE_WS_URL', 'wss://data-stream.binance.vision'),
    archivePath: readString(env, 'ARCHIVE_PATH'),
    syntheticSeed: readInteger(env, 'SYNTHETIC_SEED', 1),
    syntheticRecords: records === undefined ? undefined : readInteger(env, 'SYNTHETIC_RECORDS', 0),
    partitions: readInteger(env, 'DATA_TOPIC_PARTITIONS', 3, 1),
    batchSize: readInteger(env, 'LOADER_BATCH_SIZE', 5000, 1),
    maxInFlight: readInteger(env, 'PRODUCE_IN_FLIGHT', 4, 1),
    loadingIntervalMs: readSeconds(env, 'LOADING_INTERVAL_SECONDS', 5) * 1000,
    weightBudget: budget / 100,
    maxRetries: readInteger(env, 'BINANCE_MAX_RETRIES', 8),
    maxBanWaitMs: readInteger(env, 'BINANCE_MAX_BAN_WAIT_SECONDS', 300) * 1000,
    wsMaxConnectionMs: readInteger(env, 'WS_MAX_CONNECTION_SECONDS', 85_800, 1) * 1000,
    wsStaleMs: readInteger(env, 'WS_STALE_SECONDS', 90, 1) * 1000,
    wsReconnectMaxMs: readInteger(env, 'WS_RECONNECT_MAX_SECONDS', 30, 1) * 1000,
  });
}

/** Seconds, fractions allowed (tests tick faster than people need). */
function readSeconds(env: Env, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0.05) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `${name}="${raw}" is invalid: expected seconds ≥ 0.05`,
    );
  }
  return value;
}
