import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import pagerankModule from 'graphology-metrics/centrality/pagerank.js';
import { undirectedDensity } from 'graphology-metrics/graph/density.js';
import type { GraphSummary } from '../../protocol/index.ts';
import { EDGE_KIND, nodeCount, type GraphData } from './graph-data.ts';

/**
 * PageRank's parameters (the networkx cross-check uses the same). The tolerance is tighter than
 * graphology's default (1e-6 × N on the L1 change): scores are about 1/N, so the default would stop
 * while they still move by a percent.
 */
export const PAGERANK = Object.freeze({ alpha: 0.85, tolerance: 1e-10, maxIterations: 1000 });

/** What writeGraph stores beside the graph: the summary row and a value per node. */
export interface GraphMetrics {
  readonly summary: GraphSummary;
  readonly degree: Uint32Array;
  readonly pagerank: Float64Array;
  readonly community: Uint32Array;
}

/** The summary object: its schema is the wire protocol's (src/protocol/graph-metrics.ts). */
export type { GraphSummary };

/**
 * These two are CommonJS modules whose typings declare `export default`: TypeScript (nodenext) expects
 * the function under `.default`, Node hands it over as the default import itself. Either way works.
 */
function commonJsDefault<T>(module: { default: T }): T {
  return (module as unknown as { default?: T }).default ?? (module as unknown as T);
}
const pagerank = commonJsDefault(pagerankModule);
const louvain = commonJsDefault(louvainModule);

/** mulberry32: seeded, so Louvain visits nodes in the same order and finds the same communities. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The graph as graphology sees it for the metrics: undirected and weighted (a GCN symmetrises the
 * edges too; PageRank on the forward-only directed graph would just pile up on the newest windows).
 */
export function toGraphology(graph: GraphData): UndirectedGraph {
  const g = new UndirectedGraph({ allowSelfLoops: false });
  const n = nodeCount(graph);
  for (let i = 0; i < n; i += 1) g.addNode(String(i));
  const { source, target, weight } = graph.edges;
  for (let e = 0; e < source.length; e += 1) {
    g.addEdge(String(source[e]), String(target[e]), { weight: weight[e] });
  }
  return g;
}

export function computeMetrics(graph: GraphData, seed: number): GraphMetrics {
  const n = nodeCount(graph);
  const g = toGraphology(graph);
  const degree = new Uint32Array(n);
  const { source, target, kind } = graph.edges;
  for (let e = 0; e < source.length; e += 1) {
    degree[source[e]!]! += 1;
    degree[target[e]!]! += 1;
  }
  const ranks = new Float64Array(n);
  if (n > 0) {
    const byNode = pagerank(g, { getEdgeWeight: 'weight', ...PAGERANK });
    for (let i = 0; i < n; i += 1) ranks[i] = byNode[String(i)]!;
  }
  const community = new Uint32Array(n);
  let modularity = 0;
  let communities = n;
  if (g.size > 0) {
    const detailed = louvain.detailed(g, { getEdgeWeight: 'weight', rng: seededRandom(seed) });
    for (let i = 0; i < n; i += 1) community[i] = detailed.communities[String(i)]!;
    modularity = detailed.modularity;
    communities = detailed.count;
  } else {
    for (let i = 0; i < n; i += 1) community[i] = i;
  }
  let timeEdges = 0;
  for (let e = 0; e < kind.length; e += 1) if (kind[e] === EDGE_KIND.time) timeEdges += 1;
  const components = componentSizes(n, source, target);
  const summary: GraphSummary = {
    nodes: n,
    edges: source.length,
    time_edges: timeEdges,
    similarity_edges: source.length - timeEdges,
    density: n > 1 ? undirectedDensity(g) : 0,
    first_open_time: n > 0 ? graph.openTimes[0]! : null,
    last_open_time: n > 0 ? graph.openTimes[n - 1]! : null,
    components: { count: components.length, largest: components[0] ?? 0 },
    degree: degreeSummary(degree),
    pagerank: {
      alpha: PAGERANK.alpha,
      tolerance: PAGERANK.tolerance,
      min: n > 0 ? ranks.reduce((a, b) => Math.min(a, b)) : 0,
      max: n > 0 ? ranks.reduce((a, b) => Math.max(a, b)) : 0,
      top: [...ranks.keys()]
        .sort((a, b) => ranks[b]! - ranks[a]! || a - b)
        .slice(0, 10)
        .map((node) => ({ node, open_time: graph.openTimes[node]!, score: ranks[node]! })),
    },
    louvain: {
      seed,
      communities,
      modularity,
      largest: communitySizes(community).slice(0, 10),
    },
  };
  return { summary, degree, pagerank: ranks, community };
}

function degreeSummary(degree: Uint32Array): GraphSummary['degree'] {
  const counts = new Map<number, number>();
  let sum = 0;
  for (const d of degree) {
    counts.set(d, (counts.get(d) ?? 0) + 1);
    sum += d;
  }
  return {
    min: degree.length > 0 ? degree.reduce((a, b) => Math.min(a, b)) : 0,
    max: degree.length > 0 ? degree.reduce((a, b) => Math.max(a, b)) : 0,
    mean: degree.length > 0 ? sum / degree.length : 0,
    histogram: [...counts].sort((a, b) => a[0] - b[0]),
  };
}

/** Sizes of the connected components (edges taken undirected), largest first: union–find. */
export function componentSizes(n: number, source: Uint32Array, target: Uint32Array): number[] {
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let e = 0; e < source.length; e += 1) {
    const a = find(source[e]!);
    const b = find(target[e]!);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i += 1) sizes.set(find(i), (sizes.get(find(i)) ?? 0) + 1);
  return [...sizes.values()].sort((a, b) => b - a);
}

function communitySizes(community: Uint32Array): number[] {
  const sizes = new Map<number, number>();
  for (const c of community) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  return [...sizes.values()].sort((a, b) => b - a);
}
