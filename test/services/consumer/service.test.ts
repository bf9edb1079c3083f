// consumer-service in this process, on the real broker and the real PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus } from '../../../src/bus/index.ts';
import { DeadLetterHeaders as H } from '../../../src/consumer/index.ts';
import {
  ConsumerService,
  readConsumerServiceConfig,
  userMigrations,
} from '../../../src/services/consumer/index.ts';
import { migrate, type PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { testDatabaseUrl } from '../../support/postgres.ts';
import { assertPassesPromtool } from '../../support/promtool.ts';
import { waitFor } from '../../support/wait.ts';
import { readTopic, sample, silent, topicSize } from '../../consumer/support.ts';
import { TcpProxy } from './tcp-proxy.ts';
import { generateUserEvents, produceAll, readUsers, waitForProcessed } from './user-events.ts';
import { serviceTestEnv, usersTopic } from './users-topic.ts';

describe('consumer-service', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;
  let sql: PostgresClient;

  before(async () => {
    backends = await TestBackends.open();
    ({ bus, db: sql } = backends);
  });
  after(() => backends.close());

  /** A ConsumerService in this process on the test broker and database, started; stopped on close. */
  async function startService(env: Record<string, string>): Promise<ConsumerService> {
    const config = readConsumerServiceConfig({
      KAFKA_BROKER_LIST: testKafka().options.bootstrapServers.join(','),
      ...serviceTestEnv,
      KAFKA_LAG_INTERVAL: '250ms',
      ...env,
    });
    const s = new ConsumerService({ config, logger: silent });
    backends.defer(() => s.stop());
    await s.start();
    return s;
  }

  const metricsOf = async (s: ConsumerService, path = '/metrics') =>
    (await fetch(`http://127.0.0.1:${s.port}${path}`)).text();

  it('10,000 events end in the right table state; poison goes to the dead-letter topic; every metric shows', async () => {
    const { topic, schema, dlq, env } = await usersTopic(backends, 4);
    const generated = generateUserEvents(topic, 10_000, 400, schema);
    const poison = [
      { topic, key: 'p1', value: '{"id": "broken json' },
      {
        topic,
        key: 'p2',
        value: JSON.stringify({
          id: 'p2',
          type: 'user.renamed',
          source: 's',
          version: '1',
          timestamp: '2024-01-01T00:00:00Z',
          data: {},
        }),
      },
      {
        topic,
        key: 'p3',
        value: JSON.stringify({
          id: 'p3',
          type: 'user.created',
          source: 's',
          version: '1',
          timestamp: '2024-01-01T00:00:00Z',
          data: { username: 'no id', email: 'a@b.c' },
        }),
      },
      {
        topic,
        key: 'p4',
        value: JSON.stringify({
          id: 'p4',
          type: 'user.created',
          source: 's',
          version: '1',
          timestamp: '2024-01-01T00:00:00Z',
          data: { user_id: 'x', username: 'x', email: 'not an email' },
        }),
      },
      {
        topic,
        key: 'p5',
        value: JSON.stringify({
          id: 'p5',
          type: 'user.deleted',
          source: 's',
          version: '1',
          timestamp: 'yesterday',
          data: { user_id: 'x' },
        }),
        headers: { origin: 'test' },
      },
    ];
    const records = [...generated.records];
    poison.forEach((p, i) => records.splice(1000 + i * 2000, 0, p));
    await produceAll(bus, records);

    const s = await startService({ ...env, KAFKA_CONCURRENCY: '4' });
    await waitForProcessed('every event processed', sql, schema, { exactly: generated.distinct }, 60_000);
    assert.deepEqual(await readUsers(sql, schema), generated.expected);

    const letters = await readTopic(bus, dlq, poison.length);
    assert.deepEqual(letters.map((l) => l.key?.toString()).sort(), ['p1', 'p2', 'p3', 'p4', 'p5']);
    for (const letter of letters) {
      assert.equal(letter.headers[H.topic], topic);
      assert.equal(letter.headers[H.reason], 'invalid');
      assert.ok(letter.headers[H.offset] && letter.headers[H.partition] && letter.headers[H.error]);
    }
    assert.equal(letters.find((l) => l.key?.toString() === 'p5')?.headers.origin, 'test');
    assert.equal(await topicSize(bus, dlq), poison.length);

    const text = await waitFor('lag at 0 on every partition', async () => {
      const t = await metricsOf(s);
      return [0, 1, 2, 3].every((p) => sample(t, 'consumer_lag', { partition: String(p) }) === 0) && t;
    });
    const total = records.length;
    const good = generated.records.length;
    const sum = (name: string, labels: Record<string, string> = {}) =>
      text
        .split('\n')
        .filter(
          (l) => l.startsWith(name) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
        )
        .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    for (const name of [
      'consumer_events_consumed_total',
      'consumer_events_failed_total',
      'consumer_processing_duration_seconds',
      'consumer_lag',
      'consumer_commit_duration_seconds',
      'consumer_batch_size',
      'consumer_kafka_reader_stats',
      'consumer_events_dead_lettered_total',
      'consumer_events_retried_total',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exported`);
    }
    assert.equal(sum('consumer_events_consumed_total{'), good);
    assert.equal(sum('consumer_events_failed_total{', { reason: 'invalid' }), poison.length);
    assert.equal(sum('consumer_events_dead_lettered_total{'), poison.length);
    const batches = sum('consumer_processing_duration_seconds_count{');
    assert.ok(batches >= 4 && batches < good / 10, `one observation per batch of events (${batches})`);
    assert.ok(sum('consumer_commit_duration_seconds_count{') >= 1);
    assert.equal(sum('consumer_batch_size_sum{'), total);
    assert.equal(sample(text, 'consumer_kafka_reader_stats', { stat: 'messages' }), total);
    assert.ok(sample(text, 'consumer_kafka_reader_stats', { stat: 'bytes' })! > total * 100);
    assert.ok(sample(text, 'consumer_kafka_reader_stats', { stat: 'rebalances' })! >= 1);
    assert.notEqual(sample(text, 'consumer_kafka_reader_stats', { stat: 'timeouts' }), undefined);
    assert.equal(sample(text, 'consumer_kafka_reader_stats', { stat: 'errors' }), 0);
    assert.ok(
      sum('consumer_user_events_total{', { outcome: 'duplicate' }) > 0,
      'the generator sends duplicates',
    );
    assert.ok(sum('consumer_user_events_total{', { outcome: 'stale' }) > 0, 'and stale updates');
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/health/live`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/health/ready`)).status, 200);
  });

  it('a write that fails twice, then succeeds, is retried and not dead-lettered', async () => {
    const { topic, schema, dlq, env } = await usersTopic(backends, 1);
    // A trigger that refuses the first two writes of one user: a handler error, not an outage.
    await migrate(sql, userMigrations(schema));
    await sql.query(`
      create sequence "${schema}".flaky;
      create function "${schema}".flaky() returns trigger language plpgsql as $$
      begin
        if new.user_id = 'flaky-user' and nextval('"${schema}".flaky') <= 2 then
          raise exception 'flaky write %', currval('"${schema}".flaky');
        end if;
        return new;
      end $$;
      create trigger flaky before insert or update on "${schema}".users for each row execute function "${schema}".flaky();`);
    const generated = generateUserEvents(topic, 300, 30, schema, 51);
    const flaky = {
      topic,
      key: 'flaky-user',
      value: JSON.stringify({
        id: `${schema}-flaky`,
        type: 'user.created',
        source: 'test',
        version: '1.0',
        timestamp: '2024-02-01T00:00:00Z',
        data: { user_id: 'flaky-user', username: 'flaky', email: 'flaky@example.com' },
      }),
    };
    await produceAll(bus, [...generated.records.slice(0, 150), flaky, ...generated.records.slice(150)]);
    const s = await startService({ ...env, KAFKA_RETRY_BACKOFF: '20ms' });
    await waitForProcessed('every event processed', sql, schema, {
      exactly: generated.distinct + 1,
    });
    const users = await readUsers(sql, schema);
    assert.equal(users.get('flaky-user')?.username, 'flaky');
    users.delete('flaky-user');
    assert.deepEqual(users, generated.expected);
    assert.equal(await topicSize(bus, dlq), 0, 'retried, not dead-lettered');
    const text = await metricsOf(s);
    assertPassesPromtool(text, 'the consumer service /metrics');
    assert.equal(sample(text, 'consumer_events_retried_total', { reason: 'handler' }), 2);
    assert.equal(sample(text, 'consumer_events_failed_total', { reason: 'handler' }), 2);
  });

  it('a database outage mid-stream dead-letters nothing and loses nothing', async () => {
    const { topic, schema, dlq, env } = await usersTopic(backends, 3);
    const url = new URL(testDatabaseUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.start();
    backends.defer(() => proxy.stop());
    url.host = `127.0.0.1:${proxy.port}`;
    const first = generateUserEvents(topic, 3000, 200, `${schema}a`, 11);
    const second = generateUserEvents(topic, 1000, 200, `${schema}b`, 12);
    await produceAll(bus, first.records);

    const s = await startService({
      ...env,
      DATABASE_URL: url.toString(),
      KAFKA_RETRY_BACKOFF_MAX: '500ms',
      KAFKA_MAX_RETRIES: '1',
    });
    await waitForProcessed('part of the stream processed', sql, schema, { atLeast: 500 }, 30_000);
    await proxy.stop();
    await produceAll(bus, second.records); // more arrives during the outage
    const during = await waitFor('the outage noticed', async () => {
      const t = await metricsOf(s);
      return (sample(t, 'consumer_events_failed_total', { reason: 'unavailable' }) ?? 0) >= 3 && t;
    });
    assert.equal(
      (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).status,
      503,
      'not ready while the database is away',
    );
    assert.equal(
      (await fetch(`http://127.0.0.1:${s.port}/health/live`)).status,
      200,
      'but alive: no restart needed',
    );
    assert.equal(sample(during, 'consumer_events_dead_lettered_total'), undefined);
    await waitFor(
      'consumer_lag grows while the database is away',
      async () => lagSum(await metricsOf(s)) > 0,
    );
    await proxy.start();

    const total = first.distinct + second.distinct;
    await waitForProcessed('everything processed after the outage', sql, schema, { exactly: total }, 60_000);
    assert.deepEqual(await readUsers(sql, schema), new Map([...first.expected, ...second.expected]));
    assert.equal(await topicSize(bus, dlq), 0, 'nothing dead-lettered');
    const text = await metricsOf(s);
    assert.ok((sample(text, 'consumer_events_retried_total', { reason: 'unavailable' }) ?? 0) >= 1);
    assert.equal(text.match(/^consumer_events_dead_lettered_total\{/m), null);
    await waitFor('consumer_lag back to 0', async () => lagSum(await metricsOf(s)) === 0);
  });
});

function lagSum(text: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith('consumer_lag{'))
    .reduce((n, line) => n + Number(line.split(' ').at(-1)), 0);
}
