import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readChoice, readInteger, readString, type Env } from '../../runtime/index.ts';
import type { UpsertMethod } from './sinks/postgres-sink.ts';

export interface ArangoOptions {
  /** ARANGO_URL, e.g. http://127.0.0.1:8529. */
  readonly url: string;
  /** ARANGO_DB; default '_system'. */
  readonly database: string;
  /** ARANGO_USER; default 'root'. */
  readonly user: string;
  /** ARANGO_PASSWORD; default empty. */
  readonly password: string;
}

/** How an arango-connector drains and where it writes. Read once from the environment, frozen. */
export interface ConnectorOptions {
  /** COLLECTION_NAME; default `{symbol}_{type}_{YYYY_MM_DD of the range start}`. */
  readonly collection: string | undefined;
  /** CONSUMER_GROUP; default `arango-connector.{topic}.{collection}`: stable, so a restarted job resumes. */
  readonly groupId: string | undefined;
  /** DATABASE_URL: PostgreSQL; without it (and without ARANGO_URL) PGlite in dataDir. */
  readonly databaseUrl: string | undefined;
  /** STREAMFORGE_DATA_DIR for PGlite; default in memory (only useful in tests). */
  readonly dataDir: string | undefined;
  /** ARANGO_URL and friends: store collections in ArangoDB instead. */
  readonly arango: ArangoOptions | undefined;
  /**
   * CONNECTOR_BATCH_SIZE: most records upserted per partition at once; default 20000. Each write is a
   * transaction (a WAL flush): bench/pipeline stores 1M rows about twice as fast at 20000 as at 5000.
   */
  readonly batchSize: number;
  /** DATA_TOPIC_PARTITIONS: partitions when the connector creates the topic first; default 3. */
  readonly partitions: number;
  /** UPSERT_METHOD: copy | unnest | values; default copy on PostgreSQL, unnest on PGlite. */
  readonly upsertMethod: UpsertMethod | undefined;
  /** LOADING_INTERVAL_SECONDS: cadence of `loading` telemetry; default 5. */
  readonly loadingIntervalMs: number;
  /**
   * UPSTREAM_PRODUCER: the telemetry_id of the loader whose end-of-stream markers end this connector
   * (the queue manager sets it); markers of any other producer or earlier run are ignored. Unset: the
   * first loader run whose markers cover every partition ends it.
   */
  readonly upstreamProducer: string | undefined;
  /** CONNECTOR_MAX_RETRIES: retries of a failing batch before it is split and bad records dead-lettered; default 2. */
  readonly maxRetries: number;
}

export function readConnectorOptions(env: Env): ConnectorOptions {
  const method = readString(env, 'UPSERT_METHOD');
  const arangoUrl = readString(env, 'ARANGO_URL');
  const seconds = Number(readString(env, 'LOADING_INTERVAL_SECONDS', '5'));
  if (!Number.isFinite(seconds) || seconds < 0.05) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `LOADING_INTERVAL_SECONDS: expected seconds ≥ 0.05`,
    );
  }
  return Object.freeze({
    collection: readString(env, 'COLLECTION_NAME'),
    groupId: readString(env, 'CONSUMER_GROUP'),
    databaseUrl: readString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'STREAMFORGE_DATA_DIR'),
    arango:
      arangoUrl === undefined
        ? undefined
        : Object.freeze({
            url: arangoUrl,
            database: readString(env, 'ARANGO_DB', '_system'),
            user: readString(env, 'ARANGO_USER', 'root'),
            password: env.ARANGO_PASSWORD ?? '',
          }),
    batchSize: readInteger(env, 'CONNECTOR_BATCH_SIZE', 20_000, 1),
    partitions: readInteger(env, 'DATA_TOPIC_PARTITIONS', 3, 1),
    upsertMethod:
      method === undefined
        ? undefined
        : readChoice(env, 'UPSERT_METHOD', ['copy', 'unnest', 'values'] as const, 'copy'),
    loadingIntervalMs: seconds * 1000,
    maxRetries: readInteger(env, 'CONNECTOR_MAX_RETRIES', 2),
    upstreamProducer: readString(env, 'UPSTREAM_PRODUCER'),
  });
}
