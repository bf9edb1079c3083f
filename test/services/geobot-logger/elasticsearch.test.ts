// The geobot LOGGER on the real broker and the real Elasticsearch (scripts/es, started by npm test).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { DeadLetterHeaders as H } from '../../../src/consumer/index.ts';
import { ErrorCodes } from '../../../src/protocol/index.ts';
import {
  GeobotLoggerService,
  readGeobotLoggerConfig,
  type GeobotLoggerConfig,
} from '../../../src/services/geobot-logger/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { countDocuments, esSkipReason, searchDocuments, testEsUrl } from '../../support/elasticsearch.ts';
import { deadLetterTopic, kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { assertPassesPromtool } from '../../support/promtool.ts';
import { waitFor, waitForCount } from '../../support/wait.ts';
import { readTopic, sample, silent, topicSize } from '../../consumer/support.ts';
import { dropIndex, envelope, loggerTestEnv, records, uniqueIndex } from './support.ts';

describe('geobot-logger on Elasticsearch', { skip: kafkaSkipReason ?? esSkipReason }, () => {
  let backends: TestBackends;
  let es: Client;

  before(async () => {
    backends = await TestBackends.open();
    es = new Client({ node: testEsUrl() });
  });
  after(async () => {
    await backends.close();
    await es.close();
  });

  /** A topic, group and index of its own; the index is dropped when the file ends. */
  async function setup(partitions = 1) {
    const topic = await backends.topic('info-in', partitions);
    const index = uniqueIndex();
    backends.defer(() => dropIndex(es, index));
    const env = {
      ...loggerTestEnv,
      KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
      ELASTICSEARCH_URL: testEsUrl(),
      ELASTICSEARCH_INDEX: index,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: uniqueName('geobot-logger'),
    };
    return { topic, index, env, dlq: deadLetterTopic(topic) };
  }

  async function startLogger(env: Record<string, string>): Promise<GeobotLoggerService> {
    const config: GeobotLoggerConfig = readGeobotLoggerConfig(env);
    const service = new GeobotLoggerService({ config, logger: silent });
    backends.defer(() => service.stop());
    await service.start();
    return service;
  }

  it('indexes envelopes as elk_documents, searchable by message, with ids from topic/partition/offset', async () => {
    const { topic, index, env } = await setup(2);
    const values = [
      envelope('User created alice', { user_id: 'u1', email: 'alice@example.com' }),
      envelope('Task 7 finished', { task_id: 7, progress: 100 }, { service: 'worker', action: 'task' }),
      envelope('error while updating bob', { user_id: 'u2' }, { action: 'update_user_error' }),
      envelope('plain info', 'just a string'),
    ];
    await backends.bus.produce(records(topic, values));
    const service = await startLogger(env);
    await waitForCount('documents indexed', () => countDocuments(es, index), { exactly: 4 }, 30_000);

    const [hit, ...others] = await searchDocuments(es, index, 'alice');
    assert.equal(others.length, 0);
    assert.match(hit!.id, new RegExp(`^${topic}-[01]-\\d+$`));
    const sent = JSON.parse(values[0]!) as { payload: { timestamp: string } };
    assert.deepEqual(hit!.source, {
      '@timestamp': sent.payload.timestamp,
      service: 'logger-service',
      executer: 'arm',
      message: 'User created alice',
      level: 'info',
      action: 'create_user',
      data: { user_id: 'u1', email: 'alice@example.com' },
    });
    const errors = await searchDocuments(es, index, { term: { level: 'error' } });
    assert.deepEqual(
      errors.map((d) => (d.source as { message: string }).message),
      ['error while updating bob'],
    );
    const [task] = await searchDocuments(es, index, { term: { executer: 'worker' } });
    assert.deepEqual((task!.source as { data: unknown }).data, { task_id: 7, progress: 100 });
    const [plain] = await searchDocuments(es, index, 'plain');
    assert.deepEqual((plain!.source as { data: unknown }).data, { value: 'just a string' });

    const ready = await fetch(`http://127.0.0.1:${service.port}/health/ready`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    assertPassesPromtool(metrics, '/metrics');
    assert.equal(sample(metrics, 'consumer_events_consumed_total', { event_type: 'envelope' }), 4);
    assert.ok((sample(metrics, 'geobot_logger_bulk_documents_total') ?? 0) >= 4);
  });

  it('dead-letters poison envelopes and documents Elasticsearch refuses; indexes the rest once', async () => {
    const { topic, index, env, dlq } = await setup(1);
    const values = [
      envelope('first good', { amount: 5 }), // maps data.amount as a number
      '{"service": "arm", "action": broken json',
      JSON.stringify({ service: 'arm', payload: { message: 'no action', timestamp: 'x', data: {} } }),
      envelope('conflicting amount', { amount: { currency: 'EUR' } }), // an object where a number is mapped
      JSON.stringify({
        service: 'arm',
        action: 'info',
        payload: { message: 'not a date', timestamp: 'yesterday', data: {} },
      }),
      envelope('second good', { amount: 7 }),
    ];
    await backends.bus.produce(records(topic, values));
    const service = await startLogger(env);
    const letters = await readTopic(backends.bus, dlq, 4, 30_000);
    await waitForCount('documents indexed', () => countDocuments(es, index), { exactly: 2 }, 30_000);

    const byOffset = new Map(letters.map((l) => [l.headers[H.offset], l.headers]));
    assert.deepEqual([...byOffset.keys()].sort(), ['1', '2', '3', '4']);
    assert.equal(byOffset.get('1')![H.errorCode], ErrorCodes.INVALID_MESSAGE);
    assert.match(byOffset.get('1')![H.error]!, /not valid JSON/);
    assert.equal(byOffset.get('2')![H.errorCode], ErrorCodes.INVALID_MESSAGE);
    assert.match(byOffset.get('2')![H.error]!, /action/);
    for (const offset of ['3', '4']) {
      const headers = byOffset.get(offset)!;
      assert.equal(headers[H.errorCode], ErrorCodes.DOCUMENT_REJECTED);
      assert.equal(headers[H.reason], 'invalid');
      assert.match(headers[H.error]!, /mapper_parsing_exception|failed to parse/);
    }
    assert.equal(letters[0]!.value?.toString(), values[Number(letters[0]!.headers[H.offset])]);
    const messages = (await searchDocuments(es, index)).map((d) => (d.source as { message: string }).message);
    assert.deepEqual(messages.sort(), ['first good', 'second good']);

    await waitFor('dead letters counted', async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      const dead = sample(metrics, 'consumer_events_dead_lettered_total', { reason: 'invalid' });
      return dead === 4 && metrics;
    });
    assert.equal(await topicSize(backends.bus, dlq), 4);
  });

  it('a replay (another group from the start) overwrites the same documents instead of adding', async () => {
    const { topic, index, env } = await setup(1);
    await backends.bus.produce(
      records(
        topic,
        [1, 2, 3, 4, 5].map((n) => envelope(`replayed ${n}`)),
      ),
    );
    const first = await startLogger(env);
    await waitForCount('documents indexed', () => countDocuments(es, index), { exactly: 5 }, 30_000);
    await first.stop();
    const ids = (await searchDocuments(es, index)).map((d) => d.id).sort();
    const second = await startLogger({ ...env, KAFKA_GROUP_ID: uniqueName('geobot-logger-replay') });
    await waitFor('the replay to finish', async () => {
      const metrics = await second.registry.metrics();
      return sample(metrics, 'consumer_events_consumed_total', { event_type: 'envelope' }) === 5;
    });
    assert.equal(await countDocuments(es, index), 5);
    assert.deepEqual((await searchDocuments(es, index)).map((d) => d.id).sort(), ids);
  });

  it('retries documents Elasticsearch does not take now (a write-blocked index), pauses, and loses none', async () => {
    const { topic, index, env, dlq } = await setup(1);
    const service = await startLogger({ ...env, ELASTICSEARCH_BULK_RETRIES: '2' });
    await backends.bus.produce(records(topic, [envelope('before the block')]));
    await waitForCount('the first document', () => countDocuments(es, index), { exactly: 1 }, 30_000);
    // Every document of a bulk request then gets 403 cluster_block_exception, one by one.
    await es.indices.putSettings({ index, settings: { 'index.blocks.write': true } });
    await backends.bus.produce(
      records(
        topic,
        [1, 2, 3, 4, 5, 6].map((n) => envelope(`blocked ${n}`)),
      ),
    );
    await waitFor('documents retried and the partition paused', async () => {
      const metrics = await service.registry.metrics();
      const retried = sample(metrics, 'geobot_logger_documents_retried_total') ?? 0;
      const paused = sample(metrics, 'consumer_events_failed_total', { reason: 'unavailable' }) ?? 0;
      return retried >= 6 && paused >= 1;
    });
    await es.indices.putSettings({ index, settings: { 'index.blocks.write': false } });
    await waitForCount('all 7 documents', () => countDocuments(es, index), { exactly: 7 }, 30_000);
    const messages = (await searchDocuments(es, index)).map((d) => (d.source as { message: string }).message);
    assert.equal(new Set(messages).size, 7);
    assert.equal(await topicSize(backends.bus, dlq), 0, 'a blocked index is no reason to dead-letter');
  });
});
