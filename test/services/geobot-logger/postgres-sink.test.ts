// The logger without Elasticsearch: a searchable log table in the real PostgreSQL (distributed, on the
// real broker) and in PGlite on the memory bus (the embedded mode).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { DeadLetterHeaders as H } from '../../../src/consumer/index.ts';
import { ErrorCodes } from '../../../src/protocol/index.ts';
import type { PostgresLogSink } from '../../../src/services/geobot-logger/index.ts';
import {
  GeobotLoggerService,
  embeddedGeobotLogger,
  readGeobotLoggerConfig,
} from '../../../src/services/geobot-logger/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { deadLetterTopic, kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { countRows, testDatabaseUrl } from '../../support/postgres.ts';
import { waitFor, waitForCount } from '../../support/wait.ts';
import { readTopic, sample, silent } from '../../consumer/support.ts';
import { envelope, loggerTestEnv, records } from './support.ts';

const values = [
  envelope('User created alice', { user_id: 'u1' }),
  envelope('Task 7 finished for alice', { task_id: 7 }, { service: 'worker', action: 'task' }),
  JSON.stringify({
    service: 'arm',
    action: 'info',
    payload: { message: 'bad time', timestamp: 'soon', data: {} },
  }),
  'not json at all',
  envelope('User updated bob', { user_id: 'u2' }),
];

describe('geobot-logger into PostgreSQL', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;

  before(async () => {
    backends = await TestBackends.open();
  });
  after(() => backends.close());

  it('stores elk_documents as rows, searchable by words; refused and poison records are dead-lettered', async () => {
    const topic = await backends.topic('info-in-pg', 2);
    const schema = uniqueName('geolog').replaceAll('-', '_');
    backends.defer(() => backends.db.query(`drop schema if exists "${schema}" cascade`));
    const env = {
      ...loggerTestEnv,
      KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: uniqueName('geobot-logger'),
      DATABASE_URL: testDatabaseUrl,
      DATABASE_SCHEMA: schema,
    };
    await backends.bus.produce(records(topic, values));
    const service = new GeobotLoggerService({ config: readGeobotLoggerConfig(env), logger: silent });
    backends.defer(() => service.stop());
    await service.start();
    await waitForCount('rows', () => countRows(backends.db, 'geobot_log', schema), { exactly: 3 }, 30_000);
    const letters = await readTopic(backends.bus, deadLetterTopic(topic), 2, 30_000);
    assert.deepEqual(letters.map((l) => l.headers[H.errorCode]).sort(), [
      ErrorCodes.DOCUMENT_REJECTED,
      ErrorCodes.INVALID_MESSAGE,
    ]);

    const sink = service.sink as PostgresLogSink;
    const alice = await sink.search('alice');
    assert.deepEqual(alice.map((r) => r.message).sort(), ['Task 7 finished for alice', 'User created alice']);
    const workerTask = await sink.search('worker task');
    assert.deepEqual(
      workerTask.map((r) => r.data),
      [{ task_id: 7 }],
    );
    assert.equal((await sink.search('alice -task')).length, 1);
    assert.equal((await sink.search('')).length, 3);
    const [bob] = await sink.search('bob');
    assert.equal(bob!.service, 'logger-service');
    assert.equal(bob!.executer, 'arm');
    assert.equal(bob!.level, 'info');
    assert.match(bob!.id, new RegExp(`^${topic}-[01]-\\d+$`));
    assert.equal((await fetch(`http://127.0.0.1:${service.port}/health/ready`)).status, 200);

    // The index the search uses.
    const { rows } = await backends.db.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = $1 and indexname = 'geobot_log_search'`,
      [schema],
    );
    assert.match(rows[0]!.indexdef, /USING gin \(search\)/);
  });
});

describe('geobot-logger embedded', () => {
  it('runs on the memory bus and PGlite; a replay adds no row', async () => {
    const bus = new MemoryBus();
    await bus.connect();
    const sql = await PGliteClient.open();
    try {
      const topic = 'info_in';
      await bus.createTopics([{ name: topic, partitions: 1 }]);
      await bus.produce(records(topic, values));
      const { service, sink } = embeddedGeobotLogger({ bus, sql, logger: silent });
      await service.start();
      await waitFor('rows', async () => (await sink.search('')).length === 3);
      await service.stop();
      const replay = embeddedGeobotLogger({ bus, sql, logger: silent, consumer: { groupId: 'replay' } });
      await replay.service.start();
      await waitFor('the replay', async () => {
        const metrics = await replay.service.registry.metrics();
        return sample(metrics, 'consumer_events_dead_lettered_total', { reason: 'invalid' }) === 2;
      });
      await replay.service.stop();
      assert.equal((await sink.search('')).length, 3);
      assert.deepEqual((await sink.search('alice')).map((r) => r.executer).sort(), ['arm', 'worker']);
    } finally {
      await sql.close();
      await bus.close();
    }
  });
});
