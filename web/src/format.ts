const number = new Intl.NumberFormat('en-US');

export const formatCount = (n: number): string => number.format(n);

/** "3 s", "4 min", "2 h", "5 d": how long ago (or how long) in one unit. */
export function formatAge(fromIso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(fromIso)) / 1000);
  return formatSeconds(seconds);
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export const formatTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
