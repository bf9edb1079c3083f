import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { GraphReader } from '../graphs/graph-reader.ts';
import { ErrorSchema } from '../request/schema.ts';
import { CollectionParamsSchema } from './collection-routes.ts';

export const MAX_GRAPH_NODES = 20_000;

const GraphQuerySchema = Type.Object(
  {
    max_nodes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_GRAPH_NODES,
        default: 2000,
        description: 'the most recent nodes drawn',
      }),
    ),
  },
  { additionalProperties: false },
);

const GraphViewSchema = Type.Object({
  collection: Type.String(),
  symbol: Type.String(),
  interval: Type.String(),
  node_count: Type.Integer(),
  edge_count: Type.Integer(),
  truncated: Type.Boolean(),
  communities: Type.Integer(),
  modularity: Type.Number(),
  nodes: Type.Array(Type.Object({ t: Type.Number(), close: Type.Number(), community: Type.Integer() })),
  edges: Type.Array(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })),
});

/** GET /graphs/{name}: a graph collection's nodes and edges with Louvain communities, for the graph page. */
export function graphRoutes(app: FastifyInstance, readGraph: GraphReader): void {
  app.get<{ Params: Static<typeof CollectionParamsSchema>; Querystring: Static<typeof GraphQuerySchema> }>(
    '/graphs/:name',
    {
      schema: {
        tags: ['collections'],
        summary: "A graph collection's nodes, edges and communities (the last max_nodes windows)",
        description:
          'Nodes are candle windows in time order ({t, close, community}); edges are [source, target, weight, kind] (kind 0 time, 1 similarity) between drawn nodes. Communities: Louvain (seeded) on the undirected weighted graph. 404 for an unknown graph.',
        params: CollectionParamsSchema,
        querystring: GraphQuerySchema,
        response: { 200: GraphViewSchema, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const graph = await readGraph(request.params.name);
      // graphology is loaded with the first graph asked for, not at start (bench/startup).
      const { graphView } = await import('../graphs/graph-view.ts');
      return graphView(graph, request.query.max_nodes ?? 2000);
    },
  );
}
