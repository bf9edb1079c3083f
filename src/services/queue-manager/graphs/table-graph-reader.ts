import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import type { SqlExecutor } from '../../../store/index.ts';
import type { GraphData } from '../../graph-builder/graph-data.ts';

/** Reads a graph collection for GET /graphs/{name}: the graph-builder's readGraph once it exists. */
export type GraphReader = (collection: string) => Promise<GraphData>;

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A stand-in for graph-builder's readGraph (graph-store.ts, being written in parallel): the graph of
 * collection C as two tables, `C_nodes (idx, open_time ms, close)` and `C_edges (source, target,
 * weight, kind)`. The dashboard's graph page is built and tested against this; the manager switches to
 * readGraph when it lands (docs/dashboard.md).
 */
export function tableGraphReader(sql: SqlExecutor): GraphReader {
  return async (collection) => {
    const nodes = await sql
      .query<{ open_time: number; close: number }>(
        `select open_time::float8 as open_time, close::float8 as close from ${quote(`${collection}_nodes`)} order by idx`,
      )
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '42P01' || /does not exist/.test(String(error))) {
          throw new StreamForgeError(ErrorCodes.NOT_FOUND, `no graph collection named "${collection}"`);
        }
        throw error;
      });
    const edges = await sql.query<{ source: number; target: number; weight: number; kind: number }>(
      `select source, target, weight::float8 as weight, kind from ${quote(`${collection}_edges`)}`,
    );
    const graph: GraphData = {
      collection,
      symbol: '',
      interval: '',
      openTimes: Float64Array.from(nodes.rows, (r) => r.open_time),
      close: Float64Array.from(nodes.rows, (r) => r.close),
      featureNames: [],
      features: new Float64Array(0),
      edges: {
        source: Uint32Array.from(edges.rows, (r) => r.source),
        target: Uint32Array.from(edges.rows, (r) => r.target),
        weight: Float32Array.from(edges.rows, (r) => r.weight),
        kind: Uint8Array.from(edges.rows, (r) => r.kind),
      },
    };
    return graph;
  };
}
