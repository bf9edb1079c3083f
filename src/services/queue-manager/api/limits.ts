/**
 * The limits of the queue manager's HTTP API, in one place: the server is configured from them, the
 * schemas and the OpenAPI document state them, and docs/queue-manager.md lists them.
 */

/** Largest request body accepted; above it 413 SF_PAYLOAD_TOO_LARGE. A start payload is a few KiB. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Longest queue id (`:id`), in characters, after percent-decoding; longer is 400 SF_INVALID_REQUEST. */
export const MAX_QUEUE_ID_LENGTH = 200;

/** Longest telemetry id (`:telemetry_id`, `?telemetry_id=`), in characters; longer is 400. */
export const MAX_TELEMETRY_ID_LENGTH = 100;

/**
 * Longest path parameter as sent (percent-encoded), above which the router answers 414
 * SF_URI_TOO_LONG without routing. A character is at most 4 UTF-8 bytes of 3 characters each
 * (`%F0%9F%98%80`), so every id the schemas could accept is shorter and reaches validation.
 */
export const MAX_PATH_PARAM_LENGTH = MAX_QUEUE_ID_LENGTH * 12;

/** Deepest nesting of arrays and objects in a JSON body; deeper is 400 (the start payload needs 4). */
export const MAX_BODY_DEPTH = 32;

/** Media types the API answers with, for the OpenAPI document. */
export const JSON_MEDIA_TYPE = 'application/json';
export const EVENT_STREAM_MEDIA_TYPE = 'text/event-stream';
