import type { CandleInterval, EndOfStream, MarketRecord } from '../../protocol/index.ts';

/** What a collection holds: one symbol and, for candles, one interval (the naming rules say so). */
export interface CollectionScope {
  readonly collection: string;
  readonly symbol: string;
  readonly interval: CandleInterval | undefined;
}

/**
 * Why a record read from the data topic does not belong in the collection, or undefined when it does:
 * a candle of another symbol or interval stored beside the collection's own would read as its data
 * (and, with another interval, as candles between its candles). Such records are dead-lettered.
 */
export function foreignRecordReason(
  scope: CollectionScope,
  value: MarketRecord | EndOfStream,
): string | undefined {
  if (value.kind === 'end') return undefined;
  const what =
    value.kind === 'candle'
      ? `${value.symbol} ${value.interval} candle at ${value.open_time}`
      : `${value.symbol} trade ${value.trade_id}`;
  const where = `collection ${scope.collection} holds ${scope.symbol}`;
  if (value.symbol !== scope.symbol) {
    return `a ${what} does not belong in ${where}${scope.interval ? ` ${scope.interval}` : ''}: check SYMBOL of the loader writing this topic`;
  }
  if (value.kind === 'candle' && scope.interval !== undefined && value.interval !== scope.interval) {
    return `a ${what} does not belong in ${where} ${scope.interval}: check TYPE of the loader writing this topic`;
  }
  return undefined;
}
