import { randomUUID } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  CreateUserBody,
  GEOBOT_ACTIONS,
  InfoBody,
  StartTaskBody,
  UpdateUserBody,
  taskProblems,
  updateUserProblems,
} from '../../../protocol/geobot/requests.ts';
import { invalidRequest } from '../../queue-manager/request/plan.ts';
import type { GeobotTopics } from '../topics.ts';
import { AcceptedSchema, POST_ERRORS } from './schemas.ts';
import { RETRY_AFTER_SECONDS, type EnvelopeProducer } from './producer.ts';

interface Route<S extends TSchema> {
  path: string;
  action: string;
  topic: keyof Omit<GeobotTopics, 'partitions'>;
  summary: string;
  description: string;
  body: S;
  /** Problems the schema cannot express (400), then the envelope's message, data and key. */
  problems?(body: Static<S>): string[];
  envelope(body: Static<S>): { message: string; data: unknown; key: string | null };
}

function route<S extends TSchema>(r: Route<S>): Route<S> {
  return r;
}

/** The seed's four routes (ЛК: /create_user → create_user_in, …), each answered 202 only after the ack. */
const ROUTES = [
  route({
    path: '/create_user',
    action: GEOBOT_ACTIONS.createUser,
    topic: 'createUser',
    summary: 'Create (or overwrite) a user',
    description:
      'Produces a create_user envelope to create_user_in, keyed by user_id. ARM stores the user and answers on info_in with the stored row.',
    body: CreateUserBody,
    envelope: (body) => ({ message: 'It is create_user', data: body, key: body.user_id }),
  }),
  route({
    path: '/update_user',
    action: GEOBOT_ACTIONS.updateUser,
    topic: 'updateUser',
    summary: 'Change fields of a user',
    description:
      'Produces an update_user envelope to update_user_in, keyed by user_id. Fields left out keep their value; at least one must be given. ARM answers on info_in with the stored row.',
    body: UpdateUserBody,
    problems: updateUserProblems,
    envelope: (body) => ({ message: 'It is update_user', data: body, key: body.user_id }),
  }),
  route({
    path: '/info',
    action: GEOBOT_ACTIONS.info,
    topic: 'info',
    summary: 'Log a message',
    description:
      'Produces an info envelope to info_in (what the logger indexes): `message`, and `data` as is.',
    body: InfoBody,
    envelope: (body) => ({ message: body.message, data: body.data ?? {}, key: null }),
  }),
  route({
    path: '/start_task',
    action: GEOBOT_ACTIONS.startTask,
    topic: 'task',
    summary: 'Start a geometry task',
    description:
      'Produces a start_task envelope to task_in, keyed by task_id (made here when missing). WORKER reports progress and the result on info_in under that task_id.',
    body: StartTaskBody,
    problems: taskProblems,
    envelope: (body) => {
      const taskId = body.task_id ?? randomUUID();
      return { message: 'It is start_task', data: { ...body, task_id: taskId }, key: taskId };
    },
  }),
];

export function gatewayRoutes(app: FastifyInstance, topics: GeobotTopics, producer: EnvelopeProducer): void {
  for (const r of ROUTES as Route<TSchema>[]) {
    app.post<{ Body: unknown }>(
      r.path,
      {
        schema: {
          tags: ['geobot'],
          summary: r.summary,
          description: r.description,
          body: r.body,
          response: { 202: AcceptedSchema, ...POST_ERRORS },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const problems = r.problems?.(body) ?? [];
        if (problems.length > 0) throw invalidRequest(problems);
        const { message, data, key } = r.envelope(body);
        // The error handler answers a failure 503 SF_BUS_UNREACHABLE; this header goes with it.
        void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        const accepted = await producer.produce({
          topic: topics[r.topic],
          action: r.action,
          message,
          data,
          key,
        });
        void reply.removeHeader('retry-after');
        return reply.status(202).send(accepted);
      },
    );
  }
}
