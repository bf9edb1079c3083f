// ARM with its database gone: the request waits (partition paused), nothing is dead-lettered or
// answered; when the database is back the user is stored and answered, once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEnvelope } from '../../../src/protocol/geobot/envelope.ts';
import {
  GeobotUserStore,
  createArmService,
  readArmConfig,
  type ProcessorService,
} from '../../../src/services/geobot/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { testDatabaseUrl } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { readTopic, sample, silent, topicSize } from '../../consumer/support.ts';
import { TcpProxy } from '../consumer/tcp-proxy.ts';

describe('geobot ARM during a database outage', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let arm: ProcessorService;
  let proxy: TcpProxy;
  const prefix = uniqueName('geobot-outage');
  const schema = prefix.replaceAll('-', '_');
  const topics = { create: `${prefix}-c`, update: `${prefix}-u`, info: `${prefix}-i`, task: `${prefix}-t` };

  before(async () => {
    backends = await TestBackends.open();
    const { bus, db } = backends;
    backends.defer(() => bus.deleteTopics(Object.values(topics).flatMap((t) => [t, `${t}-dlq`])));
    backends.defer(async () => {
      await db.query(`drop schema if exists "${schema}" cascade`);
      await db.query(`delete from streamforge_migrations where id like $1`, [`geobot-arm:${schema}:%`]);
    });
    const url = new URL(testDatabaseUrl);
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await proxy.start();
    backends.defer(() => proxy.stop());
    url.host = `127.0.0.1:${proxy.port}`;
    const store = new PostgresClient({ connectionString: url.toString(), connectTimeoutMs: 1000 });
    backends.defer(() => store.close());
    const config = readArmConfig({
      KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
      DATABASE_URL: url.toString(),
      DATABASE_SCHEMA: schema,
      CREATE_USER_TOPIC: topics.create,
      UPDATE_USER_TOPIC: topics.update,
      INFO_TOPIC: topics.info,
      TASK_TOPIC: topics.task,
      TOPIC_PARTITIONS: '1',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      KAFKA_MIN_BYTES: '1',
      KAFKA_MAX_WAIT: '100ms',
      KAFKA_COMMIT_INTERVAL: '100ms',
      KAFKA_RETRY_BACKOFF: '100ms',
      KAFKA_RETRY_BACKOFF_MAX: '500ms',
    });
    arm = createArmService({ config, bus, store, logger: silent });
    backends.defer(() => arm.stop());
    await arm.start();
  });
  after(() => backends.close());

  it('pauses while the database is away and stores and answers once it is back', async () => {
    await proxy.stop();
    const envelope = {
      service: 'lk',
      action: 'create_user',
      payload: {
        message: 'm',
        timestamp: new Date().toISOString(),
        data: { user_id: 'o1', username: 'ola' },
      },
    };
    await backends.bus.produce([{ topic: topics.create, key: 'o1', value: JSON.stringify(envelope) }]);
    const metrics = async () => (await fetch(`http://127.0.0.1:${arm.port}/metrics`)).text();
    await waitFor('ARM to meet the outage', async () => {
      const failed = sample(await metrics(), 'consumer_events_failed_total', { reason: 'unavailable' });
      return (failed ?? 0) >= 2;
    });
    assert.equal(await topicSize(backends.bus, `${topics.create}-dlq`), 0, 'nothing dead-lettered');
    assert.equal(await topicSize(backends.bus, topics.info), 0, 'nothing answered');

    await proxy.start();
    const [reply] = await readTopic(backends.bus, topics.info, 1, 30_000);
    const parsed = parseEnvelope(reply!.value);
    assert.ok(parsed.ok);
    assert.equal((parsed.value.payload.data as { outcome: string }).outcome, 'created');
    const row = await new GeobotUserStore(backends.db, schema).get('o1');
    assert.equal(row?.username, 'ola');
    assert.equal(await topicSize(backends.bus, `${topics.create}-dlq`), 0);
    assert.equal(await topicSize(backends.bus, topics.info), 1, 'answered once');
  });
});
