// A local peer of ArangoDB's HTTP API, as much of it as the connector's adapter (arangojs) uses:
// databases, collections, batch document inserts with overwriteMode, counts, AQL cursors (POST
// /_api/cursor, further batches, delete) for the statements in aql.ts, basic auth, and ArangoDB's
// error bodies ({error, errorNum, errorMessage, code}). Documents live in memory.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AqlError, runAql, type Doc } from './aql.ts';

const KEY = /^[a-zA-Z0-9_\-:.@()+,=;$!*'%]{1,254}$/;

export interface ArangoPeerOptions {
  user?: string;
  password?: string;
}

/** ArangoDB's default number of results per cursor batch. */
const DEFAULT_BATCH_SIZE = 1000;

interface Cursor {
  rest: unknown[];
  batchSize: number;
  count: number | undefined;
  extra: unknown;
}

export class ArangoPeer {
  /** database → collection → key → document. */
  readonly databases = new Map<string, Map<string, Map<string, Doc>>>([['_system', new Map()]]);
  readonly requests: { method: string; path: string }[] = [];
  /** Every AQL query received, as sent. */
  readonly queries: { query: unknown; bindVars: unknown }[] = [];
  readonly #cursors = new Map<string, Cursor>();
  readonly #server: Server;
  readonly #auth: string;
  #revision = 1;

  constructor(options: ArangoPeerOptions = {}) {
    this.#auth = `Basic ${Buffer.from(`${options.user ?? 'root'}:${options.password ?? ''}`).toString('base64')}`;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.#handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    // ArangoDB keeps idle connections for 300 s (--http.keep-alive-timeout); Node's 5 s default would
    // close a client's pooled connection while the client still counts on it.
    this.#server.keepAliveTimeout = 300_000;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', () => resolve()));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  collection(database: string, name: string): Map<string, Doc> | undefined {
    return this.databases.get(database)?.get(name);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://peer');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const send = (code: number, payload: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', server: 'ArangoDB' });
      res.end(JSON.stringify(payload));
    };
    const fail = (code: number, errorNum: number, errorMessage: string): void =>
      send(code, { error: true, code, errorNum, errorMessage });
    if (req.headers.authorization !== this.#auth)
      return fail(401, 11, 'not authorized to execute this request');
    const match = /^(?:\/_db\/([^/]+))?(\/_api\/.*)$/.exec(url.pathname);
    if (!match) return fail(404, 404, 'unknown path');
    const dbName = decodeURIComponent(match[1] ?? '_system');
    const path = match[2]!;
    const db = this.databases.get(dbName);
    if (path === '/_api/database' && method === 'POST') {
      const { name } = JSON.parse(body) as { name: string };
      if (this.databases.has(name)) return fail(409, 1207, 'duplicate database name');
      this.databases.set(name, new Map());
      return send(201, { error: false, code: 201, result: true });
    }
    if (!db) return fail(404, 1228, 'database not found');
    if (path === '/_api/database/current' && method === 'GET') {
      return send(200, {
        error: false,
        code: 200,
        result: { name: dbName, id: '1', isSystem: dbName === '_system', path: '' },
      });
    }
    if (path === '/_api/collection' && method === 'POST') {
      const { name } = JSON.parse(body) as { name: string };
      if (db.has(name)) return fail(409, 1207, 'duplicate name');
      db.set(name, new Map());
      return send(200, { error: false, code: 200, ...this.#info(name) });
    }
    const collection = /^\/_api\/collection\/([^/]+)(\/count)?$/.exec(path);
    if (collection && method === 'GET') {
      const name = decodeURIComponent(collection[1]!);
      const docs = db.get(name);
      if (!docs) return fail(404, 1203, 'collection or view not found');
      return send(200, {
        error: false,
        code: 200,
        ...this.#info(name),
        ...(collection[2] ? { count: docs.size } : {}),
      });
    }
    if (path === '/_api/cursor' && method === 'POST') {
      return this.#query(db, JSON.parse(body) as Record<string, unknown>, send, fail);
    }
    const cursor = /^\/_api\/cursor\/([^/]+)$/.exec(path);
    if (cursor && (method === 'POST' || method === 'PUT' || method === 'DELETE')) {
      const id = decodeURIComponent(cursor[1]!);
      const open = this.#cursors.get(id);
      if (!open) return fail(404, 1600, 'cursor not found');
      if (method === 'DELETE') {
        this.#cursors.delete(id);
        return send(202, { id, error: false, code: 202 });
      }
      return send(200, this.#batch(id, open, 200));
    }
    const documents = /^\/_api\/document\/([^/]+)$/.exec(path);
    if (documents && method === 'POST') {
      const name = decodeURIComponent(documents[1]!);
      const docs = db.get(name);
      if (!docs) return fail(404, 1203, 'collection or view not found');
      return this.#insert(name, docs, JSON.parse(body) as Doc | Doc[], url.searchParams, send);
    }
    return fail(405, 405, `method ${method} not supported on ${path}`);
  }

  /** POST /_api/cursor: runs the query and answers its first batch, keeping the rest under an id. */
  #query(
    db: Map<string, Map<string, Doc>>,
    request: Record<string, unknown>,
    send: (code: number, body: unknown) => void,
    fail: (code: number, errorNum: number, errorMessage: string) => void,
  ): void {
    this.queries.push({ query: request.query, bindVars: request.bindVars });
    const batchSize = request.batchSize ?? DEFAULT_BATCH_SIZE;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      return fail(400, 10, 'expecting non-zero value for <batchSize>');
    }
    const started = performance.now();
    let run;
    try {
      run = runAql(request.query, request.bindVars, db);
    } catch (error) {
      if (error instanceof AqlError) return fail(error.code, error.errorNum, error.message);
      throw error;
    }
    const extra = {
      warnings: [],
      stats: {
        writesExecuted: 0,
        writesIgnored: 0,
        scannedFull: run.scannedFull,
        scannedIndex: 0,
        cursorsCreated: 0,
        cursorsRearmed: 0,
        cacheHits: 0,
        cacheMisses: 0,
        filtered: 0,
        httpRequests: 0,
        executionTime: (performance.now() - started) / 1000,
        peakMemoryUsage: 0,
        intermediateCommits: 0,
      },
    };
    const open: Cursor = {
      rest: run.result,
      batchSize,
      count: request.count === true ? run.result.length : undefined,
      extra,
    };
    const id = String((this.#revision += 1));
    send(201, this.#batch(id, open, 201));
  }

  /** The next batch of a cursor in ArangoDB's shape; an id only while more batches remain. */
  #batch(id: string, cursor: Cursor, code: number): Record<string, unknown> {
    const result = cursor.rest.splice(0, cursor.batchSize);
    const hasMore = cursor.rest.length > 0;
    if (hasMore) this.#cursors.set(id, cursor);
    else this.#cursors.delete(id);
    return {
      result,
      hasMore,
      ...(hasMore ? { id } : {}),
      ...(cursor.count === undefined ? {} : { count: cursor.count }),
      cached: false,
      extra: cursor.extra,
      error: false,
      code,
    };
  }

  #insert(
    name: string,
    docs: Map<string, Doc>,
    input: Doc | Doc[],
    query: URLSearchParams,
    send: (code: number, body: unknown) => void,
  ): void {
    const overwrite =
      query.get('overwriteMode') ?? (query.get('overwrite') === 'true' ? 'replace' : undefined);
    const results = (Array.isArray(input) ? input : [input]).map((doc) => {
      const key = typeof doc._key === 'string' ? doc._key : String(this.#revision);
      if (!KEY.test(key)) return { error: true, errorNum: 1221, errorMessage: 'illegal document key' };
      if (docs.has(key) && overwrite === undefined) {
        return {
          error: true,
          errorNum: 1210,
          errorMessage: `unique constraint violated - in index primary of type primary over '_key'; conflicting key: ${key}`,
        };
      }
      if (docs.has(key) && overwrite === 'ignore')
        return { _id: `${name}/${key}`, _key: key, _rev: String(docs.get(key)!._rev) };
      const rev = String((this.#revision += 1));
      docs.set(key, { ...doc, _key: key, _id: `${name}/${key}`, _rev: rev });
      return { _id: `${name}/${key}`, _key: key, _rev: rev };
    });
    const errors = results.filter((r) => 'error' in r);
    if (!Array.isArray(input)) {
      if (errors.length > 0) return send(409, { code: 409, ...errors[0] });
      return send(202, query.get('silent') === 'true' ? {} : results[0]);
    }
    send(202, query.get('silent') === 'true' && errors.length === 0 ? [] : results);
  }

  #info(name: string) {
    return { id: name, name, status: 3, type: 2, isSystem: false, globallyUniqueId: name };
  }
}
