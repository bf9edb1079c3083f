import type { ResolvedInput } from './schema.ts';

/** What a job needs from the rest of its queue: what its inputs resolved to and the stage it follows. */
interface DagNode {
  telemetryId: string;
  target: string;
  streaming: boolean;
  /** Its inputs, resolved (resolveInputs). */
  inputs: readonly ResolvedInput[];
  /** Its definition's upstream stage: targets it waits for when no input resolved to a job. */
  upstream: readonly string[];
}

/**
 * The DAG of a queue: a historical (non-streaming) job waits for the jobs of its queue that write the
 * collections it reads. When its inputs resolved to none of them, it waits for the stage before it in
 * the same queue (its definition's `upstream`: a graph for the connectors, training for the graph
 * builders). Streaming jobs wait for nothing: they run alongside what feeds them.
 */
export function dependencies(nodes: readonly DagNode[]): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.streaming) {
      deps.set(node.telemetryId, []);
      continue;
    }
    const writers = new Set(node.inputs.flatMap((i) => (i.from_job === null ? [] : [i.from_job])));
    const chosen =
      writers.size > 0
        ? nodes.filter((other) => writers.has(other.telemetryId))
        : nodes.filter((other) => other !== node && node.upstream.includes(other.target));
    deps.set(
      node.telemetryId,
      chosen.map((d) => d.telemetryId),
    );
  }
  return deps;
}
