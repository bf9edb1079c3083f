import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import { migrate, type Migration, type SqlClient } from '../../../store/index.ts';
import type { LogDocument } from '../log-document.ts';
import type { LogSink, RefusedDocument } from './log-sink.ts';

/** A stored log line as search() returns it: the elk_document and its id. */
export interface LogRow {
  id: string;
  '@timestamp': string;
  service: string;
  executer: string;
  message: string;
  level: string;
  action: string;
  data: unknown;
}

/**
 * The elk_document fields as a table, with a full-text index over message, executer and action
 * (`simple` configuration: no stemming, so ids and service names match as written). The tsvector is a
 * generated column: PostgreSQL and PGlite keep it in step with the row.
 */
export function logTableMigrations(schema: string, table: string): Migration[] {
  const t = `"${schema}"."${table}"`;
  return [
    {
      id: `geobot-logger:${schema}.${table}:0001_log_table`,
      sql: `
        create schema if not exists "${schema}";
        create table ${t} (
          id          text primary key,
          "@timestamp" timestamptz not null,
          service     text not null,
          executer    text not null,
          message     text not null,
          level       text not null,
          action      text not null,
          data        jsonb not null,
          indexed_at  timestamptz not null default now(),
          search      tsvector generated always as (
            to_tsvector('simple', message || ' ' || executer || ' ' || action)) stored
        );
        create index "${table}_search" on ${t} using gin (search);
        create index "${table}_timestamp" on ${t} ("@timestamp");`,
    },
  ];
}

/**
 * The logger's sink without Elasticsearch: rows in PostgreSQL (DATABASE_URL) or PGlite (embedded), one
 * statement per batch, `on conflict do nothing` on the document id so that a replay adds nothing. A
 * timestamp that is not a date is refused, as Elasticsearch refuses it; so is text PostgreSQL cannot
 * hold (NUL characters).
 */
export class PostgresLogSink implements LogSink {
  readonly kind = 'postgres';
  readonly #sql: SqlClient;
  readonly #schema: string;
  readonly #table: string;
  readonly #owned: boolean;
  #prepared = false;

  constructor(sql: SqlClient, options: { schema?: string; table?: string; closeClient?: boolean } = {}) {
    this.#sql = sql;
    this.#schema = options.schema ?? 'public';
    this.#table = options.table ?? 'geobot_log';
    this.#owned = options.closeClient ?? false;
  }

  get #name(): string {
    return `"${this.#schema}"."${this.#table}"`;
  }

  async prepare(): Promise<void> {
    if (this.#prepared) return;
    await migrate(this.#sql, logTableMigrations(this.#schema, this.#table));
    this.#prepared = true;
  }

  async write(documents: readonly LogDocument[]): Promise<RefusedDocument[]> {
    await this.prepare();
    const refused: RefusedDocument[] = [];
    const rows: { id: string; at: string; doc: LogDocument['document']; data: string }[] = [];
    for (const { id, document } of documents) {
      const time = Date.parse(document['@timestamp']);
      const data = JSON.stringify(document.data);
      const text = [document.message, document.executer, document.action, document.service];
      const problem = Number.isNaN(time)
        ? `@timestamp "${document['@timestamp']}" is not a date`
        : text.some((s) => s.includes('\u0000')) || data.includes('\\u0000') // JSON's escape of NUL
          ? 'it contains a NUL character, which PostgreSQL text cannot hold'
          : undefined;
      if (problem !== undefined) {
        refused.push({
          id,
          error: new StreamForgeError(
            ErrorCodes.DOCUMENT_REJECTED,
            `log table refused document ${id}: ${problem}`,
          ),
        });
      } else rows.push({ id, at: new Date(time).toISOString(), doc: document, data });
    }
    if (rows.length === 0) return refused;
    const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
    await this.#sql.query(
      `insert into ${this.#name} (id, "@timestamp", service, executer, message, level, action, data)
       select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::text[], $8::jsonb[])
       on conflict (id) do nothing`,
      [
        column((r) => r.id),
        column((r) => r.at),
        column((r) => r.doc.service),
        column((r) => r.doc.executer),
        column((r) => r.doc.message),
        column((r) => r.doc.level),
        column((r) => r.doc.action),
        column((r) => r.data),
      ],
    );
    return refused;
  }

  /**
   * Full-text search (websearch syntax: words, "quoted phrases", -excluded), newest first; an empty
   * query lists the newest rows.
   */
  async search(query: string, limit = 100): Promise<LogRow[]> {
    await this.prepare();
    const where = query.trim() === '' ? '' : `where search @@ websearch_to_tsquery('simple', $2)`;
    const params: unknown[] = [limit];
    if (where) params.push(query);
    const { rows } = await this.#sql.query<LogRow & { '@timestamp': Date | string }>(
      `select id, "@timestamp", service, executer, message, level, action, data from ${this.#name}
       ${where} order by "@timestamp" desc, id limit $1`,
      params,
    );
    return rows.map((r) => ({ ...r, '@timestamp': new Date(r['@timestamp']).toISOString() }));
  }

  ping(): Promise<boolean> {
    return this.#sql.ping();
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#sql.close();
  }
}
