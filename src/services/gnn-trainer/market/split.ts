import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';

export interface ChronologicalSplit {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
}

export interface SplitSettings {
  /** Share of the labelled nodes, oldest first, used to fit (default 0.7). */
  readonly trainFraction: number;
  /** The next share, for early stopping (default 0.15); the newest rest is the test set. */
  readonly validationFraction: number;
  /** Fewest labelled nodes each of train, validation and test must have (default 10). */
  readonly minNodesPerPart: number;
}

/**
 * Nodes 0 … labelled-1 cut in time order: train, then validation, then test. Never shuffled: a model must
 * be judged on windows after every window it learned from.
 */
export function chronologicalSplit(labelled: number, settings: SplitSettings): ChronologicalSplit {
  const trainEnd = Math.floor(labelled * settings.trainFraction);
  const validationEnd = Math.floor(labelled * (settings.trainFraction + settings.validationFraction));
  const sizes = [trainEnd, validationEnd - trainEnd, labelled - validationEnd];
  if (sizes.some((size) => size < settings.minNodesPerPart)) {
    throw new StreamForgeError(
      ErrorCodes.GRAPH_TOO_SMALL,
      `${labelled} labelled nodes split into train ${sizes[0]}, validation ${sizes[1]}, test ${sizes[2]}: ` +
        `each needs at least ${settings.minNodesPerPart}`,
    );
  }
  const range = (from: number, to: number): Uint32Array =>
    Uint32Array.from({ length: to - from }, (_, i) => from + i);
  return {
    train: range(0, trainEnd),
    validation: range(trainEnd, validationEnd),
    test: range(validationEnd, labelled),
  };
}
