import { EDGE_KIND, type GraphData } from '../../src/services/graph-builder/graph-data.ts';
import { writeGraph } from '../../src/services/graph-builder/graph-store.ts';
import { computeMetrics } from '../../src/services/graph-builder/metrics.ts';
import type { SqlClient } from '../../src/store/index.ts';

/** 5-minute windows from 2024-06-01 00:00 UTC. */
export const FIXTURE_T0 = Date.UTC(2024, 5, 1);

/**
 * A small market graph: two clusters of `perCluster` windows each, densely linked inside (time edges
 * between neighbours, similarity edges otherwise) and joined by one light edge, so Louvain finds two
 * communities. One feature, `log_return`.
 */
export function fixtureGraph(name: string, perCluster = 12): GraphData {
  const n = perCluster * 2;
  const edges: [number, number, number, number][] = [];
  for (let c = 0; c < 2; c += 1) {
    const base = c * perCluster;
    for (let i = 0; i < perCluster; i += 1) {
      for (let j = 0; j < i; j += 1)
        edges.push([base + j, base + i, 1, i === j + 1 ? EDGE_KIND.time : EDGE_KIND.similarity]);
    }
  }
  edges.push([perCluster - 1, perCluster, 0.1, EDGE_KIND.time]);
  const close = Float64Array.from({ length: n }, (_, i) => 100 + Math.floor(i / perCluster) * 10 + (i % 3));
  return {
    collection: name,
    symbol: 'BTCUSDT',
    interval: '5m',
    openTimes: Float64Array.from({ length: n }, (_, i) => FIXTURE_T0 + i * 300_000),
    close,
    featureNames: ['log_return'],
    features: Float64Array.from(close, (c, i) => (i === 0 ? 0 : Math.log(c / close[i - 1]!))),
    edges: {
      source: Uint32Array.from(edges, (e) => e[0]),
      target: Uint32Array.from(edges, (e) => e[1]),
      weight: Float32Array.from(edges, (e) => e[2]),
      kind: Uint8Array.from(edges, (e) => e[3]),
    },
  };
}

/** Stores the fixture graph as graph-builder does (graph-store's writeGraph, metrics included). */
export async function writeFixtureGraph(sql: SqlClient, name: string, perCluster = 12): Promise<GraphData> {
  const graph = fixtureGraph(name, perCluster);
  await writeGraph(sql, name, graph, computeMetrics(graph, 42), { inputs: [], shape: {} });
  return graph;
}
