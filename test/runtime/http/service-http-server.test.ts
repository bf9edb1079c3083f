// The metrics and health server of jobs and consumers, over real HTTP: its errors have the API's shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import { Health, ServiceHttpServer, createLogger } from '../../../src/runtime/index.ts';

describe('ServiceHttpServer errors', () => {
  const registry = new Registry();
  const server = new ServiceHttpServer({
    registry,
    health: new Health(),
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  let base: string;

  before(async () => {
    base = `http://127.0.0.1:${await server.listen()}`;
  });
  after(() => server.close());

  it('an unknown path is 404 {code: SF_NOT_FOUND, message} in JSON, like the queue manager', async () => {
    // Regression: a text/plain "not found: /nope" without a code.
    const res = await fetch(`${base}/nope?x=1`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      statusCode: 404,
      error: 'Not Found',
      code: 'SF_NOT_FOUND',
      message: 'no route GET /nope: this server has /metrics, /health/live, /health/ready, /health/startup',
    });
  });

  it('a failing metrics collector is 500 SF_INTERNAL without its message', async () => {
    // Regression: the 500 answered the collector's error message as text/plain.
    new Gauge({
      name: 'failing_gauge',
      help: 'fails to collect',
      registers: [registry],
      collect() {
        throw new Error('secret internals: postgres://user:pw@db/x');
      },
    });
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 500);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'SF_INTERNAL');
    assert.doesNotMatch(JSON.stringify(body), /secret|postgres/);
  });
});
