/**
 * Per-feature standardisation (x - mean) / std, fitted on the training nodes only so the validation and
 * test windows shape nothing the model sees; saved with the model and applied unchanged at inference.
 */
export interface Normalisation {
  readonly mean: number[];
  readonly std: number[];
}

export function fitNormalisation(
  features: Float64Array,
  width: number,
  trainNodes: Uint32Array,
): Normalisation {
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (const i of trainNodes) for (let f = 0; f < width; f++) mean[f]! += features[i * width + f]!;
  for (let f = 0; f < width; f++) mean[f] = mean[f]! / trainNodes.length;
  for (const i of trainNodes)
    for (let f = 0; f < width; f++) std[f]! += (features[i * width + f]! - mean[f]!) ** 2;
  // A constant column (std 0) is only centred: dividing by 0 would turn it into NaN.
  for (let f = 0; f < width; f++) std[f] = Math.sqrt(std[f]! / trainNodes.length) || 1;
  return { mean, std };
}

export function applyNormalisation(features: Float64Array, width: number, norm: Normalisation): Float64Array {
  const out = new Float64Array(features.length);
  for (let p = 0; p < features.length; p++) {
    const f = p % width;
    out[p] = (features[p]! - norm.mean[f]!) / norm.std[f]!;
  }
  return out;
}
