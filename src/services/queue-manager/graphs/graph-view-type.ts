// Its own file, importing nothing: the dashboard (web/) type-checks against it without the server's modules.
/** What the dashboard draws: nodes in time order with their community, edges as index pairs. */
export interface GraphView {
  collection: string;
  symbol: string;
  interval: string;
  /** Nodes in the whole graph; `nodes` holds the last `max_nodes` of them. */
  node_count: number;
  edge_count: number;
  truncated: boolean;
  /** Louvain on the drawn subgraph (undirected, weighted), seeded: the same graph gets the same colours. */
  communities: number;
  modularity: number;
  /** Per node: open time (Unix ms), close, community. */
  nodes: { t: number; close: number; community: number }[];
  /** [source, target, weight, kind] with indexes into `nodes`. */
  edges: [number, number, number, number][];
}
