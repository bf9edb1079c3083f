/** Percentiles of a sample, nearest-rank. */
export function percentiles(samples: number[], ps: number[] = [50, 95, 99]): Record<string, number> {
  const sorted = samples.toSorted((a, b) => a - b);
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return Object.fromEntries(ps.map((p) => [`p${p}`, at(p)]));
}

export function formatMs(value: number): string {
  return `${value.toFixed(2)} ms`;
}
