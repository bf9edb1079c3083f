import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';

/** Kafka's protocol error UNKNOWN_TOPIC_OR_PARTITION (the client's ProtocolError.apiCode). */
const UNKNOWN_TOPIC_OR_PARTITION = 3;

/** What the client was asked to do and how it connects: shapes the advice of an error. */
export interface BusErrorContext {
  /** Whether the client connects with TLS + SASL (KAFKA_USER set). */
  secure?: boolean;
}

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

/** Whether the broker answered UNKNOWN_TOPIC_OR_PARTITION, by the protocol error code the client keeps. */
export function isUnknownTopicError(error: unknown): boolean {
  return [...chain(error)].some((e) => {
    const { apiCode, apiId } = e as { apiCode?: unknown; apiId?: unknown };
    return apiCode === UNKNOWN_TOPIC_OR_PARTITION || apiId === 'UNKNOWN_TOPIC_OR_PARTITION';
  });
}

/** The error for topics the broker does not have (it does not create topics on first use). */
export function unknownTopicError(topics: string[], action: string, cause: unknown): StreamForgeError {
  const names = topics.length > 0 ? topics.join(', ') : 'a topic';
  return new StreamForgeError(
    ErrorCodes.BUS_UNKNOWN_TOPIC,
    `Kafka: cannot ${action}: topic ${names} does not exist (the broker does not create topics on first use; the queue manager and the jobs create the ones they use). ${describe(cause)}`,
    { cause },
  );
}

/** Translates a Kafka client failure into a StreamForgeError that names the cause and what to do. */
export function toBusError(
  error: unknown,
  brokers: string[],
  action: string,
  context: BusErrorContext = {},
): StreamForgeError {
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
  // The client saw a TLS record where a Kafka response belongs: a plaintext client on a TLS listener.
  // On this product's brokers that listener is SASL_SSL, which needs the credentials, not only a CA.
  if (!context.secure && /Broker requires TLS/i.test(text)) {
    return new StreamForgeError(
      ErrorCodes.BUS_TLS_FAILED,
      `Kafka at ${where} speaks TLS (a SASL_SSL listener) but KAFKA_USER is not set, so the client connected in plaintext while trying to ${action}: set KAFKA_USER and KAFKA_PASSWORD (and KAFKA_CA_PATH when a private CA signed the broker), or point KAFKA_BOOTSTRAP_SERVERS at the PLAINTEXT listener. ${text}`,
      { cause: error },
    );
  }
  if (context.secure && /TLS handshake failed|wrong version number/i.test(text)) {
    return new StreamForgeError(
      ErrorCodes.BUS_TLS_FAILED,
      `Kafka at ${where} did not answer the TLS handshake while trying to ${action}: KAFKA_USER is set, so the client speaks TLS + SCRAM-SHA-512, but the listener looks like PLAINTEXT. Point KAFKA_BOOTSTRAP_SERVERS at the SASL_SSL listener, or unset KAFKA_USER for a PLAINTEXT one. ${text}`,
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
  if (isUnknownTopicError(error)) return unknownTopicError([], action, error);
  const canRetry = [...chain(error)].some((e) => (e as { canRetry?: unknown }).canRetry === true);
  return new StreamForgeError(ErrorCodes.BUS_ERROR, `Kafka: ${action} failed: ${text}`, {
    cause: error,
    canRetry,
  });
}
