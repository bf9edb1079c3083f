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
  /** A market-data source (Binance REST or WebSocket) failed; `canRetry` tells whether it is transient. */
  SOURCE_FAILED: 'SF_SOURCE_FAILED',
  /** Binance banned this IP (HTTP 418) for longer than the loader is willing to wait. */
  SOURCE_BANNED: 'SF_SOURCE_BANNED',
  /** A time range could not be loaded completely; the message names what is missing. */
  LOAD_INCOMPLETE: 'SF_LOAD_INCOMPLETE',
  /** An archive file (zip or csv) is unreadable, has a checksum mismatch or rows of the wrong shape. */
  ARCHIVE_INVALID: 'SF_ARCHIVE_INVALID',
  /** A queue request (REST body, path or query) is invalid; the message lists every reason. */
  INVALID_REQUEST: 'SF_INVALID_REQUEST',
  /** A queue request names an input no job of the queue writes (or several do); HTTP 400 with the reasons. */
  INPUT_UNRESOLVED: 'SF_INPUT_UNRESOLVED',
  /** A queue, job or other named thing does not exist. */
  NOT_FOUND: 'SF_NOT_FOUND',
  /** The operation does not fit the current state (retry of a running job, stop of a finished queue). */
  CONFLICT: 'SF_CONFLICT',
  /** A mutating API call without the bearer token QUEUE_MANAGER_TOKEN. */
  UNAUTHORIZED: 'SF_UNAUTHORIZED',
  /** A launcher could not start or reach a job (Kubernetes API, spawn); `canRetry` tells whether it is transient. */
  LAUNCH_FAILED: 'SF_LAUNCH_FAILED',
  /** The launcher's backend refused the job as invalid (Kubernetes 422); retrying the same job fails again. */
  LAUNCH_REJECTED: 'SF_LAUNCH_REJECTED',
  /** An event handler kept failing (not an outage); the event went to the dead-letter topic with this code. */
  HANDLER_FAILED: 'SF_HANDLER_FAILED',
  /** A valid record that does not belong where it was read (another symbol or interval than the collection's). */
  FOREIGN_RECORD: 'SF_FOREIGN_RECORD',
  /** An HTTP request body is larger than the API accepts (HTTP 413). */
  PAYLOAD_TOO_LARGE: 'SF_PAYLOAD_TOO_LARGE',
  /** An HTTP request body is of a media type the API does not read (HTTP 415); send application/json. */
  UNSUPPORTED_MEDIA_TYPE: 'SF_UNSUPPORTED_MEDIA_TYPE',
  /** A path parameter is longer than any valid value could be (HTTP 414). */
  URI_TOO_LONG: 'SF_URI_TOO_LONG',
  /** An unexpected failure behind an HTTP API (HTTP 500); the details are in the service's log only. */
  INTERNAL: 'SF_INTERNAL',
  /** End-of-stream markers that disagree with the topic: a partition holds more or fewer records than its marker counts. */
  END_OF_STREAM_MISMATCH: 'SF_END_OF_STREAM_MISMATCH',
  /** A job was stopped, or never ran, because every job it follows or waits for ended without finishing. */
  UPSTREAM_FAILED: 'SF_UPSTREAM_FAILED',
  /** The port a server should listen on is taken by another process (or needs privileges). */
  PORT_IN_USE: 'SF_PORT_IN_USE',
  /** An input collection of graph-builder is empty or holds fewer windows than a graph needs; the message names it. */
  GRAPH_INPUT_TOO_SMALL: 'SF_GRAPH_INPUT_TOO_SMALL',
  /** Elasticsearch cannot be reached, is overloaded (429) or failed (5xx); retryable: the partition pauses. */
  SEARCH_UNAVAILABLE: 'SF_SEARCH_UNAVAILABLE',
  /** A sink refused one document for good (e.g. an Elasticsearch mapping conflict); it is dead-lettered. */
  DOCUMENT_REJECTED: 'SF_DOCUMENT_REJECTED',

  /** A graph handed to a model is malformed: arrays of different lengths, an edge to a node that is not there, a non-positive weight. */
  INVALID_GRAPH: 'SF_INVALID_GRAPH',
  /** A graph has too few nodes, or a split too few labelled nodes, to train or score a model; the message gives the counts. */
  GRAPH_TOO_SMALL: 'SF_GRAPH_TOO_SMALL',
  /** A feature value is NaN or infinite; the message names the feature and the node (its index and window). */
  INVALID_FEATURE: 'SF_INVALID_FEATURE',
  /** A saved model does not fit the graph it is asked to score: another feature list, symbol or interval. */
  MODEL_MISMATCH: 'SF_MODEL_MISMATCH',

  /** A geobot envelope names an action its processor has no handler for: dead-lettered. */
  UNKNOWN_ACTION: 'SF_UNKNOWN_ACTION',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export function isStreamForgeError(error: unknown): error is StreamForgeError {
  return error instanceof StreamForgeError;
}

/** The message of anything thrown, for logs and telemetry. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
