import type { Telemetry } from '../../protocol/index.ts';

/** One line per telemetry event, for people watching a terminal. */
export function formatTelemetry(t: Telemetry): string {
  const time = new Date(t.sent_at * 1000).toISOString().slice(11, 23);
  const parts = [time, t.event.padEnd(11), t.telemetry_id];
  if (t.records_written !== undefined) {
    parts.push(`records ${t.records_written}${t.records_total !== undefined ? `/${t.records_total}` : ''}`);
  }
  if (t.error_message) parts.push(`error: ${t.error_message}`);
  else if (t.message) parts.push(t.message);
  return parts.join('  ');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}
