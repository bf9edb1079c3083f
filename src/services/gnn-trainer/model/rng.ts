/**
 * A small seeded random generator (mulberry32): the same seed gives the same initial weights and the same
 * dropout masks on every machine, so a training run can be reproduced and a test cannot flake on luck.
 */
export class SeededRng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** 32 uniform bits: dropout takes two 16-bit draws from one call. */
  nextUint32(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The generator's position, to replay the same draws (the gradient check repeats one dropout mask). */
  get state(): number {
    return this.#state;
  }

  set state(value: number) {
    this.#state = value >>> 0;
  }
}

/** Glorot (Xavier) uniform init, as Kipf & Welling's code: U(-r, r) with r = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(
  target: Float32Array | Float64Array,
  fanIn: number,
  fanOut: number,
  rng: SeededRng,
): void {
  const range = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < target.length; i++) target[i] = (rng.next() * 2 - 1) * range;
}

/**
 * Dropout masks for `length` entries: `keep[i]` is 1 with probability `keepProbability`, else 0. Two
 * 16-bit draws per generator call (probability resolution 1/65536, plenty for a dropout rate).
 */
export function fillKeepMask(
  mask: Uint8Array,
  length: number,
  keepProbability: number,
  rng: SeededRng,
): void {
  const threshold = Math.round(keepProbability * 65536);
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const bits = rng.nextUint32();
    mask[i] = (bits & 0xffff) < threshold ? 1 : 0;
    mask[i + 1] = bits >>> 16 < threshold ? 1 : 0;
  }
  if (i < length) mask[i] = (rng.nextUint32() & 0xffff) < threshold ? 1 : 0;
}
