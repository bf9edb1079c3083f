/** Lag per partition: how many records lie between the committed position and the end. */
export function computeLag(end: Map<number, bigint>, committed: Map<number, bigint>): Map<number, bigint> {
  const lag = new Map<number, bigint>();
  for (const [partition, endOffset] of end) {
    const position = committed.get(partition) ?? 0n;
    lag.set(partition, endOffset > position ? endOffset - position : 0n);
  }
  return lag;
}
