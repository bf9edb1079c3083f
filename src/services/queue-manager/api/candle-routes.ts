import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import { ErrorSchema } from '../request/schema.ts';
import { CollectionParamsSchema, type CollectionReader } from './collection-routes.ts';

/** Bars answered when the client does not say: about one per pixel of a wide chart. */
export const DEFAULT_CANDLE_POINTS = 1000;
export const MAX_CANDLE_POINTS = 5000;

const CandleQuerySchema = Type.Object(
  {
    from: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Unix ms, inclusive; default: the first candle' }),
    ),
    to: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Unix ms, inclusive; default: the last candle' }),
    ),
    max_points: Type.Optional(
      Type.Integer({ minimum: 10, maximum: MAX_CANDLE_POINTS, default: DEFAULT_CANDLE_POINTS }),
    ),
    symbol: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,40}$' })),
  },
  { additionalProperties: false },
);

const BarSchema = Type.Object({
  t: Type.Number({ description: 'bar open time, Unix ms' }),
  o: Type.Number(),
  h: Type.Number(),
  l: Type.Number(),
  c: Type.Number(),
  v: Type.Number({ description: 'volume, summed over the merged candles' }),
  n: Type.Integer({ description: 'candles merged into this bar' }),
});

const CandleSeriesSchema = Type.Object({
  name: Type.String(),
  symbol: Type.Union([Type.String(), Type.Null()]),
  interval: Type.Union([Type.String(), Type.Null()]),
  bucketMs: Type.Number({ description: "each bar's width: the interval, or a multiple when downsampled" }),
  downsampled: Type.Boolean(),
  candles: Type.Integer({ description: 'candles in the range before merging' }),
  bars: Type.Array(BarSchema),
});

/** GET /collections/{name}/candles: a candle collection as chart bars, downsampled to max_points. */
export function candleRoutes(app: FastifyInstance, collections: CollectionReader): void {
  app.get<{ Params: Static<typeof CollectionParamsSchema>; Querystring: Static<typeof CandleQuerySchema> }>(
    '/collections/:name/candles',
    {
      schema: {
        tags: ['collections'],
        summary: 'Candles of a collection for a chart, downsampled in the database',
        description:
          'At most max_points bars between from and to: with more candles than that, consecutive candles are merged into bars a whole number of intervals wide (open of the first, close of the last, high/low of all, volume summed). 400 for a trade collection, 404 for an unknown one.',
        params: CollectionParamsSchema,
        querystring: CandleQuerySchema,
        response: { 200: CandleSeriesSchema, 400: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const { from, to, max_points: maxPoints, symbol } = request.query;
      if (from !== undefined && to !== undefined && from > to) {
        throw new StreamForgeError(ErrorCodes.INVALID_REQUEST, `from (${from}) is after to (${to})`);
      }
      if (!collections.candles) {
        throw new StreamForgeError(
          ErrorCodes.NOT_FOUND,
          'candles are read from PostgreSQL or PGlite collections; this manager reads ArangoDB',
        );
      }
      return collections.candles(request.params.name, {
        from,
        to,
        maxPoints: maxPoints ?? DEFAULT_CANDLE_POINTS,
        symbol,
      });
    },
  );
}
