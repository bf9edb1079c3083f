// One run of the paper's experiment on Cora: a fresh GCN with the paper's hyper-parameters, trained with
// its early stopping, then scored on the 1000 test nodes with the last weights (as the paper's code).
import { normalizedAdjacency } from '../model/adjacency.ts';
import type { Precision } from '../model/csr.ts';
import { GcnSession, initGcnWeights } from '../model/gcn.ts';
import { SeededRng } from '../model/rng.ts';
import { PAPER_TRAIN_SETTINGS, trainGcn, type TrainResult, type TrainSettings } from '../model/train.ts';
import type { CoraDataset } from './load-cora.ts';

export const PAPER_MODEL = Object.freeze({ hidden: 16, dropout: 0.5, weightDecay: 5e-4 });

export interface CoraRun {
  readonly seed: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly training: TrainResult;
}

export function runCora(
  cora: CoraDataset,
  seed: number,
  settings: TrainSettings = PAPER_TRAIN_SETTINGS,
  precision: Precision = 'float32',
): CoraRun {
  const rng = new SeededRng(seed);
  const adjacency = normalizedAdjacency(cora.nodes, cora.edges, 'symmetric', precision);
  const features =
    cora.features.values instanceof Float32Array === (precision === 'float32')
      ? cora.features
      : {
          ...cora.features,
          values:
            precision === 'float32'
              ? Float32Array.from(cora.features.values)
              : Float64Array.from(cora.features.values),
        };
  const weights = initGcnWeights(
    { inputs: features.cols, hidden: PAPER_MODEL.hidden, classes: cora.classes },
    precision,
    rng,
  );
  const session = new GcnSession(weights, { adjacency, features, labels: cora.labels }, PAPER_MODEL);
  const training = trainGcn(session, cora.split, settings, rng);
  const test = session.evaluate(cora.split.test);
  return { seed, testAccuracy: test.accuracy, testLoss: test.loss, training };
}
