import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { migrate, type Migration, type SqlClient, type SqlExecutor } from '../../store/index.ts';
import { quoteIdent } from '../connector/sinks/postgres-sql.ts';
import { checkCollectionName } from '../connector/sinks/sink.ts';
import { EDGE_KIND, nodeCount, type GraphData } from './graph-data.ts';
import type { GraphMetrics, GraphSummary } from './metrics.ts';

/** The catalog of graphs: one row per graph collection, with its summary (the "summary row"). */
export const GRAPH_MIGRATIONS: readonly Migration[] = [
  {
    id: 'graph_0001_graphs',
    sql: `create table if not exists streamforge_graphs (
      name text primary key,
      symbol text not null,
      interval text not null,
      inputs jsonb not null,
      feature_names jsonb not null,
      node_count integer not null,
      edge_count integer not null,
      first_open_time timestamptz,
      last_open_time timestamptz,
      shape jsonb not null,
      summary jsonb not null,
      built_at timestamptz not null default now()
    )`,
  },
];

/** Where a graph is: `{name}_nodes` and `{name}_edges`, both within PostgreSQL's 63-byte names. */
export function graphTables(collection: string): { nodes: string; edges: string } {
  checkCollectionName(collection);
  if (collection.length > 57) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `graph collection name "${collection}" is too long: at most 57 characters (its tables add "_nodes" and "_edges")`,
    );
  }
  return { nodes: `${collection}_nodes`, edges: `${collection}_edges` };
}

/** What the catalog row records besides the graph itself. */
export interface GraphProvenance {
  /** The collections the graph was built from. */
  readonly inputs: readonly string[];
  /** k, lookback, … as built (docs/analytics.md). */
  readonly shape: Readonly<Record<string, number>>;
}

const KIND_NAME = ['time', 'similarity'] as const;
const ROWS_PER_INSERT = 5000;

/**
 * Stores the graph under `collection`, replacing any earlier graph of that name, in one transaction:
 * a reader sees the old graph or the new one, never half of either. COPY where the client has it
 * (PostgreSQL), multi-row unnest inserts otherwise (PGlite).
 */
export async function writeGraph(
  sql: SqlClient,
  collection: string,
  graph: GraphData,
  metrics: GraphMetrics,
  provenance: GraphProvenance = { inputs: [], shape: {} },
): Promise<void> {
  const tables = graphTables(collection);
  await migrate(sql, GRAPH_MIGRATIONS);
  const features = graph.featureNames;
  await sql.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext($1))`, [`streamforge_graph:${collection}`]);
    await tx.query(`drop table if exists ${quoteIdent(tables.nodes)}`);
    await tx.query(`drop table if exists ${quoteIdent(tables.edges)}`);
    await tx.query(`create table ${quoteIdent(tables.nodes)} (
      node integer primary key,
      open_time timestamptz not null,
      close double precision not null,
      ${features.map((f) => `${quoteIdent(f)} double precision not null`).join(',\n      ')},
      degree integer not null,
      pagerank double precision not null,
      community integer not null
    )`);
    await tx.query(`create table ${quoteIdent(tables.edges)} (
      edge integer primary key,
      source integer not null,
      target integer not null,
      kind text not null check (kind in ('time', 'similarity')),
      weight double precision not null
    )`);
    await insertNodes(tx, tables.nodes, graph, metrics);
    await insertEdges(tx, tables.edges, graph);
    await upsertCatalog(tx, collection, graph, metrics.summary, provenance);
  });
}

function upsertCatalog(
  tx: SqlExecutor,
  collection: string,
  graph: GraphData,
  summary: GraphSummary,
  provenance: GraphProvenance,
) {
  const n = nodeCount(graph);
  return tx.query(
    `insert into streamforge_graphs (name, symbol, interval, inputs, feature_names, node_count, edge_count,
       first_open_time, last_open_time, shape, summary, built_at)
     values ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::timestamptz, $9::timestamptz, $10::jsonb, $11::jsonb, now())
     on conflict (name) do update set symbol = excluded.symbol, interval = excluded.interval,
       inputs = excluded.inputs, feature_names = excluded.feature_names, node_count = excluded.node_count,
       edge_count = excluded.edge_count, first_open_time = excluded.first_open_time,
       last_open_time = excluded.last_open_time, shape = excluded.shape, summary = excluded.summary,
       built_at = excluded.built_at`,
    [
      collection,
      graph.symbol,
      graph.interval,
      JSON.stringify(provenance.inputs),
      JSON.stringify(graph.featureNames),
      n,
      graph.edges.source.length,
      n > 0 ? new Date(graph.openTimes[0]!).toISOString() : null,
      n > 0 ? new Date(graph.openTimes[n - 1]!).toISOString() : null,
      JSON.stringify(provenance.shape),
      JSON.stringify(summary),
    ],
  );
}

const iso = (ms: number): string => new Date(ms).toISOString();

async function insertNodes(tx: SqlExecutor, table: string, graph: GraphData, m: GraphMetrics): Promise<void> {
  const n = nodeCount(graph);
  const width = graph.featureNames.length;
  if (tx.copyFrom) {
    const lines: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const row = [String(i), iso(graph.openTimes[i]!), String(graph.close[i])];
      for (let f = 0; f < width; f += 1) row.push(String(graph.features[i * width + f]));
      row.push(String(m.degree[i]), String(m.pagerank[i]), String(m.community[i]));
      lines.push(row.join('\t'));
    }
    if (n > 0) await tx.copyFrom(`copy ${quoteIdent(table)} from stdin`, `${lines.join('\n')}\n`);
    return;
  }
  const featureArgs = graph.featureNames.map((_, f) => `$${f + 4}::float8[]`).join(', ');
  const sql = `insert into ${quoteIdent(table)} select * from unnest($1::int[], $2::timestamptz[], $3::float8[],
    ${featureArgs}, $${width + 4}::int[], $${width + 5}::float8[], $${width + 6}::int[])`;
  for (let start = 0; start < n; start += ROWS_PER_INSERT) {
    const end = Math.min(n, start + ROWS_PER_INSERT);
    const nodes = Array.from({ length: end - start }, (_, i) => start + i);
    await tx.query(sql, [
      nodes,
      nodes.map((i) => iso(graph.openTimes[i]!)),
      nodes.map((i) => graph.close[i]),
      ...graph.featureNames.map((_, f) => nodes.map((i) => graph.features[i * width + f])),
      nodes.map((i) => m.degree[i]),
      nodes.map((i) => m.pagerank[i]),
      nodes.map((i) => m.community[i]),
    ]);
  }
}

async function insertEdges(tx: SqlExecutor, table: string, graph: GraphData): Promise<void> {
  const { source, target, weight, kind } = graph.edges;
  const count = source.length;
  if (tx.copyFrom) {
    const lines: string[] = [];
    for (let e = 0; e < count; e += 1) {
      lines.push(`${e}\t${source[e]}\t${target[e]}\t${KIND_NAME[kind[e]!]}\t${weight[e]}`);
    }
    if (count > 0) await tx.copyFrom(`copy ${quoteIdent(table)} from stdin`, `${lines.join('\n')}\n`);
    return;
  }
  const sql = `insert into ${quoteIdent(table)} select * from unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::float8[])`;
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const edges = Array.from(
      { length: Math.min(count, start + ROWS_PER_INSERT) - start },
      (_, i) => start + i,
    );
    await tx.query(sql, [
      edges,
      edges.map((e) => source[e]),
      edges.map((e) => target[e]),
      edges.map((e) => KIND_NAME[kind[e]!]),
      edges.map((e) => weight[e]),
    ]);
  }
}

interface CatalogRow {
  symbol: string;
  interval: string;
  feature_names: string[] | string;
  summary: GraphSummary | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** The catalog row of a graph (its summary included); SF_NOT_FOUND when no graph has that name. */
export async function readGraphSummary(
  sql: SqlExecutor,
  collection: string,
): Promise<{ symbol: string; interval: string; featureNames: string[]; summary: GraphSummary }> {
  let rows: CatalogRow[] = [];
  try {
    ({ rows } = await sql.query<CatalogRow>(
      `select symbol, interval, feature_names, summary from streamforge_graphs where name = $1`,
      [collection],
    ));
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code !== '42P01') throw error;
  }
  const row = rows[0];
  if (row === undefined) {
    throw new StreamForgeError(
      ErrorCodes.NOT_FOUND,
      `no graph named "${collection}": graph-builder has not written it`,
    );
  }
  return {
    symbol: row.symbol,
    interval: row.interval,
    featureNames: json(row.feature_names),
    summary: json(row.summary),
  };
}

/** The graph stored under `collection`, as gnn-trainer and the visualizer read it. */
export async function readGraph(sql: SqlExecutor, collection: string): Promise<GraphData> {
  const tables = graphTables(collection);
  const meta = await readGraphSummary(sql, collection);
  const width = meta.featureNames.length;
  const nodes = await sql.query<Record<string, number>>(
    `select (extract(epoch from open_time) * 1000)::float8 as open_ms, close,
       ${meta.featureNames.map((f, i) => `${quoteIdent(f)} as f${i}`).join(', ')}
     from ${quoteIdent(tables.nodes)} order by node`,
  );
  const n = nodes.rows.length;
  const openTimes = new Float64Array(n);
  const close = new Float64Array(n);
  const features = new Float64Array(n * width);
  nodes.rows.forEach((row, i) => {
    openTimes[i] = Number(row.open_ms);
    close[i] = Number(row.close);
    for (let f = 0; f < width; f += 1) features[i * width + f] = Number(row[`f${f}`]);
  });
  const edges = await sql.query<{ source: number; target: number; kind: string; weight: number }>(
    `select source, target, kind, weight from ${quoteIdent(tables.edges)} order by edge`,
  );
  const m = edges.rows.length;
  const source = new Uint32Array(m);
  const target = new Uint32Array(m);
  const weight = new Float32Array(m);
  const kind = new Uint8Array(m);
  edges.rows.forEach((row, e) => {
    source[e] = row.source;
    target[e] = row.target;
    weight[e] = row.weight;
    kind[e] = row.kind === 'time' ? EDGE_KIND.time : EDGE_KIND.similarity;
  });
  return {
    collection,
    symbol: meta.symbol,
    interval: meta.interval,
    openTimes,
    close,
    featureNames: meta.featureNames,
    features,
    edges: { source, target, weight, kind },
  };
}
