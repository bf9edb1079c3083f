/**
 * The one error class of StreamForge. Every error that crosses a seam carries a stable `code`
 * (documented in docs/errors.md) and whether retrying the same operation may succeed (`canRetry`).
 */
export class StreamForgeError extends Error {
  readonly code: ErrorCode;
  readonly canRetry: boolean;

  constructor(code: ErrorCode, message: string, options: { canRetry?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StreamForgeError';
    this.code = code;
    this.canRetry = options.canRetry ?? false;
  }
}

export const ErrorCodes = {
  /** A message on a topic is not valid JSON or does not match its schema. */
  INVALID_MESSAGE: 'SF_INVALID_MESSAGE',
  /** Configuration (environment, flags, options) is missing or malformed. */
  INVALID_CONFIG: 'SF_INVALID_CONFIG',
  /** The message bus cannot be reached within the connect timeout. */
  BUS_UNREACHABLE: 'SF_BUS_UNREACHABLE',
  /** The broker rejected the credentials (SASL authentication failed). */
  BUS_AUTH_FAILED: 'SF_BUS_AUTH_FAILED',
  /** TLS handshake failed: wrong CA, wrong host name, or a plaintext listener. */
  BUS_TLS_FAILED: 'SF_BUS_TLS_FAILED',
  /** A topic that must exist does not. */
  BUS_UNKNOWN_TOPIC: 'SF_BUS_UNKNOWN_TOPIC',
  /** Any other bus failure; `canRetry` tells whether it is transient. */
  BUS_ERROR: 'SF_BUS_ERROR',
  /** The bus or a subscription was used after close(). */
  BUS_CLOSED: 'SF_BUS_CLOSED',
  /** The database cannot be reached or is shutting down; retryable. */
  STORE_UNAVAILABLE: 'SF_STORE_UNAVAILABLE',
  /** The database rejected the credentials in DATABASE_URL. */
  STORE_AUTH_FAILED: 'SF_STORE_AUTH_FAILED',
  /** A statement failed (constraint, syntax, types); retrying the same statement fails again. */
  STORE_QUERY_FAILED: 'SF_STORE_QUERY_FAILED',
  /** The embedded database directory is in use by another process. */
  STORE_LOCKED: 'SF_STORE_LOCKED',
  /** An operation did not complete within its deadline. */
  TIMEOUT: 'SF_TIMEOUT',
  /** A job failed while doing its work. */
  JOB_FAILED: 'SF_JOB_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export function isStreamForgeError(error: unknown): error is StreamForgeError {
  return error instanceof StreamForgeError;
}

/** The message of anything thrown, for logs and telemetry. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
