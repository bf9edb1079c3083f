import {
  ErrorCodes,
  StreamForgeError,
  intervalMs,
  type CandleInterval,
  type MarketRecord,
} from '../../../protocol/index.ts';

/** A named dataset of one record kind; the connector creates it before the first write. */
export interface CollectionSpec {
  readonly name: string;
  readonly kind: MarketRecord['kind'];
  readonly symbol?: string;
  readonly interval?: string;
}

/** What `streamforge collection <name>` shows: size, time coverage and holes. */
export interface CollectionStats {
  readonly name: string;
  readonly kind: MarketRecord['kind'];
  readonly rows: number;
  /** Unix ms of the first and last record (candle open time, trade time); undefined when empty. */
  readonly firstTime: number | undefined;
  readonly lastTime: number | undefined;
  /** Holes: missing candle open times or missing trade ids between neighbours. */
  readonly gaps: readonly CollectionGap[];
  /** Candles or trade ids missing inside the covered range (sum over all gaps). */
  readonly missing: number;
  /** Always true now that every sink computes gaps; kept in `--json` output for the readers of its first form. */
  readonly gapsKnown: true;
}

/** A hole between two neighbours: `after` and `before` are times (candles) or trade ids (trades). */
export interface CollectionGap {
  readonly symbol: string;
  readonly after: number;
  readonly before: number;
  readonly missing: number;
}

/** At most this many gaps are listed; `missing` still counts them all. */
const LISTED_GAPS = 20;

/** The longest step between neighbouring candles that is no gap: the interval; a month's (1M) 31 days. */
export function gapStepMs(interval: CandleInterval): number {
  return intervalMs(interval) ?? 31 * 86_400_000;
}

/**
 * A hole between the neighbours `after` and `before`: candle open times of `interval` (a month gap
 * counts 1 candle), or trade ids when there is no interval.
 */
export function collectionGap(
  symbol: string,
  after: number,
  before: number,
  interval?: CandleInterval,
): CollectionGap {
  const step = interval === undefined ? 1 : intervalMs(interval);
  return { symbol, after, before, missing: step === undefined ? 1 : (before - after) / step - 1 };
}

/** The stats a sink measured, with the first gaps listed and all of them counted. */
export function collectionStatsOf(
  measured: Pick<CollectionStats, 'name' | 'kind' | 'rows' | 'firstTime' | 'lastTime'>,
  gaps: readonly CollectionGap[],
): CollectionStats {
  return {
    ...measured,
    gaps: gaps.slice(0, LISTED_GAPS),
    missing: gaps.reduce((sum, gap) => sum + gap.missing, 0),
    gapsKnown: true,
  };
}

/**
 * Where the connector writes. Every implementation upserts on natural keys, so replaying a batch
 * (after a crash, before the commit) changes nothing. A rejection with `canRetry` is an outage
 * (pause and retry); without it the batch has a bad record (bisect and dead-letter it).
 */
export interface CollectionSink {
  readonly kind: 'postgres' | 'pglite' | 'arango';
  ensureCollection(spec: CollectionSpec): Promise<void>;
  /** Upserts `records` (all of the collection's kind); resolves once they are durable. */
  upsert(collection: string, records: readonly MarketRecord[]): Promise<void>;
  stats(collection: string): Promise<CollectionStats>;
  /** Whether the database answers now (the job's readiness probe). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const NAME = /^[a-z0-9_][a-z0-9_-]{0,57}$/;

/** Collection names become table names: lower case, digits, `_` and `-`, at most 58 characters. */
export function checkCollectionName(name: string): string {
  if (!NAME.test(name)) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `collection name "${name}" is invalid: use 1–58 characters of [a-z0-9_-], starting with a letter, digit or _`,
    );
  }
  return name;
}

/**
 * Refuses a collection that already holds the other kind of record (`existing`, undefined when it is
 * new or empty): trades must not land among candles.
 */
export function checkCollectionKind(spec: CollectionSpec, existing: string | undefined): void {
  if (existing === undefined || existing === spec.kind) return;
  throw new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `collection "${spec.name}" holds ${existing}s, not ${spec.kind}s: choose another COLLECTION_NAME`,
  );
}

/**
 * Refuses a collection whose catalog entry (`existing`) names another symbol or interval than `spec`:
 * a connector pointed by COLLECTION_NAME at another market's collection would mix its records in.
 * Entries or specs without a symbol (or interval) are not compared on it.
 */
export function checkCollectionScope(
  spec: CollectionSpec,
  existing: { symbol?: string | null; interval?: string | null } | undefined,
): void {
  const differs = (a: string | null | undefined, b: string | null | undefined): boolean =>
    a != null && b != null && a !== b;
  if (!existing || (!differs(existing.symbol, spec.symbol) && !differs(existing.interval, spec.interval)))
    return;
  const holds = [existing.symbol, existing.interval].filter((v) => v != null).join(' ');
  const wanted = [spec.symbol, spec.interval].filter((v) => v !== undefined).join(' ');
  throw new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `collection "${spec.name}" holds ${holds} ${spec.kind}s, not ${wanted}: choose another COLLECTION_NAME`,
  );
}

/** Keeps the last record of each natural key: one upsert statement may not touch a row twice. */
export function lastPerKey<T>(records: readonly T[], key: (record: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const record of records) byKey.set(key(record), record);
  return byKey.size === records.length ? [...records] : [...byKey.values()];
}
