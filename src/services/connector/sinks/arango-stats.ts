import { CANDLE_INTERVALS, type CandleInterval, type MarketRecord } from '../../../protocol/index.ts';
import { collectionGap, collectionStatsOf, gapStepMs, type CollectionStats } from './sink.ts';

/** Runs one AQL statement and resolves to all of its results (every batch of the cursor). */
export type AqlRunner = <T>(action: string, query: string, bindVars: Record<string, unknown>) => Promise<T[]>;

/*
 * The statements are written for a real ArangoDB (3.x): the collection is the bind parameter
 * @@collection, values are bind parameters, and nothing is spliced into the text. The test peer
 * (test/support/arango-peer) answers exactly these texts and refuses any other with a parse error,
 * so changing one here means teaching the peer the new shape.
 */

/** The kind of the records a collection holds (any one document's), or nothing when it is empty. */
export const KIND_AQL = 'FOR d IN @@collection LIMIT 1 RETURN d.kind';

/**
 * Row count and time coverage. The kind comes from the documents themselves (every document carries
 * the record's `kind`), so a CLI process that never wrote the collection still knows it.
 */
export const SUMMARY_AQL = `
LET kinds = (${KIND_AQL})
LET attribute = kinds[0] == "trade" ? "time" : "open_time"
LET earliest = (FOR d IN @@collection SORT d[attribute] ASC LIMIT 1 RETURN d[attribute])
LET latest = (FOR d IN @@collection SORT d[attribute] DESC LIMIT 1 RETURN d[attribute])
RETURN { kind: kinds[0], rows: LENGTH(@@collection), firstTime: earliest[0], lastTime: latest[0] }`;

/**
 * Holes between neighbouring candles of one symbol and interval: a step longer than the interval
 * (@steps maps each interval to its length in ms; a month counts only beyond 31 days). The range
 * starts at 1 and is filtered, not bounded by LENGTH - 1: AQL's `..` counts down when the upper
 * bound is lower, so `1..0` would not be empty.
 */
export const CANDLE_GAPS_AQL = `
FOR d IN @@collection
  COLLECT symbol = d.symbol, interval = d.interval INTO times = d.open_time
  LET ordered = SORTED(times)
  LET step = @steps[interval]
  FILTER step != null
  FOR i IN 1..LENGTH(ordered)
    FILTER i < LENGTH(ordered)
    LET after = ordered[i - 1]
    LET before = ordered[i]
    FILTER before - after > step
    SORT symbol, interval, after
    RETURN { symbol: symbol, interval: interval, after: after, before: before }`;

/** Holes between neighbouring trade ids of one symbol. */
export const TRADE_GAPS_AQL = `
FOR d IN @@collection
  COLLECT symbol = d.symbol INTO ids = d.trade_id
  LET ordered = SORTED(ids)
  FOR i IN 1..LENGTH(ordered)
    FILTER i < LENGTH(ordered)
    LET after = ordered[i - 1]
    LET before = ordered[i]
    FILTER before - after > 1
    SORT symbol, after
    RETURN { symbol: symbol, after: after, before: before }`;

/** gapStepMs of every interval, for @steps. */
const STEPS: Record<string, number> = Object.fromEntries(CANDLE_INTERVALS.map((i) => [i, gapStepMs(i)]));

interface Summary {
  kind: MarketRecord['kind'] | null;
  rows: number;
  firstTime: number | null;
  lastTime: number | null;
}

interface GapRow {
  symbol: string;
  interval?: CandleInterval;
  after: number;
  before: number;
}

/**
 * The same CollectionStats postgres-stats.ts computes, computed in ArangoDB with AQL. `knownKind`
 * (what this process's ensureCollection was told) names the kind of a collection with no documents.
 */
export async function arangoCollectionStats(
  run: AqlRunner,
  name: string,
  knownKind: MarketRecord['kind'] | undefined,
): Promise<CollectionStats> {
  const bind = { '@collection': name };
  const [summary] = await run<Summary>(`summarize ${name}`, SUMMARY_AQL, bind);
  const kind = summary?.kind ?? knownKind ?? 'candle';
  const rows = summary?.rows ?? 0;
  const [query, gapBind] =
    kind === 'candle' ? [CANDLE_GAPS_AQL, { ...bind, steps: STEPS }] : [TRADE_GAPS_AQL, bind];
  const found = rows === 0 ? [] : await run<GapRow>(`find gaps in ${name}`, query, gapBind);
  return collectionStatsOf(
    {
      name,
      kind,
      rows,
      firstTime: summary?.firstTime ?? undefined,
      lastTime: summary?.lastTime ?? undefined,
    },
    found.map(({ symbol, interval, after, before }) => collectionGap(symbol, after, before, interval)),
  );
}
