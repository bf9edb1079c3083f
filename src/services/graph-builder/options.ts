import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readInteger, readString, type Env } from '../../runtime/index.ts';

/** How the graph is shaped. Defaults are documented in docs/analytics.md (section graph-builder). */
export interface GraphShape {
  /** GRAPH_K: similarity edges into each node (its k nearest earlier windows); default 5. */
  readonly k: number;
  /** GRAPH_LOOKBACK: how many earlier windows a node may link to by similarity; default 288 (a day of 5m). */
  readonly lookback: number;
  /** GRAPH_VOLATILITY_WINDOW: trailing windows of the rolling volatility feature; default 12. */
  readonly volatilityWindow: number;
  /** GRAPH_MIN_WINDOWS: fewer windows than this is SF_GRAPH_INPUT_TOO_SMALL; default 32. */
  readonly minWindows: number;
  /** GRAPH_SEED: seed of Louvain's random order, so communities are reproducible; default 42. */
  readonly seed: number;
}

export const DEFAULT_SHAPE: GraphShape = Object.freeze({
  k: 5,
  lookback: 288,
  volatilityWindow: 12,
  minWindows: 32,
  seed: 42,
});

/** What a graph-builder job reads and writes. Read once from the environment, frozen. */
export interface GraphBuilderOptions extends GraphShape {
  /** COLLECTION_INPUTS: comma-separated; one candle collection and at most one trade collection. */
  readonly inputs: readonly string[];
  /**
   * COLLECTION_OUTPUT, else COLLECTION_NAME (the launcher sets it to the output field's value or the
   * naming rule's `{symbol}_{type}_{YYYY_MM_DD}`): the graph's name; its tables are `{name}_nodes`, `{name}_edges`.
   */
  readonly output: string;
  /** DATABASE_URL: PostgreSQL; without it PGlite in dataDir. */
  readonly databaseUrl: string | undefined;
  /** STREAMFORGE_DATA_DIR for PGlite. */
  readonly dataDir: string | undefined;
  /** GRAPH_READ_CHUNK: windows read per query; default 2000 (bounded memory whatever the range). */
  readonly readChunk: number;
  /** LOADING_INTERVAL_SECONDS: cadence of `loading` telemetry; default 5. */
  readonly loadingIntervalMs: number;
  /** GRAPH_POLL_SECONDS (realtime_graph): how often the live collections are polled; default 5. */
  readonly pollIntervalMs: number;
  /** GRAPH_METRICS_SECONDS (realtime_graph): most frequent metrics publication; default 30. */
  readonly metricsIntervalMs: number;
  /** GRAPH_METRICS_TOPIC (realtime_graph): default `{queue_id}.graph_metrics`. */
  readonly metricsTopic: string | undefined;
}

function readSeconds(env: Env, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0.05) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `${name}="${raw}" is invalid: expected seconds ≥ 0.05`,
    );
  }
  return seconds * 1000;
}

export function readGraphShape(env: Env): GraphShape {
  const k = readInteger(env, 'GRAPH_K', DEFAULT_SHAPE.k, 0);
  const lookback = readInteger(env, 'GRAPH_LOOKBACK', DEFAULT_SHAPE.lookback, 1);
  if (k > lookback) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `GRAPH_K=${k} is larger than GRAPH_LOOKBACK=${lookback}: a node cannot have more neighbours than candidates`,
    );
  }
  return Object.freeze({
    k,
    lookback,
    volatilityWindow: readInteger(env, 'GRAPH_VOLATILITY_WINDOW', DEFAULT_SHAPE.volatilityWindow, 2),
    minWindows: readInteger(env, 'GRAPH_MIN_WINDOWS', DEFAULT_SHAPE.minWindows, 2),
    seed: readInteger(env, 'GRAPH_SEED', DEFAULT_SHAPE.seed, 0),
  });
}

export function readGraphBuilderOptions(env: Env): GraphBuilderOptions {
  const inputs = (readString(env, 'COLLECTION_INPUTS') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (inputs.length === 0) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'COLLECTION_INPUTS is not set: the candle collection (and optionally the trade collection), comma-separated',
    );
  }
  const output = readString(env, 'COLLECTION_OUTPUT') ?? readString(env, 'COLLECTION_NAME');
  if (output === undefined) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'COLLECTION_OUTPUT (or COLLECTION_NAME) is not set: the name of the graph',
    );
  }
  return Object.freeze({
    ...readGraphShape(env),
    inputs: Object.freeze(inputs),
    output,
    databaseUrl: readString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'STREAMFORGE_DATA_DIR'),
    readChunk: readInteger(env, 'GRAPH_READ_CHUNK', 2000, 1),
    loadingIntervalMs: readSeconds(env, 'LOADING_INTERVAL_SECONDS', 5),
    pollIntervalMs: readSeconds(env, 'GRAPH_POLL_SECONDS', 5),
    metricsIntervalMs: readSeconds(env, 'GRAPH_METRICS_SECONDS', 30),
    metricsTopic: readString(env, 'GRAPH_METRICS_TOPIC'),
  });
}
