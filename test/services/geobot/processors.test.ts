// geobot end to end on the real broker and the real PostgreSQL: the gateway, ARM and WORKER in this
// process, each request followed to its row and its reply on info_in; poison and unknown actions to
// the dead-letter topics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Subscription } from '../../../src/bus/index.ts';
import { DeadLetterHeaders as H } from '../../../src/consumer/index.ts';
import { parseEnvelope, type Envelope } from '../../../src/protocol/geobot/envelope.ts';
import {
  GeobotGateway,
  GeobotUserStore,
  createArmService,
  createWorkerService,
  readArmConfig,
  readGatewayConfig,
  readWorkerConfig,
  type ProcessorService,
} from '../../../src/services/geobot/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { testDatabaseUrl } from '../../support/postgres.ts';
import { assertPassesPromtool } from '../../support/promtool.ts';
import { waitFor } from '../../support/wait.ts';
import { readTopic, silent } from '../../consumer/support.ts';

interface Reply extends Envelope {
  key: string | undefined;
}

describe('geobot on Kafka and PostgreSQL', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let gateway: GeobotGateway;
  let arm: ProcessorService;
  let worker: ProcessorService;
  let users: GeobotUserStore;
  let info: Subscription;
  const replies: Reply[] = [];
  const prefix = uniqueName('geobot');
  const schema = prefix.replaceAll('-', '_');
  const topics = {
    createUser: `${prefix}-create_user_in`,
    updateUser: `${prefix}-update_user_in`,
    info: `${prefix}-info_in`,
    task: `${prefix}-task_in`,
  };
  const env = {
    KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
    CREATE_USER_TOPIC: topics.createUser,
    UPDATE_USER_TOPIC: topics.updateUser,
    INFO_TOPIC: topics.info,
    TASK_TOPIC: topics.task,
    TOPIC_PARTITIONS: '1',
    DATABASE_URL: testDatabaseUrl,
    DATABASE_SCHEMA: schema,
    PORT: '0',
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    KAFKA_MIN_BYTES: '1',
    KAFKA_MAX_WAIT: '100ms',
    KAFKA_COMMIT_INTERVAL: '100ms',
    KAFKA_MAX_RETRIES: '2',
    KAFKA_RETRY_BACKOFF: '50ms',
    TASK_PROGRESS_STEPS: '4',
  };
  let reading: Promise<void> | undefined;
  let stopReading = false;

  before(async () => {
    backends = await TestBackends.open();
    const { bus } = backends;
    backends.defer(() => bus.deleteTopics(Object.values(topics).flatMap((t) => [t, `${t}-dlq`])));
    const store = new PostgresClient({ connectionString: testDatabaseUrl });
    backends.defer(async () => {
      await store.query(`drop schema if exists "${schema}" cascade`);
      await store.query(`delete from streamforge_migrations where id like $1`, [`geobot-arm:${schema}:%`]);
      await store.close();
    });
    users = new GeobotUserStore(store, schema);
    gateway = new GeobotGateway({ config: readGatewayConfig(env), bus, logger: silent });
    arm = createArmService({ config: readArmConfig(env), bus, store, logger: silent });
    worker = createWorkerService({ config: readWorkerConfig(env), bus, logger: silent });
    backends.defer(() => gateway.close());
    backends.defer(() => arm.stop());
    backends.defer(() => worker.stop());
    await gateway.start();
    await Promise.all([arm.start(), worker.start()]);
    info = await bus.subscribe({ topics: [topics.info], from: 'earliest' });
    reading = (async () => {
      while (!stopReading) {
        for (const record of await info.poll({ maxWaitMs: 200 })) {
          const parsed = parseEnvelope(record.value);
          if (parsed.ok) replies.push({ ...parsed.value, key: record.key?.toString() });
        }
      }
    })();
    backends.defer(async () => {
      stopReading = true;
      await reading;
      await info.close();
    });
  });
  after(() => backends.close());

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`http://127.0.0.1:${gateway.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const replyOf = (what: string, match: (r: Reply) => boolean, timeoutMs = 30_000) =>
    waitFor(what, () => replies.find(match), timeoutMs);

  it('POST /create_user: 202 after the ack, the row in PostgreSQL, the row itself on info_in', async () => {
    const answer = await post('/create_user', { user_id: 'u1', username: 'ada', email: 'ada@example.org' });
    assert.equal(answer.status, 202);
    const reply = await replyOf('ARM reply for u1', (r) => r.service === 'arm' && r.key === 'u1');
    assert.equal(reply.action, 'create_user');
    assert.equal(reply.payload.message, 'User created');
    const row = await users.get('u1');
    assert.ok(row, 'the user is stored');
    assert.equal(row.username, 'ada');
    assert.equal(row.email, 'ada@example.org');
    assert.equal(row.full_name, null);
    assert.equal(row.version, 1);
    // The reply carries the stored row, not the request (and not null, as the original did).
    assert.deepEqual(reply.payload.data, { ...row, outcome: 'created' });
    // The row's time is the request's (the gateway's envelope), not when ARM got to it.
    const sent = (answer.body.envelope as Envelope).payload.timestamp;
    assert.equal(Date.parse(row.created_at), Date.parse(sent));
  });

  it('POST /update_user changes the fields given; the same update again changes nothing', async () => {
    await post('/create_user', { user_id: 'u2', username: 'bob', email: 'bob@example.org' });
    await replyOf('u2 created', (r) => r.key === 'u2' && r.action === 'create_user');
    const update = { user_id: 'u2', email: 'robert@example.org', full_name: 'Robert' };
    assert.equal((await post('/update_user', update)).status, 202);
    const changed = await replyOf('u2 updated', (r) => r.key === 'u2' && r.action === 'update_user');
    assert.equal(changed.payload.message, 'User updated');
    const data = changed.payload.data as Record<string, unknown>;
    assert.equal(data.outcome, 'changed');
    assert.equal(data.username, 'bob', 'a field left out keeps its value');
    assert.equal(data.email, 'robert@example.org');
    assert.equal(data.version, 2);

    assert.equal((await post('/update_user', update)).status, 202);
    const repeat = await replyOf(
      'u2 repeat',
      (r) => r.key === 'u2' && r.action === 'update_user' && r !== changed,
    );
    assert.equal((repeat.payload.data as Record<string, unknown>).outcome, 'unchanged');
    const row = await users.get('u2');
    assert.equal(row?.version, 2, 'a repeat does not count as a change');
    assert.equal(row?.updated_at, data.updated_at, 'a repeat does not move updated_at');
  });

  it('a late, older update does not undo a newer one (stale), and says so', async () => {
    await post('/create_user', { user_id: 'u4', username: 'dan', email: 'dan@example.org' });
    await replyOf('u4 created', (r) => r.key === 'u4' && r.action === 'create_user');
    const before = await users.get('u4');
    // As if it had waited in a partition: its time is before the row's.
    const old = new Date(Date.parse(before!.updated_at) - 60_000).toISOString();
    await backends.bus.produce([
      {
        topic: topics.updateUser,
        key: 'u4',
        value: JSON.stringify({
          service: 'lk',
          action: 'update_user',
          payload: { message: 'late', timestamp: old, data: { user_id: 'u4', email: 'old@example.org' } },
        }),
      },
    ]);
    const reply = await replyOf('u4 stale', (r) => r.key === 'u4' && r.action === 'update_user');
    assert.equal((reply.payload.data as { outcome: string }).outcome, 'stale');
    assert.deepEqual(await users.get('u4'), before);
  });

  it('POST /start_task: progress envelopes, then the result, keyed by task_id', async () => {
    // A 1° × 1° square on the equator: about 111.2 km a side, 12,364 km².
    const square = [
      { lat: 0, lon: 0 },
      { lat: 0, lon: 1 },
      { lat: 1, lon: 1 },
      { lat: 1, lon: 0 },
    ];
    const answer = await post('/start_task', { task_id: 't1', type: 'polygon_area', points: square });
    assert.equal(answer.status, 202);
    const done = await replyOf(
      'task t1 done',
      (r) => r.key === 't1' && (r.payload.data as { status?: string }).status === 'done',
    );
    const progress = replies
      .filter((r) => r.key === 't1' && (r.payload.data as { status?: string }).status === 'running')
      .map((r) => (r.payload.data as { percent: number }).percent);
    assert.deepEqual(progress, [25, 50, 75, 100], 'TASK_PROGRESS_STEPS=4 reports, in order');
    assert.ok(replies.indexOf(done) > replies.findLastIndex((r) => r.key === 't1' && r !== done));
    const result = (done.payload.data as { result: { area_m2: number; perimeter_m: number } }).result;
    assert.ok(Math.abs(result.area_m2 / 12_364e6 - 1) < 0.002, `area ${result.area_m2}`);
    assert.ok(Math.abs(result.perimeter_m / 444_780 - 1) < 0.002, `perimeter ${result.perimeter_m}`);
    assert.equal(done.service, 'worker');
  });

  it('dead-letters poison and unknown actions at once, says so on info_in, and goes on', async () => {
    const envelope = (action: string, data: unknown) =>
      JSON.stringify({
        service: 'test',
        action,
        payload: { message: 'm', timestamp: new Date().toISOString(), data },
      });
    await backends.bus.produce([
      { topic: topics.createUser, key: 'p1', value: '{"service": "broken json' },
      {
        topic: topics.createUser,
        key: 'p2',
        value: JSON.stringify({ service: 'test', action: 'create_user' }),
      },
      { topic: topics.createUser, key: 'p3', value: envelope('create_user', { user_id: 'p3' }) },
      { topic: topics.createUser, key: 'p4', value: envelope('delete_user', { user_id: 'p4' }) },
      {
        topic: topics.createUser,
        key: 'u3',
        value: envelope('create_user', { user_id: 'u3', username: 'cy' }),
      },
      {
        topic: topics.task,
        key: 'p5',
        value: envelope('start_task', {
          type: 'polygon_area',
          points: [
            { lat: 0, lon: 0 },
            { lat: 1, lon: 1 },
          ],
        }),
      },
    ]);
    const letters = await readTopic(backends.bus, `${topics.createUser}-dlq`, 4);
    const byKey = new Map(letters.map((l) => [l.key?.toString(), l]));
    const code = (key: string) => byKey.get(key)?.headers[H.errorCode];
    assert.equal(code('p1'), 'SF_INVALID_MESSAGE');
    assert.equal(code('p2'), 'SF_INVALID_MESSAGE');
    assert.equal(code('p3'), 'SF_INVALID_MESSAGE');
    assert.equal(code('p4'), 'SF_UNKNOWN_ACTION');
    assert.match(byKey.get('p4')!.headers[H.error]!, /unknown action "delete_user".*handled: create_user/);
    assert.match(byKey.get('p3')!.headers[H.error]!, /username/);
    assert.equal(letters.length, 4);
    const [taskLetter] = await readTopic(backends.bus, `${topics.task}-dlq`, 1);
    assert.equal(taskLetter?.key?.toString(), 'p5');
    assert.match(taskLetter.headers[H.error]!, /at least 3 points/);

    // ARM went on past the poison: the good message after it was stored and answered.
    await replyOf('u3 created after the poison', (r) => r.key === 'u3' && r.service === 'arm');
    // Each dead letter is told on info_in as an error (the logger indexes it at level error).
    const told = await waitFor('4 dead-letter reports', () => {
      const found = replies.filter((r) => r.payload.message.startsWith('error: a message on'));
      return found.length >= 5 && found;
    });
    assert.deepEqual(told.map((r) => r.key).sort(), ['p1', 'p2', 'p3', 'p4', 'p5']);
    assert.equal(told.find((r) => r.key === 'p4')?.action, 'dead_letter');
  });

  it('an update of a user that never comes is retried, then dead-lettered with SF_NOT_FOUND', async () => {
    assert.equal((await post('/update_user', { user_id: 'ghost', username: 'boo' })).status, 202);
    const [letter] = await readTopic(backends.bus, `${topics.updateUser}-dlq`, 1);
    assert.equal(letter?.key?.toString(), 'ghost');
    assert.equal(letter.headers[H.errorCode], 'SF_NOT_FOUND');
    assert.equal(letter.headers[H.reason], 'handler');
    assert.equal(letter.headers[H.attempts], '3', 'KAFKA_MAX_RETRIES=2: three tries');
    assert.equal(await users.get('ghost'), undefined);
  });

  it('serves promtool-clean metrics with the consumer and ARM series', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${arm.port}/metrics`)).text();
    assertPassesPromtool(metrics, 'ARM /metrics');
    assert.match(metrics, /geobot_arm_users_total\{action="create_user",outcome="created"\} [3-9]/);
    assert.match(metrics, new RegExp(`consumer_events_dead_lettered_total\\{topic="${topics.createUser}"`));
    const ready = await fetch(`http://127.0.0.1:${arm.port}/health/ready`);
    assert.equal(ready.status, 200);
    const workerMetrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    assertPassesPromtool(workerMetrics, 'WORKER /metrics');
    assert.match(workerMetrics, /geobot_worker_tasks_total\{type="polygon_area",outcome="done"\} 1/);
  });
});
