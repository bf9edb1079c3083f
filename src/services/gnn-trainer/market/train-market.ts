// gnn_train on a market graph: label each window with the next window's direction, cut the windows in
// time order, fit the normalisation and the dead band on the training part only, train a causal GCN with
// early stopping on validation, and score it on the newest windows next to two baselines.
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import { nodeCount, type GraphData } from '../../graph-builder/graph-data.ts';
import { normalizedAdjacency } from '../model/adjacency.ts';
import { csrFromDense } from '../model/csr.ts';
import { GcnSession, initGcnWeights, type GcnGraph } from '../model/gcn.ts';
import { SeededRng } from '../model/rng.ts';
import {
  trainGcn,
  trainGcnAsync,
  type EpochProgress,
  type TrainResult,
  type TrainSettings,
} from '../model/train.ts';
import { logisticRegression, majorityClass } from './baselines.ts';
import { deadBand, DIRECTION_CLASSES, directionLabels, nextReturns } from './labels.ts';
import { applyNormalisation, fitNormalisation, type Normalisation } from './normalisation.ts';
import type { NodeRange, SavedGcnModel } from './saved-model.ts';
import { chronologicalSplit, type ChronologicalSplit } from './split.ts';
import { validateGraph } from './validate-graph.ts';

export interface MarketTrainSettings {
  readonly hidden: number;
  readonly dropout: number;
  readonly weightDecay: number;
  readonly learningRate: number;
  readonly epochs: number;
  readonly earlyStoppingWindow: number;
  readonly seed: number;
  /** Dead band: the quantile of |next return| over the training windows under which a window is flat. */
  readonly flatQuantile: number;
  readonly trainFraction: number;
  readonly validationFraction: number;
  readonly minNodesPerPart: number;
}

/** The paper's model and optimiser settings; a 70/15/15 split; a third of the training labels flat. */
export const MARKET_TRAIN_DEFAULTS: MarketTrainSettings = Object.freeze({
  hidden: 16,
  dropout: 0.5,
  weightDecay: 5e-4,
  learningRate: 0.01,
  epochs: 200,
  earlyStoppingWindow: 10,
  seed: 1,
  flatQuantile: 1 / 3,
  trainFraction: 0.7,
  validationFraction: 0.15,
  minNodesPerPart: 10,
});

export function marketTrainSettings(overrides: Partial<MarketTrainSettings> = {}): MarketTrainSettings {
  const s = { ...MARKET_TRAIN_DEFAULTS, ...overrides };
  const bad = (name: string, rule: string): never => {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `gnn-trainer ${name}: expected ${rule}`);
  };
  if (!Number.isInteger(s.hidden) || s.hidden < 1) bad('hidden', 'an integer ≥ 1');
  if (!(s.dropout >= 0 && s.dropout < 1)) bad('dropout', 'a number in [0, 1)');
  if (!(s.weightDecay >= 0)) bad('weightDecay', 'a number ≥ 0');
  if (!(s.learningRate > 0)) bad('learningRate', 'a number > 0');
  if (!Number.isInteger(s.epochs) || s.epochs < 1) bad('epochs', 'an integer ≥ 1');
  if (!Number.isInteger(s.earlyStoppingWindow) || s.earlyStoppingWindow < 0)
    bad('earlyStoppingWindow', 'an integer ≥ 0');
  if (!Number.isInteger(s.seed)) bad('seed', 'an integer');
  if (!(s.flatQuantile >= 0 && s.flatQuantile < 1)) bad('flatQuantile', 'a number in [0, 1)');
  if (!(s.trainFraction > 0 && s.validationFraction > 0 && s.trainFraction + s.validationFraction < 1)) {
    bad('trainFraction/validationFraction', 'positive shares that leave some windows for the test');
  }
  if (!Number.isInteger(s.minNodesPerPart) || s.minNodesPerPart < 1) bad('minNodesPerPart', 'an integer ≥ 1');
  return Object.freeze(s);
}

/** The graph as the model sees it: normalised features and the causal propagation matrix. */
export function modelGraph(graph: GraphData, normalisation: Normalisation, labels: Int32Array): GcnGraph {
  const n = nodeCount(graph);
  const width = graph.featureNames.length;
  return {
    adjacency: normalizedAdjacency(n, graph.edges, 'causal', 'float32'),
    features: csrFromDense(n, width, applyNormalisation(graph.features, width, normalisation), 'float32'),
    labels,
  };
}

/** Everything between the graph and the training loop: labels, split, normalisation, a fresh model. */
interface PreparedTraining {
  readonly graph: GraphData;
  readonly settings: MarketTrainSettings;
  readonly split: ChronologicalSplit;
  readonly labels: Int32Array;
  readonly threshold: number;
  readonly normalisation: Normalisation;
  readonly session: GcnSession;
  readonly rng: SeededRng;
}

function prepare(graph: GraphData, settings: MarketTrainSettings): PreparedTraining {
  validateGraph(graph);
  const n = nodeCount(graph);
  const needed = 3 * settings.minNodesPerPart + 1;
  if (n < needed) {
    throw new StreamForgeError(
      ErrorCodes.GRAPH_TOO_SMALL,
      `graph ${graph.collection} has ${n} nodes: training needs at least ${needed} ` +
        `(${settings.minNodesPerPart} labelled windows each for train, validation and test, and the next window)`,
    );
  }
  const returns = nextReturns(graph.close);
  const split = chronologicalSplit(returns.length, settings);
  const threshold = deadBand(returns, split.train, settings.flatQuantile);
  const labels = directionLabels(returns, n, threshold);
  const width = graph.featureNames.length;
  const normalisation = fitNormalisation(graph.features, width, split.train);
  const rng = new SeededRng(settings.seed);
  const shape = { inputs: width, hidden: settings.hidden, classes: DIRECTION_CLASSES.length };
  const session = new GcnSession(
    initGcnWeights(shape, 'float32', rng),
    modelGraph(graph, normalisation, labels),
    settings,
  );
  return { graph, settings, split, labels, threshold, normalisation, session, rng };
}

function trainSettings(settings: MarketTrainSettings): TrainSettings {
  return { ...settings, restoreBest: true };
}

/** Trains a market model to the end, synchronously (tests, benches, small graphs). */
export function trainMarketModel(
  graph: GraphData,
  settings: MarketTrainSettings = MARKET_TRAIN_DEFAULTS,
  onEpoch?: (progress: EpochProgress) => void,
): SavedGcnModel {
  const p = prepare(graph, settings);
  const training = trainGcn(p.session, p.split, trainSettings(settings), p.rng, onEpoch);
  return finish(p, training);
}

/**
 * trainMarketModel for a job: gives the event loop a turn between epochs; resolves to undefined when
 * `signal` aborts (a stopped job saves nothing).
 */
export async function trainMarketModelAsync(
  graph: GraphData,
  settings: MarketTrainSettings,
  options: { onEpoch?: (progress: EpochProgress) => void; signal?: AbortSignal } = {},
): Promise<SavedGcnModel | undefined> {
  const p = prepare(graph, settings);
  const training = await trainGcnAsync(p.session, p.split, trainSettings(settings), p.rng, options);
  return training.aborted ? undefined : finish(p, training);
}

/** The test scores, the baselines on the same split, and the record to save. */
function finish(p: PreparedTraining, training: TrainResult): SavedGcnModel {
  const { graph, settings, split, labels, session, normalisation } = p;
  const n = nodeCount(graph);
  const width = graph.featureNames.length;
  const classes = DIRECTION_CLASSES.length;
  const majority = majorityClass(labels, split.train, classes);
  const x = applyNormalisation(graph.features, width, normalisation);
  const logistic = logisticRegression(x, width, labels, classes, split);
  const shares = new Array<number>(classes).fill(0);
  for (const i of split.test) shares[labels[i]!]! += 1 / split.test.length;
  const range = (from: number, to: number): NodeRange => ({
    nodes: to - from + 1,
    from: new Date(graph.openTimes[from]!).toISOString(),
    to: new Date(graph.openTimes[to]!).toISOString(),
  });
  const partRange = (nodes: Uint32Array): NodeRange => range(nodes[0]!, nodes.at(-1)!);
  const { weights } = session;
  return {
    format: 'streamforge-gcn/1',
    graphCollection: graph.collection,
    symbol: graph.symbol,
    interval: graph.interval,
    featureNames: [...graph.featureNames],
    normalisation,
    classes: [...DIRECTION_CLASSES],
    deadBand: { quantile: settings.flatQuantile, threshold: p.threshold },
    propagation: 'causal',
    shape: weights.shape,
    // Nine significant digits give back every float32 exactly.
    weights: { w1: toNumbers(weights.w1), w2: toNumbers(weights.w2) },
    settings: { ...settings },
    dataRange: range(0, n - 1),
    split: {
      train: partRange(split.train),
      validation: partRange(split.validation),
      test: partRange(split.test),
    },
    metrics: {
      train: session.evaluate(split.train),
      validation: session.evaluate(split.validation),
      test: session.evaluate(split.test),
      testClassShares: shares,
      baselines: {
        majority: {
          class: DIRECTION_CLASSES[majority]!,
          testAccuracy:
            split.test.reduce((hits, i) => hits + (labels[i] === majority ? 1 : 0), 0) / split.test.length,
        },
        logisticRegression: {
          testAccuracy: logistic.testAccuracy,
          validationAccuracy: logistic.validationAccuracy,
        },
      },
      epochsRun: training.epochsRun,
      keptEpoch: training.keptEpoch,
      stoppedEarly: training.stoppedEarly,
      msPerEpoch: training.msPerEpoch,
    },
    trainedAt: new Date().toISOString(),
  };
}

function toNumbers(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Number(v.toPrecision(9)));
}
