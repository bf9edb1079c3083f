import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import { nodeCount, type GraphData } from '../../graph-builder/graph-data.ts';
import type { GraphView } from './graph-view-type.ts';

export type { GraphView } from './graph-view-type.ts';

// A CommonJS package whose types declare an ES default: at run time the default import is the function.
const louvain = louvainModule as unknown as typeof louvainModule.default;

/** Mulberry32: a tiny seeded generator, so community numbers do not change between page loads. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The last `maxNodes` nodes of a graph (its most recent windows) with their edges and communities. */
export function graphView(graph: GraphData, maxNodes: number): GraphView {
  const total = nodeCount(graph);
  const first = Math.max(0, total - maxNodes);
  const g = new UndirectedGraph({ allowSelfLoops: false });
  for (let i = first; i < total; i += 1) g.addNode(String(i - first));
  const edges: GraphView['edges'] = [];
  const { source, target, weight, kind } = graph.edges;
  for (let e = 0; e < source.length; e += 1) {
    const s = source[e]!;
    const t = target[e]!;
    if (s < first || t < first || s >= total || t >= total || s === t) continue;
    const w = weight[e]!;
    edges.push([s - first, t - first, w, kind[e]!]);
    const a = String(s - first);
    const b = String(t - first);
    // A GCN symmetrises the directed edges; so does the community detection.
    if (g.hasEdge(a, b)) g.updateEdgeAttribute(a, b, 'weight', (old: number | undefined) => (old ?? 0) + w);
    else g.addEdge(a, b, { weight: w });
  }
  const detailed = g.size > 0 ? louvain.detailed(g, { getEdgeWeight: 'weight', rng: seeded(42) }) : undefined;
  const nodes: GraphView['nodes'] = [];
  for (let i = first; i < total; i += 1) {
    nodes.push({
      t: graph.openTimes[i]!,
      close: graph.close[i]!,
      community: detailed?.communities[String(i - first)] ?? 0,
    });
  }
  return {
    collection: graph.collection,
    symbol: graph.symbol,
    interval: graph.interval,
    node_count: total,
    edge_count: source.length,
    truncated: first > 0,
    communities: detailed?.count ?? Math.min(1, nodes.length),
    modularity: detailed?.modularity ?? 0,
    nodes,
    edges,
  };
}
