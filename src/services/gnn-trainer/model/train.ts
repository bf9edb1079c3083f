import { Adam, ADAM_DEFAULTS } from './adam.ts';
import type { Evaluation, GcnSession } from './gcn.ts';
import type { SeededRng } from './rng.ts';

export interface TrainSettings {
  /** Most epochs (full-batch steps); paper: 200. */
  readonly epochs: number;
  /** Adam's learning rate; paper: 0.01. */
  readonly learningRate: number;
  /**
   * Early stopping as the paper's code: after epoch `window`, stop as soon as the validation loss is above
   * the mean of the `window` losses before it. 0: never stop early.
   */
  readonly earlyStoppingWindow: number;
  /**
   * Keep the weights of the epoch with the lowest validation loss instead of the last ones. The paper's
   * code keeps the last (false); the market model restores the best (a noisy target overfits fast).
   */
  readonly restoreBest: boolean;
}

export const PAPER_TRAIN_SETTINGS: TrainSettings = Object.freeze({
  epochs: 200,
  learningRate: 0.01,
  earlyStoppingWindow: 10,
  restoreBest: false,
});

export interface NodeSplit {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
}

/** What a caller sees after each epoch: for the CLI's progress line and `loading` telemetry. */
export interface EpochProgress {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  readonly train: Evaluation;
  readonly validation: Evaluation;
  readonly elapsedMs: number;
  /** Time left if every remaining epoch runs (early stopping can only make it shorter). */
  readonly etaMs: number;
}

export interface TrainResult {
  readonly epochsRun: number;
  readonly stoppedEarly: boolean;
  /** 1-based epoch whose weights the model holds now. */
  readonly keptEpoch: number;
  readonly validation: Evaluation;
  readonly totalMs: number;
  readonly msPerEpoch: number;
  /** CPU time (user + system) of this process per epoch: steadier than wall time on a shared machine. */
  readonly cpuMsPerEpoch: number;
}

/** Full-batch training of `session`'s weights on `split.train`, watching `split.validation`. */
export function trainGcn(
  session: GcnSession,
  split: NodeSplit,
  settings: TrainSettings,
  rng: SeededRng,
  onEpoch?: (progress: EpochProgress) => void,
): TrainResult {
  const { w1, w2, precision } = session.weights;
  const adam = new Adam([w1, w2], precision, { ...ADAM_DEFAULTS, learningRate: settings.learningRate });
  const grads = [session.grad1, session.grad2];
  const best = settings.restoreBest
    ? { w1: w1.slice(), w2: w2.slice(), loss: Infinity, epoch: 0 }
    : undefined;
  const validationLosses = new Float64Array(settings.epochs);
  const window = settings.earlyStoppingWindow;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let epochsRun = 0;
  let stoppedEarly = false;
  let validation: Evaluation = { loss: NaN, accuracy: NaN };

  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const train = session.lossAndGradients(split.train, rng);
    adam.step(grads);
    validation = session.evaluate(split.validation);
    validationLosses[epoch] = validation.loss;
    epochsRun = epoch + 1;
    if (best && validation.loss < best.loss) {
      best.w1.set(w1);
      best.w2.set(w2);
      best.loss = validation.loss;
      best.epoch = epochsRun;
    }
    if (onEpoch) {
      const elapsedMs = performance.now() - started;
      onEpoch({
        epoch: epochsRun,
        epochs: settings.epochs,
        train,
        validation,
        elapsedMs,
        etaMs: (elapsedMs / epochsRun) * (settings.epochs - epochsRun),
      });
    }
    if (window > 0 && epoch > window && validation.loss > mean(validationLosses, epoch - window, epoch)) {
      stoppedEarly = true;
      break;
    }
  }
  let keptEpoch = epochsRun;
  if (best && best.epoch > 0) {
    w1.set(best.w1);
    w2.set(best.w2);
    keptEpoch = best.epoch;
    validation = session.evaluate(split.validation);
  }
  const totalMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  return {
    epochsRun,
    stoppedEarly,
    keptEpoch,
    validation,
    totalMs,
    msPerEpoch: totalMs / epochsRun,
    cpuMsPerEpoch: (cpu.user + cpu.system) / 1000 / epochsRun,
  };
}

function mean(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}
