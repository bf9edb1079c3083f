import { Adam, ADAM_DEFAULTS } from './adam.ts';
import type { FloatArray } from './csr.ts';
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

/**
 * Full-batch training of a session's weights on `split.train`, watching `split.validation`, one epoch per
 * step(): the synchronous trainGcn runs it to the end, trainGcnAsync gives the event loop a turn between
 * epochs (a job must keep answering pings and stop commands while it trains).
 */
export class GcnTraining {
  readonly #session: GcnSession;
  readonly #split: NodeSplit;
  readonly #settings: TrainSettings;
  readonly #rng: SeededRng;
  readonly #adam: Adam;
  readonly #best: { w1: FloatArray; w2: FloatArray; loss: number; epoch: number } | undefined;
  readonly #validationLosses: Float64Array;
  readonly #started = performance.now();
  readonly #cpuStarted = process.cpuUsage();
  #epochsRun = 0;
  #stoppedEarly = false;
  #validation: Evaluation = { loss: NaN, accuracy: NaN };

  constructor(session: GcnSession, split: NodeSplit, settings: TrainSettings, rng: SeededRng) {
    const { w1, w2, precision } = session.weights;
    this.#session = session;
    this.#split = split;
    this.#settings = settings;
    this.#rng = rng;
    this.#adam = new Adam([w1, w2], precision, { ...ADAM_DEFAULTS, learningRate: settings.learningRate });
    this.#best = settings.restoreBest
      ? { w1: w1.slice(), w2: w2.slice(), loss: Infinity, epoch: 0 }
      : undefined;
    this.#validationLosses = new Float64Array(settings.epochs);
  }

  get done(): boolean {
    return this.#stoppedEarly || this.#epochsRun >= this.#settings.epochs;
  }

  /** Runs one epoch: a training step on the train nodes, then the validation loss (dropout off). */
  step(): EpochProgress {
    const session = this.#session;
    const { w1, w2 } = session.weights;
    const epoch = this.#epochsRun;
    const train = session.lossAndGradients(this.#split.train, this.#rng);
    this.#adam.step([session.grad1, session.grad2]);
    const validation = (this.#validation = session.evaluate(this.#split.validation));
    this.#validationLosses[epoch] = validation.loss;
    this.#epochsRun = epoch + 1;
    const best = this.#best;
    if (best && validation.loss < best.loss) {
      best.w1.set(w1);
      best.w2.set(w2);
      best.loss = validation.loss;
      best.epoch = this.#epochsRun;
    }
    const window = this.#settings.earlyStoppingWindow;
    if (
      window > 0 &&
      epoch > window &&
      validation.loss > mean(this.#validationLosses, epoch - window, epoch)
    ) {
      this.#stoppedEarly = true;
    }
    const elapsedMs = performance.now() - this.#started;
    const epochs = this.#settings.epochs;
    return {
      epoch: this.#epochsRun,
      epochs,
      train,
      validation,
      elapsedMs,
      etaMs: this.done ? 0 : (elapsedMs / this.#epochsRun) * (epochs - this.#epochsRun),
    };
  }

  /** Ends training: restores the best weights when asked to, and reports how it went. */
  finish(): TrainResult {
    const session = this.#session;
    let keptEpoch = this.#epochsRun;
    let validation = this.#validation;
    const best = this.#best;
    if (best && best.epoch > 0) {
      session.weights.w1.set(best.w1);
      session.weights.w2.set(best.w2);
      keptEpoch = best.epoch;
      validation = session.evaluate(this.#split.validation);
    }
    const totalMs = performance.now() - this.#started;
    const cpu = process.cpuUsage(this.#cpuStarted);
    const epochsRun = Math.max(1, this.#epochsRun);
    return {
      epochsRun: this.#epochsRun,
      stoppedEarly: this.#stoppedEarly,
      keptEpoch,
      validation,
      totalMs,
      msPerEpoch: totalMs / epochsRun,
      cpuMsPerEpoch: (cpu.user + cpu.system) / 1000 / epochsRun,
    };
  }
}

export function trainGcn(
  session: GcnSession,
  split: NodeSplit,
  settings: TrainSettings,
  rng: SeededRng,
  onEpoch?: (progress: EpochProgress) => void,
): TrainResult {
  const training = new GcnTraining(session, split, settings, rng);
  while (!training.done) {
    const progress = training.step();
    onEpoch?.(progress);
  }
  return training.finish();
}

/**
 * trainGcn that yields to the event loop at least every `yieldEveryMs` and stops at the next epoch when
 * `signal` aborts (the result then says how many epochs ran; the caller decides what an abort means).
 */
export async function trainGcnAsync(
  session: GcnSession,
  split: NodeSplit,
  settings: TrainSettings,
  rng: SeededRng,
  options: { onEpoch?: (progress: EpochProgress) => void; signal?: AbortSignal; yieldEveryMs?: number } = {},
): Promise<TrainResult & { aborted: boolean }> {
  const training = new GcnTraining(session, split, settings, rng);
  const yieldEveryMs = options.yieldEveryMs ?? 20;
  let lastYield = performance.now();
  while (!training.done) {
    if (options.signal?.aborted) return { ...training.finish(), aborted: true };
    const progress = training.step();
    options.onEpoch?.(progress);
    if (performance.now() - lastYield >= yieldEveryMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  return { ...training.finish(), aborted: false };
}

function mean(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}
