import { ErrorCodes, StreamForgeError, errorMessage } from '../protocol/index.ts';

/** SQLSTATE classes that say "the database is not there right now": retry, never dead-letter. */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;
const TRANSIENT_NODE =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|timeout|Connection terminated|not queryable/i;

/** A database failure as a StreamForgeError: outages are retryable, bad data and bad SQL are not. */
export function toStoreError(error: unknown, where: string): StreamForgeError {
  if (error instanceof StreamForgeError) return error;
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  if (code === '28P01' || code === '28000') {
    return new StreamForgeError(
      ErrorCodes.STORE_AUTH_FAILED,
      `PostgreSQL at ${where} rejected the credentials: check the user and password in DATABASE_URL (${message})`,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new StreamForgeError(
      ErrorCodes.STORE_UNAVAILABLE,
      `PostgreSQL at ${where}: ${message}: create it or fix DATABASE_URL`,
      {
        cause: error,
      },
    );
  }
  if ((typeof code === 'string' && TRANSIENT_SQLSTATE.test(code)) || TRANSIENT_NODE.test(message)) {
    return new StreamForgeError(
      ErrorCodes.STORE_UNAVAILABLE,
      `PostgreSQL at ${where} is unavailable: ${message}`,
      {
        cause: error,
        canRetry: true,
      },
    );
  }
  return new StreamForgeError(
    ErrorCodes.STORE_QUERY_FAILED,
    `PostgreSQL: ${message}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`,
    {
      cause: error,
    },
  );
}
