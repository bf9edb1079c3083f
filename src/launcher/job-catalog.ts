import { ErrorCodes, QUEUE_CANDLE_INTERVALS, StreamForgeError } from '../protocol/index.ts';
import type { JobWork } from '../runtime/index.ts';
import type { JobSpec } from './types.ts';

/**
 * The job catalogue: for every target, which types it accepts and how to run it (a JobRecipe). The
 * launchers read it; the recipes themselves are built where the workers live, in
 * src/services/job-recipes/ (imports point down: a launcher never imports a service). To plug in a
 * real worker, give its target a recipe there whose `work` is the worker's JobWork (inline launcher)
 * and whose `command` is its `streamforge <command>` arguments (process and kubernetes launchers).
 * Targets without a real worker are played by dummy-service with `--simulate-loading`.
 */
export const TARGETS = [
  'loader-producer',
  'arango-connector',
  'graph-builder',
  'gnn-trainer',
  'visualizer',
] as const;
export type Target = (typeof TARGETS)[number];

/** One family of types a target accepts. */
export interface TypeRule {
  /** Matches the whole type. */
  readonly pattern: RegExp;
  /** A streaming (realtime) type runs until stopped and never waits for other jobs of its queue. */
  readonly streaming: boolean;
  /** What a valid type looks like, for the 400 answer that rejects an invalid one. */
  readonly example: string;
}

export interface JobRecipe {
  /** Name of the service in logs. */
  readonly service: string;
  readonly types: readonly TypeRule[];
  /** Inline launcher: the work runJobService runs in-process. */
  work(spec: JobSpec): JobWork;
  /** Process and kubernetes launchers: the arguments of the `streamforge` CLI (command first). */
  command(spec: JobSpec): string[];
}

export type JobCatalog = ReadonlyMap<string, JobRecipe>;

/** The recipe of a spec's target; a target the catalogue does not know is rejected (SF_LAUNCH_REJECTED). */
export function recipeFor(catalog: JobCatalog, target: string): JobRecipe {
  const recipe = catalog.get(target);
  if (!recipe) {
    throw new StreamForgeError(
      ErrorCodes.LAUNCH_REJECTED,
      `no recipe for target "${target}" in the job catalogue`,
    );
  }
  return recipe;
}

/** How dummy-service stands in for a real worker. */
export interface SimulationOptions {
  /** Seconds between `loading` events; default 1. */
  readonly loadingIntervalSeconds: number;
  /** Seconds a historical (non-streaming) job runs before `finished`; default 10. Streaming jobs run until stopped. */
  readonly jobSeconds: number;
  /** records_written added per `loading` event; default 1000. */
  readonly recordsPerTick: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = Object.freeze({
  loadingIntervalSeconds: 1,
  jobSeconds: 10,
  recordsPerTick: 1000,
});

const INTERVAL = `(?:${QUEUE_CANDLE_INTERVALS.join('|')})`;

const rule = (pattern: string, streaming: boolean, example: string): TypeRule =>
  Object.freeze({ pattern: new RegExp(`^${pattern}$`), streaming, example });

/** Market-data types: REST history, live streams, and the offline sources (archive files, synthetic). */
const MARKET_DATA: readonly TypeRule[] = [
  rule(`api_candles_${INTERVAL}`, false, 'api_candles_5m'),
  rule('api_trades', false, 'api_trades'),
  rule(`ws_candles_${INTERVAL}`, true, 'ws_candles_1m'),
  rule('ws_trades', true, 'ws_trades'),
  rule(`(?:archive|synthetic)_candles_${INTERVAL}`, false, 'archive_candles_1m'),
  rule('(?:archive|synthetic)_trades', false, 'synthetic_trades'),
];

export const TARGET_TYPES: Readonly<Record<Target, readonly TypeRule[]>> = Object.freeze({
  'loader-producer': MARKET_DATA,
  // The connector drains the topic of the loader of the same type.
  'arango-connector': MARKET_DATA,
  'graph-builder': [rule('gnn_graph', false, 'gnn_graph'), rule('realtime_graph', true, 'realtime_graph')],
  'gnn-trainer': [
    rule('gnn_train', false, 'gnn_train'),
    rule('realtime_gnn_infer', true, 'realtime_gnn_infer'),
  ],
  visualizer: [rule('graph_metrics_stream', true, 'graph_metrics_stream')],
});

/** A catalogue from one recipe per target. */
export function jobCatalog(recipes: Readonly<Record<Target, JobRecipe>>): JobCatalog {
  return new Map(TARGETS.map((target) => [target, recipes[target]]));
}

/** Whether `type` is streaming for `recipe`; undefined when the recipe does not accept it. */
export function typeRule(recipe: JobRecipe, type: string): TypeRule | undefined {
  return recipe.types.find((r) => r.pattern.test(type));
}
