// The queue manager's HTTP errors on a real server and PostgreSQL: one shape with an SF_* code for
// every failure (router, body parser, validation, store), control characters refused before the store.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import { MAX_BODY_BYTES, MAX_PATH_PARAM_LENGTH } from '../../../src/services/queue-manager/api/limits.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { waitFor } from '../../support/wait.ts';
import { startManager, testConfig, testSchema } from './harness.ts';
import { readSse } from './sse.ts';
import { SilentAwareLauncher, failFirstCatalog } from './test-launchers.ts';

const ONE_JOB = {
  symbol: 'BTCUSDT',
  time_range: '2024-06-01:2024-06-01',
  requests: [{ target: 'loader-producer', type: 'api_trades' }],
};

interface ErrorReply {
  status: number;
  body: { statusCode: number; error: string; code: string; message: string; reasons?: string[] };
}

describe('queue manager API: every error is {code: SF_*, message, reasons?}', () => {
  const bus = new MemoryBus();
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let manager: QueueManager;
  let base: string;
  let queueId: string;

  /** Sends a request and checks the answer has the one error shape, whatever the status. */
  const call = async (path: string, init: RequestInit = {}): Promise<ErrorReply> => {
    const res = await fetch(base + path, init);
    const text = await res.text();
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${path}: ${text}`);
    const body = JSON.parse(text) as ErrorReply['body'];
    assertShape(body, res.status);
    return { status: res.status, body };
  };
  const post = (path: string, body: string, contentType = 'application/json') =>
    call(path, { method: 'POST', headers: { 'content-type': contentType }, body });

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    const config = testConfig();
    const catalog = failFirstCatalog(config.simulation);
    manager = await startManager({
      config,
      sql,
      bus,
      launcher: new SilentAwareLauncher(bus, catalog),
      catalog,
    });
    base = `http://127.0.0.1:${manager.port}`;
    const started = await fetch(`${base}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ONE_JOB),
    });
    assert.equal(started.status, 201);
    queueId = ((await started.json()) as { queue_id: string }).queue_id;
    await waitFor(
      'the queue to finish',
      async () =>
        ((await (await fetch(`${base}/queues/${queueId}`)).json()) as { status: string }).status ===
        'finished',
      30_000,
    );
  });
  after(async () => {
    await manager?.close();
    await bus.close();
    await sql?.close();
    await schema?.drop();
  });

  it('a NUL or other control character in a path id is a 400 naming the parameter, not a store error', async () => {
    // Regression: GET /queues/a%00b answered 500 SF_STORE_QUERY_FAILED with PostgreSQL's message.
    const get = await call('/queues/a%00b');
    assert.equal(get.status, 400);
    assert.equal(get.body.code, 'SF_INVALID_REQUEST');
    assert.deepEqual(get.body.reasons, ['id contains a control character (U+0000 at position 1)']);
    const stop = await call(`/queues/${queueId}%07/stop`, { method: 'POST' });
    assert.equal(stop.status, 400);
    assert.deepEqual(stop.body.reasons, [
      `id contains a control character (U+0007 at position ${queueId.length})`,
    ]);
    const retry = await call(`/queues/${queueId}/jobs/x%7Fy/retry`, { method: 'POST' });
    assert.equal(retry.status, 400);
    assert.deepEqual(retry.body.reasons, [
      'telemetry_id contains a control character (U+007F at position 1)',
    ]);
  });

  it('a control character in a query value is a 400, also where the value only filters a store query', async () => {
    // Regression: ?telemetry_id= reached PostgreSQL's events query for an existing queue (500).
    const events = await call(`/queues/${queueId}/events?telemetry_id=a%00b`);
    assert.equal(events.status, 400);
    assert.equal(events.body.code, 'SF_INVALID_REQUEST');
    assert.deepEqual(events.body.reasons, [
      'telemetry_id contains a control character (U+0000 at position 1)',
    ]);
    const list = await call('/queues?symbol=BTC%0AUSDT');
    assert.equal(list.status, 400);
    assert.deepEqual(list.body.reasons, ['symbol contains a control character (U+000A at position 3)']);
  });

  it('a control character in any string or field name of the body is a 400 naming the field', async () => {
    // Regression: an extra request field "a\u0000b" reached jsonb and answered 500 with PostgreSQL's message.
    const extra = {
      ...ONE_JOB,
      requests: [{ ...ONE_JOB.requests[0], note: 'a\u0000b', tags: ['ok', 'x\ty'] }],
    };
    const value = await post('/queues/start', JSON.stringify(extra));
    assert.equal(value.status, 400);
    assert.equal(value.body.code, 'SF_INVALID_REQUEST');
    assert.deepEqual(value.body.reasons, [
      'requests[0].note contains a control character (U+0000 at position 1)',
      'requests[0].tags[1] contains a control character (U+0009 at position 1)',
    ]);
    const key = await post(
      '/queues/start',
      JSON.stringify({ ...ONE_JOB, requests: [{ ...ONE_JOB.requests[0], 'bad\u001bkey': 1 }] }),
    );
    assert.equal(key.status, 400);
    assert.deepEqual(key.body.reasons, [
      'requests[0] has a field name with a control character (U+001B at position 3): "bad\\u001bkey"',
    ]);
    // Nothing of either reached the store.
    const stored = await sql.query<{ n: string }>(`select count(*) as n from qm_queues`);
    assert.equal(Number(stored.rows[0]!.n), 1);
  });

  it('a body nested deeper than the limit is a 400, not a stack or store failure', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const answer = await post(
      '/queues/start',
      `{"symbol":"BTCUSDT","time_range":"2024-06-01:2024-06-01","requests":[{"target":"loader-producer","type":"api_trades","x":${deep}}]}`,
    );
    assert.equal(answer.status, 400);
    assert.match(answer.body.reasons![0]!, /^requests\[0\]\.x(\[0\])+ is nested deeper than 32 levels$/);
  });

  it('a body over the limit is 413 SF_PAYLOAD_TOO_LARGE saying the limit', async () => {
    const big = JSON.stringify({ ...ONE_JOB, padding: 'x'.repeat(MAX_BODY_BYTES) });
    const answer = await post('/queues/start', big);
    assert.equal(answer.status, 413);
    assert.equal(answer.body.code, 'SF_PAYLOAD_TOO_LARGE');
    assert.match(answer.body.message, /262144 bytes \(256 KiB\)/);
  });

  it('a body that is not JSON is 415 SF_UNSUPPORTED_MEDIA_TYPE; malformed JSON is 400', async () => {
    const xml = await post('/queues/start', '<queue/>', 'application/xml');
    assert.equal(xml.status, 415);
    assert.equal(xml.body.code, 'SF_UNSUPPORTED_MEDIA_TYPE');
    assert.match(xml.body.message, /content-type "application\/xml" is not accepted: send application\/json/);
    const text = await post('/queues/start', JSON.stringify(ONE_JOB), 'text/plain');
    assert.equal(text.status, 415);
    assert.equal(text.body.code, 'SF_UNSUPPORTED_MEDIA_TYPE');
    const broken = await post('/queues/start', '{"symbol":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.code, 'SF_INVALID_REQUEST');
  });

  it('ids up to the documented maxLength reach validation; longer ones are 400, absurd ones 414', async () => {
    // Regression: 101-200 characters (within the OpenAPI maxLength 200) answered 414 FST_ERR_MAX_PARAM_LENGTH.
    const known = await call(`/queues/${'q'.repeat(200)}`);
    assert.equal(known.status, 404);
    assert.equal(known.body.code, 'SF_NOT_FOUND');
    const tooLong = await call(`/queues/${'q'.repeat(201)}`);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.code, 'SF_INVALID_REQUEST');
    assert.match(tooLong.body.reasons![0]!, /^id "q+": expected string length less or equal to 200$/);
    const job = await call(`/queues/${queueId}/jobs/${'t'.repeat(101)}/retry`, { method: 'POST' });
    assert.equal(job.status, 400);
    const absurd = await call(`/queues/${'q'.repeat(MAX_PATH_PARAM_LENGTH + 1)}`);
    assert.equal(absurd.status, 414);
    assert.equal(absurd.body.code, 'SF_URI_TOO_LONG');
  });

  it('a path that is not valid percent-encoding is 400 SF_INVALID_REQUEST', async () => {
    // Regression: 400 FST_ERR_BAD_URL.
    const answer = await call('/queues/%E0%A4%A');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 'SF_INVALID_REQUEST');
    assert.equal(answer.body.message, 'the path "/queues/%E0%A4%A" is not valid percent-encoding');
  });

  it('an unknown route or method is 404 SF_NOT_FOUND', async () => {
    // Regression: Fastify's 404 had no code.
    const route = await call('/nope?x=1');
    assert.equal(route.status, 404);
    assert.equal(route.body.code, 'SF_NOT_FOUND');
    assert.equal(route.body.message, 'no route GET /nope: see /docs for the API');
    const method = await call('/queues', { method: 'DELETE' });
    assert.equal(method.status, 404);
    assert.equal(method.body.code, 'SF_NOT_FOUND');
  });

  it('requests the HTTP parser refuses answer in the same shape', async () => {
    const malformed = await rawHttp(manager.port, 'GET /queues HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    assert.match(malformed, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assertShape(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4)) as ErrorReply['body'], 400);
    const huge = await rawHttp(
      manager.port,
      `GET /queues?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    assert.match(huge, /^HTTP\/1\.1 431 /);
    const body = JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)) as ErrorReply['body'];
    assertShape(body, 431);
    assert.equal(body.code, 'SF_INVALID_REQUEST');
  });

  it('a store failure is a 500 SF_INTERNAL with a request id and none of PostgreSQL’s words, also in a stream', async () => {
    await sql.query('alter table qm_events rename to qm_events_hidden');
    try {
      // Regression: 5xx answers carried the store's message (SQL state, relation names).
      const answer = await call(`/queues/${queueId}/events`);
      assert.equal(answer.status, 500);
      assert.equal(answer.body.code, 'SF_INTERNAL');
      assert.match(
        answer.body.message,
        /^internal error \(request req-[0-9a-z]+; the details are in the server log\)$/,
      );
      assert.doesNotMatch(JSON.stringify(answer.body), /qm_events|PostgreSQL|relation|SQLSTATE/);
      const stream = await readSse(`${base}/queues/${queueId}/events?stream=true`, 10_000);
      const failure = stream.find((e) => e.event === 'error');
      assert.ok(failure, JSON.stringify(stream));
      assert.equal((failure.data as unknown as { code: string }).code, 'SF_INTERNAL');
      assert.doesNotMatch(JSON.stringify(failure.data), /qm_events|PostgreSQL|relation|SQLSTATE/);
    } finally {
      await sql.query('alter table qm_events_hidden rename to qm_events');
    }
    assert.equal((await fetch(`${base}/queues/${queueId}/events`)).status, 200);
  });

  it('the OpenAPI document states the limits, every error status and the SSE media type', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as {
      info: { description: string };
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { description: string; content: Record<string, unknown> }> }
        >
      >;
    };
    assert.match(doc.info.description, /at most 262144 bytes \(256 KiB, else 413\)/);
    const start = doc.paths['/queues/start']!.post!.responses;
    for (const status of ['400', '401', '413', '415', '500', '503'])
      assert.ok(start[status], `start ${status}`);
    assert.match(start['413']!.description, new RegExp(`${MAX_BODY_BYTES} bytes`));
    const view = doc.paths['/queues/{id}']!.get!.responses;
    for (const status of ['400', '404', '414', '500', '503']) assert.ok(view[status], `view ${status}`);
    assert.match(view['414']!.description, new RegExp(`${MAX_PATH_PARAM_LENGTH} characters`));
    const events = doc.paths['/queues/{id}/events']!.get!.responses['200']!;
    assert.deepEqual(Object.keys(events.content).sort(), ['application/json', 'text/event-stream']);
  });
});

function assertShape(body: ErrorReply['body'], status: number): void {
  const extra = Object.keys(body).filter(
    (k) => !['statusCode', 'error', 'code', 'message', 'reasons'].includes(k),
  );
  assert.deepEqual(extra, [], JSON.stringify(body));
  assert.equal(body.statusCode, status);
  assert.match(body.code, /^SF_[A-Z_]+$/, JSON.stringify(body));
  assert.equal(typeof body.message, 'string');
  if (status === 400) assert.ok(Array.isArray(body.reasons) && body.reasons.length > 0, JSON.stringify(body));
}

/** Writes a request as raw bytes (what fetch would refuse to send) and reads the whole answer. */
function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}
