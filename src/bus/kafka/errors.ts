import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';

/** Every error reachable from `error` (AggregateError members and causes), the error first. */
function* chain(error: unknown, depth = 0): Generator<unknown> {
  if (depth > 8 || error === null || error === undefined) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* chain(inner, depth + 1);
  if (error instanceof Error) yield* chain(error.cause, depth + 1);
}

function describe(error: unknown): string {
  return [...chain(error)]
    .map(errorMessage)
    .filter((m, i, all) => m && all.indexOf(m) === i)
    .join(': ');
}

/** Translates a Kafka client failure into a StreamForgeError that names the cause and what to do. */
export function toBusError(error: unknown, brokers: string[], action: string): StreamForgeError {
  if (error instanceof StreamForgeError) return error;
  const text = describe(error);
  const codes = new Set([...chain(error)].map((e) => (e as { code?: unknown }).code).filter(Boolean));
  const where = brokers.join(',');
  if (codes.has('PLT_KFK_AUTHENTICATION') || /SASL|authenticat/i.test(text)) {
    return new StreamForgeError(
      ErrorCodes.BUS_AUTH_FAILED,
      `Kafka at ${where} rejected the credentials while trying to ${action} (SCRAM-SHA-512): check KAFKA_USER and KAFKA_PASSWORD. ${text}`,
      { cause: error },
    );
  }
  if (/certificate|self[- ]signed|SSL|TLS|wrong version number|EPROTO/i.test(text)) {
    return new StreamForgeError(
      ErrorCodes.BUS_TLS_FAILED,
      `TLS to Kafka at ${where} failed while trying to ${action}: check KAFKA_CA_PATH and that the listener speaks SASL_SSL. ${text}`,
      { cause: error },
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|timed? ?out|Connection closed|ECONNRESET/i.test(text)) {
    return new StreamForgeError(
      ErrorCodes.BUS_UNREACHABLE,
      `Kafka at ${where} is unreachable while trying to ${action}: check KAFKA_BOOTSTRAP_SERVERS and that the broker runs. ${text}`,
      { cause: error, canRetry: true },
    );
  }
  if (/UNKNOWN_TOPIC|does not host this topic/i.test(text)) {
    return new StreamForgeError(ErrorCodes.BUS_UNKNOWN_TOPIC, `Kafka: ${action}: ${text}`, { cause: error });
  }
  const canRetry = [...chain(error)].some((e) => (e as { canRetry?: unknown }).canRetry === true);
  return new StreamForgeError(ErrorCodes.BUS_ERROR, `Kafka: ${action} failed: ${text}`, {
    cause: error,
    canRetry,
  });
}
