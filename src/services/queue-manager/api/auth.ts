import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';

/**
 * The onRequest hook of mutating routes: with QUEUE_MANAGER_TOKEN set, `Authorization: Bearer <token>`
 * is required (compared in constant time); without it, every caller is trusted (embedded mode).
 */
export function bearerAuth(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === undefined) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] && timingSafeEqual(digest(match[1].trim()), expected)) return;
    void reply.header('www-authenticate', 'Bearer realm="streamforge"');
    throw new StreamForgeError(
      ErrorCodes.UNAUTHORIZED,
      match ? 'the bearer token is wrong' : 'this route needs "Authorization: Bearer <QUEUE_MANAGER_TOKEN>"',
    );
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
