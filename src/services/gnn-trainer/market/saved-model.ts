import type { Propagation } from '../model/adjacency.ts';
import type { GcnShape } from '../model/gcn.ts';
import type { Normalisation } from './normalisation.ts';

/** A window range: open times (ms since the epoch, and ISO) of the first and last node and the count. */
export interface NodeRange {
  readonly nodes: number;
  readonly from: string;
  readonly to: string;
}

export interface Score {
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * Everything needed to score a graph later and to judge the model: weights, the normalisation fitted on
 * the training windows, the exact feature list, the labelling rule, where the data came from, and the
 * honest metrics next to the baselines. Stored as JSON (model-store.ts).
 */
export interface SavedGcnModel {
  readonly format: 'streamforge-gcn/1';
  readonly graphCollection: string;
  readonly symbol: string;
  readonly interval: string;
  readonly featureNames: readonly string[];
  readonly normalisation: Normalisation;
  readonly classes: readonly string[];
  /** Labels: the next window's log return against ± threshold (the `quantile` of |r| on train). */
  readonly deadBand: { readonly quantile: number; readonly threshold: number };
  readonly propagation: Propagation;
  readonly shape: GcnShape;
  readonly weights: { readonly w1: number[]; readonly w2: number[] };
  readonly settings: Readonly<Record<string, number>>;
  readonly dataRange: NodeRange;
  readonly split: { readonly train: NodeRange; readonly validation: NodeRange; readonly test: NodeRange };
  readonly metrics: {
    readonly train: Score;
    readonly validation: Score;
    readonly test: Score;
    /** Share of each class (down, flat, up) among the test labels. */
    readonly testClassShares: number[];
    readonly baselines: {
      readonly majority: { readonly class: string; readonly testAccuracy: number };
      readonly logisticRegression: { readonly testAccuracy: number; readonly validationAccuracy: number };
    };
    readonly epochsRun: number;
    readonly keptEpoch: number;
    readonly stoppedEarly: boolean;
    readonly msPerEpoch: number;
  };
  readonly trainedAt: string;
}
