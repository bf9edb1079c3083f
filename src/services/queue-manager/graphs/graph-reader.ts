import type { SqlExecutor } from '../../../store/index.ts';
import type { GraphData } from '../../graph-builder/graph-data.ts';
import { readGraph } from '../../graph-builder/graph-store.ts';

/** Reads a graph collection for GET /graphs/{name}; SF_NOT_FOUND (404) when no graph has that name. */
export type GraphReader = (collection: string) => Promise<GraphData>;

/** The graphs graph-builder wrote (graph-store: the streamforge_graphs catalog, `{name}_nodes`, `{name}_edges`). */
export function storeGraphReader(sql: SqlExecutor): GraphReader {
  return (collection) => readGraph(sql, collection);
}
