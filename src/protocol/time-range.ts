import { ErrorCodes, StreamForgeError } from './errors.ts';

/** A range of whole UTC days; both ends inclusive (`2024-06-01:2024-06-30` is all of June). */
export interface TimeRange {
  /** First day, `YYYY-MM-DD`. */
  readonly start: string;
  /** Last day, `YYYY-MM-DD`. */
  readonly end: string;
  /** Start of the first day, Unix milliseconds. */
  readonly startMs: number;
  /** One millisecond before the day after the last day, Unix milliseconds. */
  readonly endMs: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(text: string, label: string, input: string): number {
  const match = DAY.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `time_range "${input}": the ${label} date "${text}" is not a real day in YYYY-MM-DD form`,
    );
  }
  return ms;
}

/** Parses `YYYY-MM-DD:YYYY-MM-DD`; throws a StreamForgeError naming what is wrong. */
export function parseTimeRange(input: string): TimeRange {
  const parts = input.split(':');
  if (parts.length !== 2) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `time_range "${input}" must be two days separated by a colon: YYYY-MM-DD:YYYY-MM-DD`,
    );
  }
  const [start, end] = parts as [string, string];
  const startMs = parseDay(start, 'start', input);
  const endDayMs = parseDay(end, 'end', input);
  if (endDayMs < startMs) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `time_range "${input}": start is after end`);
  }
  return Object.freeze({ start, end, startMs, endMs: endDayMs + 86_400_000 - 1 });
}
