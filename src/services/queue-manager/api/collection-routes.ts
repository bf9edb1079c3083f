import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CandleQuery, CandleSeries, CollectionStats } from '../../connector/index.ts';
import { ErrorSchema } from '../request/schema.ts';

/** Where the connectors write collections: PostgreSQL/PGlite (the manager's own database) or ArangoDB. */
export interface CollectionReader {
  /** Rejects with SF_NOT_FOUND for a collection that does not exist. */
  stats(name: string): Promise<CollectionStats>;
  /** Candles for a chart (GET /collections/{name}/candles); PostgreSQL/PGlite only so far. */
  candles?(name: string, query: CandleQuery): Promise<CandleSeries>;
}

export const CollectionParamsSchema = Type.Object({
  // The connector's rule for collection names (they become table names).
  name: Type.String({ pattern: '^[a-z0-9_][a-z0-9_-]{0,57}$' }),
});

const GapSchema = Type.Object({
  symbol: Type.String(),
  after: Type.Number({ description: 'candle open time (Unix ms) or trade id before the hole' }),
  before: Type.Number({ description: 'candle open time (Unix ms) or trade id after the hole' }),
  missing: Type.Number(),
});

export const CollectionStatsSchema = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('candle'), Type.Literal('trade')]),
  rows: Type.Integer(),
  firstTime: Type.Optional(Type.Number({ description: 'Unix ms of the first record; absent when empty' })),
  lastTime: Type.Optional(Type.Number({ description: 'Unix ms of the last record; absent when empty' })),
  gaps: Type.Array(GapSchema, { description: 'the first 20 holes' }),
  missing: Type.Number({ description: 'candles or trade ids missing inside the covered range, all holes' }),
  gapsKnown: Type.Boolean(),
});

/** GET /collections/{name}: what `streamforge collection NAME --json` prints, read by the running manager. */
export function collectionRoutes(app: FastifyInstance, collections: CollectionReader): void {
  app.get<{ Params: Static<typeof CollectionParamsSchema> }>(
    '/collections/:name',
    {
      schema: {
        tags: ['collections'],
        summary: "A collection's row count, time coverage and gaps",
        description:
          'The datasets the arango-connector jobs write (PGlite in `streamforge up`, PostgreSQL or ArangoDB when distributed), computed in the database. Unknown collections answer 404 SF_NOT_FOUND.',
        params: CollectionParamsSchema,
        response: { 200: CollectionStatsSchema, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => collections.stats(request.params.name),
  );
}
