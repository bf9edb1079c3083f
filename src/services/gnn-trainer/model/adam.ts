import { floatArray, type FloatArray, type Precision } from './csr.ts';

export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** TensorFlow's defaults, which the paper's code used (with learning rate 0.01). */
export const ADAM_DEFAULTS: AdamSettings = Object.freeze({
  learningRate: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
});

/** Adam (Kingma & Ba) over a fixed list of parameter arrays, in TensorFlow's form of the bias correction. */
export class Adam {
  readonly #settings: AdamSettings;
  readonly #params: readonly FloatArray[];
  readonly #m: FloatArray[];
  readonly #v: FloatArray[];
  #step = 0;

  constructor(params: readonly FloatArray[], precision: Precision, settings: AdamSettings) {
    this.#settings = settings;
    this.#params = params;
    this.#m = params.map((p) => floatArray(precision, p.length));
    this.#v = params.map((p) => floatArray(precision, p.length));
  }

  /** One update with `grads[i]` the gradient of `params[i]`. */
  step(grads: readonly FloatArray[]): void {
    const { learningRate, beta1, beta2, epsilon } = this.#settings;
    this.#step++;
    const rate = (learningRate * Math.sqrt(1 - beta2 ** this.#step)) / (1 - beta1 ** this.#step);
    for (let k = 0; k < this.#params.length; k++) {
      const param = this.#params[k]!;
      const grad = grads[k]!;
      const m = this.#m[k]!;
      const v = this.#v[k]!;
      for (let p = 0; p < param.length; p++) {
        const g = grad[p]!;
        const mp = (m[p] = beta1 * m[p]! + (1 - beta1) * g);
        const vp = (v[p] = beta2 * v[p]! + (1 - beta2) * g * g);
        param[p] = param[p]! - (rate * mp) / (Math.sqrt(vp) + epsilon);
      }
    }
  }
}
