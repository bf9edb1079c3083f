import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, isStreamForgeError, type ErrorCode } from '../../../protocol/index.ts';
import type { ErrorAnswer } from '../request/schema.ts';
import { JSON_MEDIA_TYPE, MAX_BODY_BYTES, MAX_PATH_PARAM_LENGTH } from './limits.ts';

/** The HTTP status of each code the API answers with; any other code is a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.INVALID_REQUEST]: 400,
  [ErrorCodes.INPUT_UNRESOLVED]: 400,
  [ErrorCodes.UNAUTHORIZED]: 401,
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.CONFLICT]: 409,
  [ErrorCodes.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCodes.URI_TOO_LONG]: 414,
  [ErrorCodes.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCodes.STORE_UNAVAILABLE]: 503,
  [ErrorCodes.BUS_UNREACHABLE]: 503,
};

/** What a 5xx says: never the store's or the bus's own message (it names tables, hosts, SQL). */
const GENERIC: Partial<Record<ErrorCode, string>> = {
  [ErrorCodes.STORE_UNAVAILABLE]: 'the database is unavailable; retry later',
  [ErrorCodes.BUS_UNREACHABLE]: 'the message bus is unreachable; retry later',
};

interface Described {
  status: number;
  code: ErrorCode;
  message: string;
  reasons?: string[];
}

/**
 * The one error handler of the API: every error, StreamForge's or Fastify's own (body too large,
 * wrong media type, bad URL), answers `{statusCode, error, code: SF_*, message, reasons?}`. A 5xx is
 * logged in full and answered with a generic message and the request id that finds the log line.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const described = describe(error, request);
  if (described.status >= 500) {
    request.log.error({ err: error, code: described.code }, 'request failed');
    described.message = `${GENERIC[described.code] ?? 'internal error'} (request ${request.id}; the details are in the server log)`;
    described.reasons = undefined;
  }
  void reply.status(described.status).send(errorBody(described));
}

/** Unknown routes and methods: 404 SF_NOT_FOUND in the same shape. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? '';
  void reply.status(404).send(
    errorBody({
      status: 404,
      code: ErrorCodes.NOT_FOUND,
      message: `no route ${request.method} ${clip(path)}: see /docs for the API`,
    }),
  );
}

/** Errors the router raises before a route is chosen (bad percent-encoding, a parameter too long). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  errorHandler(error, request, reply);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (malformed, headers over 16 KiB, slow):
 * the same shape, written to the socket as Fastify's default handler does.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const described: Described =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? { status: 408, code: ErrorCodes.TIMEOUT, message: 'the request was not received in time' }
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? {
            status: 431,
            code: ErrorCodes.INVALID_REQUEST,
            message: 'the request line and headers are larger than the server accepts (16 KiB)',
          }
        : {
            status: 400,
            code: ErrorCodes.INVALID_REQUEST,
            message: 'the request is not valid HTTP',
            reasons: ['the request is not valid HTTP'],
          };
  const body = JSON.stringify(errorBody(described));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${described.status} ${STATUS_CODES[described.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${JSON_MEDIA_TYPE}; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function describe(error: FastifyError, request: FastifyRequest): Described {
  const cause = (error as { cause?: unknown }).cause;
  const sf = isStreamForgeError(error) ? error : isStreamForgeError(cause) ? cause : undefined;
  if (sf) {
    const status = STATUS[sf.code] ?? 500;
    const reasons = (sf as { reasons?: string[] }).reasons ?? (status === 400 ? [sf.message] : undefined);
    return { status, code: status === 500 ? ErrorCodes.INTERNAL : sf.code, message: sf.message, reasons };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: ErrorCodes.PAYLOAD_TOO_LARGE,
        message: `the body is larger than ${MAX_BODY_BYTES} bytes (${MAX_BODY_BYTES / 1024} KiB), the most the API accepts`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        code: ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
        message: `content-type "${clip(request.headers['content-type'] ?? '')}" is not accepted: send ${JSON_MEDIA_TYPE}`,
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        code: ErrorCodes.URI_TOO_LONG,
        message: `a path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters as sent; no id is that long`,
      };
    case 'FST_ERR_BAD_URL':
      return invalid(`the path "${clip(request.url)}" is not valid percent-encoding`);
  }
  const status = error.statusCode;
  // Fastify's other client errors (malformed JSON, empty JSON body, bad content-length): a 400 in our words.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 400
      ? invalid(error.message)
      : {
          status,
          code: status === 404 ? ErrorCodes.NOT_FOUND : ErrorCodes.INVALID_REQUEST,
          message: error.message,
        };
  }
  return { status: 500, code: ErrorCodes.INTERNAL, message: error.message };
}

function invalid(message: string): Described {
  return { status: 400, code: ErrorCodes.INVALID_REQUEST, message, reasons: [message] };
}

function errorBody({ status, code, message, reasons }: Described): ErrorAnswer {
  return {
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    code,
    message,
    ...(reasons ? { reasons } : {}),
  };
}

/** Echoed request text, cut short: the answer should not grow with what the client sent. */
function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
