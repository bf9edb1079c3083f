import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { WindowRow } from './window-reader.ts';

/** The feature columns, in order. Formulas: docs/analytics.md, section graph-builder. */
export const FEATURE_NAMES = Object.freeze([
  'log_return',
  'range',
  'log_volume',
  'log_trades',
  'imbalance',
  'vwap_deviation',
  'volatility',
] as const);

export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * Features of windows pushed in time order. Only the rolling volatility has state: the trailing
 * log returns (this window and the ones before it, never a later one).
 */
export class FeatureComputer {
  readonly #returns: Float64Array;
  #seen = 0;
  #sumSquares = 0;

  constructor(volatilityWindow: number) {
    this.#returns = new Float64Array(volatilityWindow);
  }

  /** Writes the window's features at out[offset…]; throws SF_INVALID_FEATURE naming the window. */
  compute(w: WindowRow, node: number, out: Float64Array, offset: number, collection: string): void {
    const logReturn = Math.log(w.close / w.open);
    const range = (w.high - w.low) / w.close;
    const logVolume = Math.log1p(w.volume);
    const logTrades = Math.log1p(w.trades);
    // A window without trades (or without volume) has no side and no VWAP: both are neutral, 0.
    const imbalance = w.tradeVolume > 0 ? (2 * w.buyVolume - w.tradeVolume) / w.tradeVolume : 0;
    const vwapDeviation = w.tradeVolume > 0 ? (w.notional / w.tradeVolume - w.close) / w.close : 0;
    const volatility = this.#volatility(logReturn);
    const values = [logReturn, range, logVolume, logTrades, imbalance, vwapDeviation, volatility];
    for (let f = 0; f < FEATURE_COUNT; f += 1) {
      const value = values[f]!;
      if (!Number.isFinite(value)) throw notFinite(collection, node, w, FEATURE_NAMES[f]!, value);
      out[offset + f] = value;
    }
  }

  /** Root mean square of the trailing log returns, this window's included (fewer at the start). */
  #volatility(logReturn: number): number {
    if (!Number.isFinite(logReturn)) return logReturn;
    const ring = this.#returns;
    const slot = this.#seen % ring.length;
    if (this.#seen >= ring.length) this.#sumSquares -= ring[slot]! * ring[slot]!;
    ring[slot] = logReturn;
    this.#sumSquares += logReturn * logReturn;
    this.#seen += 1;
    // Recomputed exactly now and then: the running sum drifts by rounding over a long stream.
    if (this.#seen % 4096 === 0) this.#sumSquares = ring.reduce((s, r) => s + r * r, 0);
    return Math.sqrt(Math.max(0, this.#sumSquares) / Math.min(this.#seen, ring.length));
  }
}

function notFinite(collection: string, node: number, w: WindowRow, feature: string, value: number) {
  return new StreamForgeError(
    ErrorCodes.INVALID_FEATURE,
    `feature ${feature} of node ${node} (window opening ${new Date(w.openTime).toISOString()} in "${collection}") is ${value}: ` +
      `open ${w.open}, high ${w.high}, low ${w.low}, close ${w.close}, volume ${w.volume}`,
  );
}
