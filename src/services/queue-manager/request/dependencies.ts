import type { Target } from '../../../launcher/index.ts';

/** What a job needs from the rest of its queue: the collections it reads and the target it follows. */
interface DagNode {
  telemetryId: string;
  target: string;
  type: string;
  streaming: boolean;
  /** The collection the job writes (or reads, for a visualizer). */
  collection: string;
  params: Readonly<Record<string, unknown>>;
}

/** The stage each target waits for when its inputs name nothing the queue writes. */
const UPSTREAM: Readonly<Partial<Record<Target, readonly Target[]>>> = {
  'graph-builder': ['arango-connector'],
  'gnn-trainer': ['graph-builder'],
  visualizer: ['graph-builder'],
};

/** Collections a job reads, from its request fields. */
export function inputsOf(node: Pick<DagNode, 'target' | 'params'>): string[] {
  const p = node.params;
  const list = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string')
      : typeof value === 'string'
        ? [value]
        : [];
  if (node.target === 'graph-builder') return list(p.collection_inputs);
  if (node.target === 'gnn-trainer') return list(p.graph_collection);
  if (node.target === 'visualizer') return list(p.source);
  return [];
}

/**
 * The DAG of a queue: a historical (non-streaming) job waits for the jobs of its queue that write the
 * collections it reads. When its inputs name none of them (seed 004's example names its inputs
 * `btc_candles_5m_2024_06`, not the connectors' `btcusdt_api_candles_5m_2024_06_01`), it waits for the
 * stage before it in the same queue: a graph for the connectors, training for the graph builders.
 * Streaming jobs wait for nothing: they run alongside what feeds them.
 */
export function dependencies(nodes: readonly DagNode[]): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.streaming) {
      deps.set(node.telemetryId, []);
      continue;
    }
    const inputs = new Set(inputsOf(node));
    const writers = nodes.filter(
      (other) => other !== node && other.target !== 'visualizer' && inputs.has(other.collection),
    );
    const upstream = UPSTREAM[node.target as Target] ?? [];
    const chosen =
      writers.length > 0 ? writers : nodes.filter((other) => upstream.includes(other.target as Target));
    deps.set(
      node.telemetryId,
      chosen.map((d) => d.telemetryId),
    );
  }
  return deps;
}
