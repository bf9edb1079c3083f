import type { MarketRecord } from '../../../protocol/index.ts';

/**
 * Where a loader's records come from. `batches` yields records in order and ends only when the whole
 * range is there; anything less is a rejection whose message names what is missing (never a silent
 * early stop). Live sources without a range never end: they stop when `signal` aborts.
 */
export interface RecordSource {
  /** What is loaded, for logs and the finished message. */
  readonly description: string;
  /** How many records the range holds, when known before or during loading. */
  total(): number | undefined;
  batches(signal: AbortSignal): AsyncIterable<MarketRecord[]>;
}
