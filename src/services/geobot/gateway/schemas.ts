import { Type } from '@sinclair/typebox';
import { EnvelopeSchema } from '../../../protocol/geobot/envelope.ts';
import { ErrorSchema } from '../../queue-manager/request/schema.ts';

/** What a 202 says: the envelope as the broker acknowledged it, where, and under which key. */
export const AcceptedSchema = Type.Object(
  {
    status: Type.Literal('accepted', { description: 'the broker acknowledged the envelope (acks=all)' }),
    topic: Type.String({ examples: ['create_user_in'] }),
    key: Type.Union([Type.String(), Type.Null()], {
      description: 'the Kafka key: user_id, task_id, or null for /info',
    }),
    envelope: EnvelopeSchema,
  },
  { description: 'accepted: the processors will answer on info_in' },
);

const error = (description: string) => ({ ...ErrorSchema, description });

/** The error answers every POST route can give. */
export const POST_ERRORS = {
  400: error('SF_INVALID_REQUEST: the body is invalid; `reasons` lists every problem'),
  413: error('SF_PAYLOAD_TOO_LARGE: a body of more than 256 KiB'),
  415: error('SF_UNSUPPORTED_MEDIA_TYPE: a body that is not application/json'),
  500: error('SF_INTERNAL: an unexpected failure; the message has the request id'),
  503: error(
    'SF_BUS_UNREACHABLE (or another SF_BUS_* code): the broker did not acknowledge in time; nothing was accepted, retry later (Retry-After)',
  ),
};
