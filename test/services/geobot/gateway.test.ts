// The LK gateway's HTTP contract on the in-memory bus (what reaches the topic, every 4xx), and its 503
// with the real Kafka client pointed at a port where no broker listens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaBus, MemoryBus, type Bus } from '../../../src/bus/index.ts';
import { parseEnvelope } from '../../../src/protocol/geobot/envelope.ts';
import { GeobotGateway, readGatewayConfig } from '../../../src/services/geobot/index.ts';
import { readTopic, silent } from '../../consumer/support.ts';
import { freePort } from '../../support/free-port.ts';
import { assertPassesPromtool } from '../../support/promtool.ts';

async function startGateway(bus: Bus, env: Record<string, string> = {}): Promise<GeobotGateway> {
  const config = readGatewayConfig({ PORT: '0', HOST: '127.0.0.1', ...env }, { embedded: true });
  const gateway = new GeobotGateway({ config, bus, logger: silent });
  await gateway.start();
  return gateway;
}

function post(gateway: GeobotGateway, path: string, body: unknown, contentType = 'application/json') {
  return fetch(`http://127.0.0.1:${gateway.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('geobot gateway on the memory bus', () => {
  const bus = new MemoryBus();
  let gateway: GeobotGateway;
  before(async () => {
    gateway = await startGateway(bus);
  });
  after(async () => {
    await gateway.close();
    await bus.close();
  });

  it('answers 202 with the envelope it produced, keyed by user_id, on create_user_in', async () => {
    const body = { user_id: 'u-1', username: 'ada', email: 'ada@example.org' };
    const response = await post(gateway, '/create_user', body);
    assert.equal(response.status, 202);
    const answer = (await response.json()) as { topic: string; key: string; envelope: unknown };
    assert.equal(answer.topic, 'create_user_in');
    assert.equal(answer.key, 'u-1');
    const [record] = await readTopic(bus, 'create_user_in', 1);
    assert.equal(record?.key?.toString(), 'u-1');
    const parsed = parseEnvelope(record.value);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, answer.envelope);
    assert.equal(parsed.value.service, 'lk');
    assert.equal(parsed.value.action, 'create_user');
    assert.deepEqual(parsed.value.payload.data, body);
    assert.ok(!Number.isNaN(Date.parse(parsed.value.payload.timestamp)));
  });

  it('routes /info and /start_task; a task without an id gets one, which is its key', async () => {
    const info = await post(gateway, '/info', { message: 'hello', data: { n: 1 } });
    assert.equal(info.status, 202);
    const [logged] = await readTopic(bus, 'info_in', 1);
    const envelope = parseEnvelope(logged!.value);
    assert.ok(envelope.ok);
    assert.equal(envelope.value.payload.message, 'hello');
    assert.deepEqual(envelope.value.payload.data, { n: 1 });

    const task = await post(gateway, '/start_task', {
      type: 'route_length',
      points: [
        { lat: 0, lon: 0 },
        { lat: 0, lon: 1 },
      ],
    });
    assert.equal(task.status, 202);
    const answer = (await task.json()) as { key: string; topic: string };
    assert.equal(answer.topic, 'task_in');
    assert.match(answer.key, /^[0-9a-f-]{36}$/);
    const [record] = await readTopic(bus, 'task_in', 1);
    const sent = parseEnvelope(record!.value);
    assert.ok(sent.ok);
    assert.equal((sent.value.payload.data as { task_id: string }).task_id, answer.key);
  });

  it('answers 400 SF_INVALID_REQUEST with every reason, and produces nothing', async () => {
    const cases: [string, unknown, RegExp[]][] = [
      [
        '/create_user',
        { username: 'x', emial: 'a@b.c' },
        [/user_id is required/, /emial is not a known field/],
      ],
      [
        '/create_user',
        { user_id: 'bad id!', username: 'x', email: 'nope' },
        [/user_id "bad id!"/, /email "nope"/],
      ],
      ['/update_user', { user_id: 'u-1' }, [/at least one of username, email, full_name/]],
      ['/info', { message: '' }, [/message/]],
      [
        '/start_task',
        {
          type: 'polygon_area',
          points: [
            { lat: 0, lon: 0 },
            { lat: 1, lon: 1 },
          ],
        },
        [/polygon_area task needs at least 3 points/],
      ],
      ['/start_task', { type: 'teleport', points: [{ lat: 91, lon: 0 }] }, [/type/, /points/]],
    ];
    const before = (await bus.endOffsets('create_user_in')).get(0);
    for (const [path, body, reasons] of cases) {
      const response = await post(gateway, path, body);
      const answer = (await response.json()) as { code: string; reasons: string[]; statusCode: number };
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(answer.statusCode, 400);
      assert.equal(answer.code, 'SF_INVALID_REQUEST');
      for (const reason of reasons) {
        assert.ok(
          answer.reasons.some((r) => reason.test(r)),
          `${path}: ${reason} in ${JSON.stringify(answer.reasons)}`,
        );
      }
    }
    assert.equal((await bus.endOffsets('create_user_in')).get(0), before);
  });

  it('answers other client errors in the same shape: 415, malformed JSON, 404', async () => {
    const text = await post(gateway, '/info', 'hello', 'text/plain');
    assert.equal(text.status, 415);
    assert.equal(((await text.json()) as { code: string }).code, 'SF_UNSUPPORTED_MEDIA_TYPE');
    const broken = await post(gateway, '/info', '{"message": ');
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { code: string }).code, 'SF_INVALID_REQUEST');
    const missing = await post(gateway, '/delete_user', {});
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'SF_NOT_FOUND');
  });

  it('documents the routes (OpenAPI), probes and promtool-clean metrics', async () => {
    const base = `http://127.0.0.1:${gateway.port}`;
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ['/create_user', '/update_user', '/info', '/start_task'])
      assert.ok(doc.paths[path], `${path} documented`);
    assert.equal((await fetch(`${base}/health/ready`)).status, 200);
    assert.equal((await fetch(`${base}/health/startup`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /geobot_gateway_requests_total\{route="\/create_user",status="202"\} 1/);
    assert.match(metrics, /geobot_gateway_requests_total\{route="\/create_user",status="400"\} 2/);
    assert.match(metrics, /geobot_gateway_produce_duration_seconds_count\{topic="create_user_in"\} 1/);
    assertPassesPromtool(metrics, 'the gateway /metrics');
  });
});

describe('geobot gateway configuration', () => {
  it("waits 10 s for the broker by default (not the jobs' 120 s), as long as told otherwise", () => {
    const config = readGatewayConfig({ KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092' });
    assert.equal(config.kafka?.deliveryTimeoutMs, 10_000);
    assert.equal(config.port, 5500);
    assert.equal(config.topics.createUser, 'create_user_in');
    const patient = readGatewayConfig({
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
      KAFKA_DELIVERY_TIMEOUT_SECONDS: '30',
    });
    assert.equal(patient.kafka?.deliveryTimeoutMs, 30_000);
  });
});

describe('geobot gateway with the broker down', () => {
  it('answers 503 SF_BUS_UNREACHABLE after the delivery timeout, with Retry-After, never 2xx', async () => {
    const port = await freePort(); // nobody listens there: every connection is refused
    const bus = new KafkaBus({
      bootstrapServers: [`127.0.0.1:${port}`],
      clientId: 'test',
      connectTimeoutMs: 500,
      deliveryTimeoutMs: 1500,
    });
    const gateway = await startGateway(bus, { CREATE_TOPICS: 'false' });
    try {
      const started = Date.now();
      const response = await post(gateway, '/create_user', { user_id: 'u-2', username: 'bob' });
      const answer = (await response.json()) as { code: string; message: string };
      assert.equal(response.status, 503);
      assert.equal(answer.code, 'SF_BUS_UNREACHABLE');
      assert.equal(response.headers.get('retry-after'), '5');
      assert.ok(Date.now() - started >= 1400, 'it waited for the broker before giving up');
      assert.doesNotMatch(answer.message, /127\.0\.0\.1/, 'no broker address in the answer');
      assert.equal((await fetch(`http://127.0.0.1:${gateway.port}/health/ready`)).status, 503);
      const metrics = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
      assert.match(
        metrics,
        /geobot_gateway_produce_failures_total\{topic="create_user_in",code="SF_BUS_UNREACHABLE"\} 1/,
      );
    } finally {
      await gateway.close();
      await bus.close();
    }
  });
});
