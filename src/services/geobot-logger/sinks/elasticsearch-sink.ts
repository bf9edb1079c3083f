import { readFileSync } from 'node:fs';
import { Client, errors, type ClientOptions, type estypes } from '@elastic/elasticsearch';
import { ErrorCodes, StreamForgeError, errorMessage } from '../../../protocol/index.ts';
import { backoffMs } from '../../../consumer/index.ts';
import { sleep } from '../../../consumer/failure.ts';
import type { LogDocument } from '../log-document.ts';
import type { LogSink, RefusedDocument } from './log-sink.ts';

export interface ElasticsearchSinkOptions {
  /** ELASTICSEARCH_URL, e.g. http://127.0.0.1:9200 (credentials in the URL work too). */
  url: string;
  /** ELASTICSEARCH_INDEX: the seed's "logger-service". */
  index: string;
  /** ELASTICSEARCH_API_KEY (base64 id:key), or ELASTICSEARCH_USERNAME / ELASTICSEARCH_PASSWORD. */
  apiKey?: string;
  username?: string;
  password?: string;
  /** ELASTICSEARCH_CA_PATH: PEM file of the CA that signed the cluster's certificate. */
  caPath?: string;
  /** ELASTICSEARCH_BULK_RETRIES: extra tries of the documents that got 429/5xx, within one write. */
  bulkRetries: number;
  /** First per-document retry delay, in ms; doubles each try (plus jitter), capped at 5 s. */
  retryBackoffMs: number;
  /** ELASTICSEARCH_REQUEST_TIMEOUT: one bulk request, in ms. */
  requestTimeoutMs: number;
}

/** What each write did, for the logger's metrics. */
export interface WriteStats {
  onBulk?(seconds: number, documents: number): void;
  onRetried?(documents: number): void;
}

/**
 * The index's field types. `data` stays dynamic (the seed's extra data, whatever fields it has), so a
 * document whose data field has another type than before is refused (a mapping conflict): it is
 * dead-lettered, the others are indexed.
 */
export const LOG_INDEX_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: true,
  properties: {
    '@timestamp': { type: 'date' },
    service: { type: 'keyword' },
    executer: { type: 'keyword' },
    message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } },
    level: { type: 'keyword' },
    action: { type: 'keyword' },
    data: { type: 'object', dynamic: true },
  },
};

const MAX_RETRY_BACKOFF_MS = 5000;

/**
 * 400s that are about the index, not the document (a closed index answers 400 per item): they would
 * refuse every document alike, so they count as an outage, never as a reason to dead-letter.
 */
const INDEX_LEVEL_ERRORS = new Set([
  'index_closed_exception',
  'invalid_index_name_exception',
  'cluster_block_exception',
  'index_not_found_exception',
]);

/**
 * Indexes documents with the bulk API. Per document: 2xx is stored; 400 is refused for good (mapping
 * conflicts, dates that are no dates) unless it is about the index; anything else (429 too many
 * requests, 5xx, a closed or read-only index) is retried alone with backoff, and if it still fails the write throws SF_SEARCH_UNAVAILABLE
 * (retryable): the consumer pauses the partition and writes the batch again later, which overwrites the
 * documents already stored (ids are deterministic), so nothing is duplicated.
 */
export class ElasticsearchSink implements LogSink {
  readonly kind = 'elasticsearch';
  readonly #client: Client;
  readonly #options: ElasticsearchSinkOptions;
  readonly #stats: WriteStats;
  #prepared = false;

  constructor(options: ElasticsearchSinkOptions, stats: WriteStats = {}) {
    this.#options = options;
    this.#stats = stats;
    const auth: ClientOptions['auth'] =
      options.apiKey !== undefined
        ? { apiKey: options.apiKey }
        : options.username !== undefined
          ? { username: options.username, password: options.password ?? '' }
          : undefined;
    this.#client = new Client({
      node: options.url,
      auth,
      tls: options.caPath !== undefined ? { ca: readFileSync(options.caPath, 'utf8') } : undefined,
      requestTimeout: options.requestTimeoutMs,
      // Retries are ours: per document in write(), and the consumer's outage backoff above that.
      maxRetries: 0,
      compression: false,
    });
  }

  get index(): string {
    return this.#options.index;
  }

  /** The client, for tests and the bench (same connection settings). */
  get client(): Client {
    return this.#client;
  }

  async prepare(): Promise<void> {
    if (this.#prepared) return;
    const { index } = this.#options;
    try {
      // An index template too, so that an index deleted by hand comes back with the same mappings
      // when the next bulk request creates it.
      await this.#client.indices
        .putIndexTemplate({
          name: `streamforge-${index}`,
          index_patterns: [index],
          priority: 200,
          template: { mappings: LOG_INDEX_MAPPINGS },
        })
        .catch((error: unknown) => {
          // A user allowed to write the index but not to manage templates: the index alone will do.
          if (!(error instanceof errors.ResponseError && error.statusCode === 403)) throw error;
        });
      const exists = await this.#client.indices.exists({ index });
      if (!exists) {
        await this.#client.indices.create({ index, mappings: LOG_INDEX_MAPPINGS }).catch((error: unknown) => {
          // Another logger instance created it first: fine.
          if (!errorMessage(error).includes('resource_already_exists_exception')) throw error;
        });
      }
      this.#prepared = true;
    } catch (error) {
      throw requestError(error, `preparing index ${index}`);
    }
  }

  async write(documents: readonly LogDocument[], signal?: AbortSignal): Promise<RefusedDocument[]> {
    await this.prepare();
    const refused: RefusedDocument[] = [];
    let pending = documents;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const items = await this.#bulk(pending);
      const retry: LogDocument[] = [];
      const statuses = new Map<number, string>();
      pending.forEach((doc, i) => {
        const item = items[i];
        const status = item?.status ?? 0;
        if (status >= 200 && status < 300) return;
        const reason = item?.error ? `${item.error.type}: ${item.error.reason ?? ''}` : `status ${status}`;
        if (status === 400 && !INDEX_LEVEL_ERRORS.has(item?.error?.type ?? '')) {
          refused.push({
            id: doc.id,
            error: new StreamForgeError(
              ErrorCodes.DOCUMENT_REJECTED,
              `Elasticsearch refused document ${doc.id} for index ${this.#options.index}: ${reason}`,
            ),
          });
        } else {
          retry.push(doc);
          statuses.set(status, reason);
        }
      });
      if (retry.length === 0) break;
      if (attempt > this.#options.bulkRetries) {
        const why = [...statuses].map(([s, r]) => `${s} (${r})`).join(', ');
        throw new StreamForgeError(
          ErrorCodes.SEARCH_UNAVAILABLE,
          `Elasticsearch did not store ${retry.length} of ${documents.length} documents after ${attempt} tries: ${why}`,
          { canRetry: true },
        );
      }
      this.#stats.onRetried?.(retry.length);
      const wait = backoffMs(attempt, this.#options.retryBackoffMs, MAX_RETRY_BACKOFF_MS);
      if (!(await sleep(wait, signal))) {
        throw new StreamForgeError(ErrorCodes.SEARCH_UNAVAILABLE, 'stopped while retrying documents', {
          canRetry: true,
        });
      }
      pending = retry;
    }
    return refused;
  }

  /** One bulk request; the per-document answers in the order sent. */
  async #bulk(documents: readonly LogDocument[]): Promise<BulkItem[]> {
    const operations: unknown[] = [];
    const _index = this.#options.index;
    for (const { id, document } of documents) operations.push({ index: { _index, _id: id } }, document);
    const started = performance.now();
    let response;
    try {
      response = await this.#client.bulk({ operations });
    } catch (error) {
      throw requestError(error, `bulk request of ${documents.length} documents`);
    }
    this.#stats.onBulk?.((performance.now() - started) / 1000, documents.length);
    if (response.items.length !== documents.length) {
      throw new StreamForgeError(
        ErrorCodes.SEARCH_UNAVAILABLE,
        `Elasticsearch answered ${response.items.length} items for ${documents.length} documents`,
        { canRetry: true },
      );
    }
    return response.items.map((item) => item.index ?? Object.values(item)[0] ?? { status: 0 });
  }

  async ping(): Promise<boolean> {
    try {
      return await this.#client.ping({}, { requestTimeout: 2000 });
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

interface BulkItem {
  status: number;
  error?: { type: string; reason?: string | null };
}

/**
 * A failed request as a StreamForgeError: an answer that says the request itself is bad (400, 413) is
 * not retryable (the consumer retries, then splits the batch to find the document at fault); anything
 * else (no answer, 429, 5xx, 401/403/404 for the cluster or index) is an outage.
 */
function requestError(error: unknown, what: string): StreamForgeError {
  if (error instanceof StreamForgeError) return error;
  const status = error instanceof errors.ResponseError ? error.statusCode : undefined;
  if (status === 400 || status === 413) {
    return new StreamForgeError(
      ErrorCodes.DOCUMENT_REJECTED,
      `Elasticsearch refused the ${what} (${status}): ${errorMessage(error)}`,
      { cause: error },
    );
  }
  const answer = status === undefined ? 'no answer' : `status ${status}`;
  return new StreamForgeError(
    ErrorCodes.SEARCH_UNAVAILABLE,
    `Elasticsearch is unavailable (${answer}) for the ${what}: ${errorMessage(error)}`,
    { cause: error, canRetry: true },
  );
}
