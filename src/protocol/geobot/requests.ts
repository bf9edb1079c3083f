import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';

/**
 * What the geobot gateway accepts on its routes and what travels as `payload.data` of the envelopes on
 * create_user_in, update_user_in, info_in and task_in (seed 003: the data is the request's JSON). The
 * gateway refuses unknown fields (a typo is a 400, not silently dropped); the processors read the same
 * fields but ignore unknown ones, so a newer gateway does not dead-letter at an older processor.
 */

/** Most points of one task: a body of 5000 points is about 200 KB, under the gateway's 256 KiB limit. */
export const MAX_TASK_POINTS = 5000;

const UserId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_.:@-]+$',
  description: 'the user (the Kafka key of its messages); letters, digits and _ . : @ -',
  examples: ['tg-100200300'],
});
const Username = Type.String({ minLength: 1, maxLength: 64, examples: ['ada'] });
const Email = Type.String({ maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$', examples: ['ada@example.org'] });
const FullName = Type.String({ minLength: 1, maxLength: 200, examples: ['Ada Lovelace'] });

const createUserFields = {
  user_id: UserId,
  username: Username,
  email: Type.Optional(Email),
  full_name: Type.Optional(FullName),
};
/** Fields left out keep their stored value; at least one is required (see updateUserProblems). */
const updateUserFields = {
  user_id: UserId,
  username: Type.Optional(Username),
  email: Type.Optional(Email),
  full_name: Type.Optional(FullName),
};
const infoFields = {
  message: Type.String({ minLength: 1, maxLength: 2000, description: 'what to log', examples: ['hello'] }),
  data: Type.Optional(Type.Unknown({ description: 'anything JSON, logged as is' })),
};

export const TASK_TYPES = ['route_length', 'polygon_area'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

const Point = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'latitude, degrees' }),
    lon: Type.Number({ minimum: -180, maximum: 180, description: 'longitude, degrees' }),
  },
  { additionalProperties: false },
);
const taskFields = {
  task_id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_.:@-]+$',
      description: 'correlates the progress and result on info_in; the gateway makes one when missing',
    }),
  ),
  type: Type.Union(
    TASK_TYPES.map((t) => Type.Literal(t)),
    {
      description:
        'route_length: great-circle length of the path through the points; polygon_area: area and perimeter of the polygon they outline',
    },
  ),
  points: Type.Array(Point, { minItems: 2, maxItems: MAX_TASK_POINTS }),
  user_id: Type.Optional(UserId),
};

function both<P extends TProperties>(properties: P, description: string): [TObject<P>, TObject<P>] {
  return [
    Type.Object(properties, { additionalProperties: false, description }),
    Type.Object(properties, { additionalProperties: true, description }),
  ];
}

export const [CreateUserBody, CreateUserData] = both(createUserFields, 'a user to create (or overwrite)');
export const [UpdateUserBody, UpdateUserData] = both(updateUserFields, 'the fields of a user to change');
export const [InfoBody, InfoData] = both(infoFields, 'a message for the log (info_in)');
export const [StartTaskBody, StartTaskData] = both(taskFields, 'a geometry task for the WORKER');

export type CreateUser = Static<typeof CreateUserData>;
export type UpdateUser = Static<typeof UpdateUserData>;
export type Info = Static<typeof InfoData>;
export type StartTask = Static<typeof StartTaskData>;
export type GeoPoint = Static<typeof Point>;

/** What a valid-looking update still gets wrong: it changes nothing. */
export function updateUserProblems(update: UpdateUser): string[] {
  const changes = ['username', 'email', 'full_name'].filter((f) => f in update);
  return changes.length === 0 ? ['give at least one of username, email, full_name to change'] : [];
}

/** What the schema cannot say per type: a polygon needs three corners. */
export function taskProblems(task: StartTask): string[] {
  if (task.type === 'polygon_area' && task.points.length < 3)
    return [`points: a polygon_area task needs at least 3 points, got ${task.points.length}`];
  return [];
}

/** The envelope's `action` per route (seed 003: the route's name), and the topic it goes to. */
export const GEOBOT_ACTIONS = Object.freeze({
  createUser: 'create_user',
  updateUser: 'update_user',
  info: 'info',
  startTask: 'start_task',
});
