import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, isStreamForgeError, type ErrorCode } from '../../../protocol/index.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.INVALID_REQUEST]: 400,
  [ErrorCodes.UNAUTHORIZED]: 401,
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.CONFLICT]: 409,
  [ErrorCodes.STORE_UNAVAILABLE]: 503,
  [ErrorCodes.BUS_UNREACHABLE]: 503,
};

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Every error answer has one shape: statusCode, error, code (SF_*), message, and reasons for 400s. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let status = 500;
  let code: string = 'SF_INTERNAL';
  let message = error.message;
  let reasons: string[] | undefined;
  const cause = (error as { cause?: unknown }).cause;
  const sf = isStreamForgeError(error) ? error : isStreamForgeError(cause) ? cause : undefined;
  if (sf) {
    status = STATUS[sf.code] ?? 500;
    code = sf.code;
    message = sf.message;
    reasons = (sf as { reasons?: string[] }).reasons ?? (status === 400 ? [sf.message] : undefined);
  } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own: malformed JSON, wrong content type, body too large.
    status = error.statusCode;
    code = status === 400 ? ErrorCodes.INVALID_REQUEST : (error.code ?? code);
    reasons = status === 400 ? [error.message] : undefined;
  }
  if (status >= 500) request.log.error({ err: error.message, code }, 'request failed');
  void reply.status(status).send({
    statusCode: status,
    error: NAMES[status] ?? 'Error',
    code,
    message,
    ...(reasons ? { reasons } : {}),
  });
}
