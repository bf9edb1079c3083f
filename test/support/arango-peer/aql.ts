// The AQL the ArangoDB peer understands: not an AQL engine, but the few statements the ArangoDB sink
// sends (src/services/connector/sinks/arango-stats.ts), each evaluated step by step over the peer's
// stored documents the way ArangoDB runs it. The texts are copied here on purpose, not imported: a
// statement the sink changes is then one the peer does not know, and the peer refuses it as ArangoDB
// refuses a query it cannot parse (HTTP 400, errorNum 1501), so the test fails loudly instead of
// agreeing with whatever the sink sends. Bind parameters are checked as ArangoDB checks them.

export type Doc = Record<string, unknown> & { _key: string };
type BindVars = Record<string, unknown>;
type Collections = ReadonlyMap<string, ReadonlyMap<string, Doc>>;

/** An AQL error as ArangoDB reports it: HTTP status, errorNum, errorMessage. */
export class AqlError extends Error {
  readonly code: number;
  readonly errorNum: number;

  constructor(code: number, errorNum: number, message: string) {
    super(message);
    this.code = code;
    this.errorNum = errorNum;
  }
}

export interface AqlRun {
  result: unknown[];
  /** Documents read by full collection scans (ArangoDB's extra.stats.scannedFull). */
  scannedFull: number;
}

interface Statement {
  text: string;
  run(docs: readonly Doc[], bind: BindVars): unknown[];
}

const STATEMENTS: Statement[] = [
  {
    text: `FOR d IN @@collection LIMIT 1 RETURN d.kind`,
    run: (docs) => docs.slice(0, 1).map((d) => attr(d, 'kind')),
  },
  {
    text: `LET kinds = (FOR d IN @@collection LIMIT 1 RETURN d.kind)
      LET attribute = kinds[0] == "trade" ? "time" : "open_time"
      LET earliest = (FOR d IN @@collection SORT d[attribute] ASC LIMIT 1 RETURN d[attribute])
      LET latest = (FOR d IN @@collection SORT d[attribute] DESC LIMIT 1 RETURN d[attribute])
      RETURN { kind: kinds[0], rows: LENGTH(@@collection), firstTime: earliest[0], lastTime: latest[0] }`,
    run(docs) {
      const kind = docs.length > 0 ? attr(docs[0]!, 'kind') : null;
      const attribute = kind === 'trade' ? 'time' : 'open_time';
      const ordered = docs.map((d) => attr(d, attribute)).sort(compareAql);
      return [{ kind, rows: docs.length, firstTime: ordered[0] ?? null, lastTime: ordered.at(-1) ?? null }];
    },
  },
  {
    text: `FOR d IN @@collection
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
        RETURN { symbol: symbol, interval: interval, after: after, before: before }`,
    run(docs, bind) {
      const steps = bind.steps;
      const rows: Record<string, unknown>[] = [];
      for (const [[symbol, interval], times] of collect(docs, ['symbol', 'interval'], 'open_time')) {
        const step =
          typeof steps === 'object' && steps !== null && typeof interval === 'string'
            ? attr(steps, interval)
            : null;
        if (step === null) continue;
        for (const [after, before] of neighbours(times)) {
          if (compareAql(minus(before, after), step) > 0) rows.push({ symbol, interval, after, before });
        }
      }
      return sortBy(rows, ['symbol', 'interval', 'after']);
    },
  },
  {
    text: `FOR d IN @@collection
      COLLECT symbol = d.symbol INTO ids = d.trade_id
      LET ordered = SORTED(ids)
      FOR i IN 1..LENGTH(ordered)
        FILTER i < LENGTH(ordered)
        LET after = ordered[i - 1]
        LET before = ordered[i]
        FILTER before - after > 1
        SORT symbol, after
        RETURN { symbol: symbol, after: after, before: before }`,
    run(docs) {
      const rows: Record<string, unknown>[] = [];
      for (const [[symbol], ids] of collect(docs, ['symbol'], 'trade_id')) {
        for (const [after, before] of neighbours(ids)) {
          if (compareAql(minus(before, after), 1) > 0) rows.push({ symbol, after, before });
        }
      }
      return sortBy(rows, ['symbol', 'after']);
    },
  },
];

/** Runs `query` against the documents of the collection bound to @@collection. */
export function runAql(query: unknown, bindVars: unknown, collections: Collections): AqlRun {
  if (typeof query !== 'string' || query.trim() === '') {
    throw new AqlError(400, 1502, 'query is empty');
  }
  const statement = STATEMENTS.find((s) => normalize(s.text) === normalize(query));
  if (!statement) {
    const near = normalize(query).slice(0, 40);
    throw new AqlError(
      400,
      1501,
      `AQL: syntax error, unexpected query (the ArangoDB peer knows only the statements of the ArangoDB sink) near '${near}' at position 1:1 (while parsing)`,
    );
  }
  const bind: BindVars = typeof bindVars === 'object' && bindVars !== null ? (bindVars as BindVars) : {};
  const declared = new Set(statement.text.match(/@@?\w+/g)?.map((p) => p.slice(1)));
  for (const name of declared) {
    if (!(name in bind)) {
      throw new AqlError(
        400,
        1551,
        `no value specified for declared bind parameter '${name}' (while parsing)`,
      );
    }
  }
  for (const name of Object.keys(bind)) {
    if (!declared.has(name)) {
      throw new AqlError(400, 1552, `bind parameter '${name}' was not declared in the query (while parsing)`);
    }
  }
  const collectionName = bind['@collection'];
  if (typeof collectionName !== 'string') {
    throw new AqlError(
      400,
      1553,
      `bind parameter '@collection' has an invalid value or type (while parsing)`,
    );
  }
  const collection = collections.get(collectionName);
  if (!collection) {
    throw new AqlError(404, 1203, `AQL: collection or view not found: ${collectionName} (while parsing)`);
  }
  const docs = [...collection.values()];
  return { result: statement.run(docs, bind), scannedFull: docs.length };
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `d.name`: a missing attribute is null in AQL. */
function attr(value: object, name: string): unknown {
  return (value as Record<string, unknown>)[name] ?? null;
}

/** COLLECT keys… INTO projected = d.projection, in group-key order. */
function collect(docs: readonly Doc[], keys: string[], projection: string): Map<unknown[], unknown[]> {
  const groups = new Map<string, { key: unknown[]; values: unknown[] }>();
  for (const doc of docs) {
    const key = keys.map((k) => attr(doc, k));
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? groups.set(id, { key, values: [] }).get(id)!;
    group.values.push(attr(doc, projection));
  }
  const ordered = [...groups.values()].sort((a, b) => compareArrays(a.key, b.key));
  return new Map(ordered.map((g) => [g.key, g.values]));
}

/** SORTED(values), then each (values[i - 1], values[i]) for i in 1..LENGTH - 1. */
function neighbours(values: readonly unknown[]): [unknown, unknown][] {
  const ordered = [...values].sort(compareAql);
  return ordered.slice(1).map((before, i) => [ordered[i], before]);
}

/** AQL's `-`: operands that are not numbers count as 0 (null, false) or their numeric value. */
function minus(a: unknown, b: unknown): number {
  const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);
  return n(a) - n(b);
}

function sortBy(rows: Record<string, unknown>[], keys: string[]): Record<string, unknown>[] {
  return rows.sort((a, b) =>
    compareArrays(
      keys.map((k) => a[k] ?? null),
      keys.map((k) => b[k] ?? null),
    ),
  );
}

function compareArrays(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const c = compareAql(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

/** AQL's order: null < bool < number < string < array < object, then by value within a type. */
function compareAql(a: unknown, b: unknown): number {
  const rank = (v: unknown): number =>
    v === null || v === undefined
      ? 0
      : typeof v === 'boolean'
        ? 1
        : typeof v === 'number'
          ? 2
          : typeof v === 'string'
            ? 3
            : Array.isArray(v)
              ? 4
              : 5;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1 || ra === 2) return Number(a) - Number(b);
  if (ra === 3) return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ra === 4) return compareArrays(a as unknown[], b as unknown[]);
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
}
