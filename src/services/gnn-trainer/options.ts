// What a gnn-trainer job reads from its environment, once, frozen. The request fields of seed 004 arrive
// as variables (launcher/job-env.ts): graph_collection → GRAPH_COLLECTION, model_output → MODEL_OUTPUT,
// inference_interval → INFERENCE_INTERVAL.
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readChoice, readInteger, readString, requireString, type Env } from '../../runtime/index.ts';
import {
  marketTrainSettings,
  MARKET_TRAIN_DEFAULTS,
  type MarketTrainSettings,
} from './market/train-market.ts';

export const GNN_TRAINER_TYPES = ['gnn_train', 'realtime_gnn_infer'] as const;
export type GnnTrainerType = (typeof GNN_TRAINER_TYPES)[number];

export interface GnnTrainerOptions {
  /** TYPE: gnn_train or realtime_gnn_infer. */
  readonly type: GnnTrainerType;
  /** GRAPH_COLLECTION (required): the graph-builder's collection_output. */
  readonly graphCollection: string;
  /**
   * MODEL_OUTPUT: where gnn_train saves (default `{graph_collection}_gcn_model`); for realtime_gnn_infer
   * where to look (default: the registry, findLatestModel).
   */
  readonly modelOutput: string | undefined;
  /** PREDICTIONS_COLLECTION: realtime_gnn_infer's output; default `{graph_collection}_predictions`. */
  readonly predictionsCollection: string;
  /** KAFKA_TOPIC: where realtime_gnn_infer publishes predictions (the queue manager creates it); default `{graph_collection}.predictions`. */
  readonly topic: string;
  /** INFERENCE_INTERVAL: `30s`, `5m`, `1h` or seconds; default 5m. */
  readonly inferenceIntervalMs: number;
  /** INFERENCE_MAX_NODES: most windows scored per tick; default 500. */
  readonly maxNodesPerTick: number;
  /** LOADING_INTERVAL_SECONDS: least time between two `loading` events while training; default 1. */
  readonly reportEveryMs: number;
  /** GNN_EPOCHS, GNN_HIDDEN, GNN_SEED, GNN_FLAT_QUANTILE; the rest are the paper's (MARKET_TRAIN_DEFAULTS). */
  readonly settings: MarketTrainSettings;
  /** DATABASE_URL: PostgreSQL; without it PGlite in STREAMFORGE_DATA_DIR. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string | undefined;
}

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h)?$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(name: string, value: string): number {
  const match = DURATION.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 's']! : NaN;
  if (!(ms >= 100)) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `${name}="${value}" is invalid: expected a duration such as 30s, 5m or 1h (at least 0.1 s)`,
    );
  }
  return ms;
}

export function readGnnTrainerOptions(env: Env): GnnTrainerOptions {
  const graphCollection = requireString(
    env,
    'GRAPH_COLLECTION',
    'the graph to train on or score (graph_collection)',
  );
  const type = readChoice(env, 'TYPE', GNN_TRAINER_TYPES, 'gnn_train');
  const quantile = readString(env, 'GNN_FLAT_QUANTILE');
  const seconds = Number(readString(env, 'LOADING_INTERVAL_SECONDS', '1'));
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, 'LOADING_INTERVAL_SECONDS: expected seconds ≥ 0');
  }
  const modelOutput = readString(env, 'MODEL_OUTPUT');
  return Object.freeze({
    type,
    graphCollection,
    modelOutput: modelOutput ?? (type === 'gnn_train' ? `${graphCollection}_gcn_model` : undefined),
    predictionsCollection: readString(env, 'PREDICTIONS_COLLECTION', `${graphCollection}_predictions`),
    topic: readString(env, 'KAFKA_TOPIC', `${graphCollection}.predictions`),
    inferenceIntervalMs: parseDurationMs('INFERENCE_INTERVAL', readString(env, 'INFERENCE_INTERVAL', '5m')),
    maxNodesPerTick: readInteger(env, 'INFERENCE_MAX_NODES', 500, 1),
    reportEveryMs: seconds * 1000,
    settings: marketTrainSettings({
      epochs: readInteger(env, 'GNN_EPOCHS', MARKET_TRAIN_DEFAULTS.epochs, 1),
      hidden: readInteger(env, 'GNN_HIDDEN', MARKET_TRAIN_DEFAULTS.hidden, 1),
      seed: readInteger(env, 'GNN_SEED', MARKET_TRAIN_DEFAULTS.seed, 0),
      flatQuantile: quantile === undefined ? MARKET_TRAIN_DEFAULTS.flatQuantile : Number(quantile),
    }),
    databaseUrl: readString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'STREAMFORGE_DATA_DIR'),
  });
}
