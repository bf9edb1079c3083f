// Elasticsearch killed under a running logger, then started again: nothing lost, nothing duplicated,
// nothing dead-lettered. A node of the test's own (the shared one must never stop).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import {
  GeobotLoggerService,
  documentId,
  readGeobotLoggerConfig,
} from '../../../src/services/geobot-logger/index.ts';
import { TestBackends } from '../../support/backends.ts';
import {
  PrivateElasticsearch,
  countDocuments,
  esSkipReason,
  searchDocuments,
} from '../../support/elasticsearch.ts';
import { deadLetterTopic, kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { waitFor, waitForCount } from '../../support/wait.ts';
import { sample, silent, topicSize } from '../../consumer/support.ts';
import { envelope, loggerTestEnv, records } from './support.ts';

describe('geobot-logger when Elasticsearch goes away', { skip: kafkaSkipReason ?? esSkipReason }, () => {
  let backends: TestBackends;
  let node: PrivateElasticsearch;
  let es: Client;

  before(
    async () => {
      backends = await TestBackends.open();
      node = await PrivateElasticsearch.start();
      es = new Client({ node: node.url });
    },
    { timeout: 180_000 },
  ); // a JVM start on a loaded machine
  after(async () => {
    await backends.close();
    await es?.close();
    await node?.destroy();
  });

  it(
    'pauses while it is down and, once it is back, holds every document exactly once',
    { timeout: 300_000 },
    async () => {
      const topic = await backends.topic('info-in-outage', 2);
      const index = 'logger-service';
      const service = new GeobotLoggerService({
        config: readGeobotLoggerConfig({
          ...loggerTestEnv,
          KAFKA_BOOTSTRAP_SERVERS: testKafka().options.bootstrapServers.join(','),
          KAFKA_TOPIC: topic,
          KAFKA_GROUP_ID: uniqueName('geobot-logger'),
          KAFKA_BATCH_SIZE: '50',
          ELASTICSEARCH_URL: node.url,
          ELASTICSEARCH_BULK_RETRIES: '1',
          ELASTICSEARCH_REQUEST_TIMEOUT: '5s',
        }),
        logger: silent,
      });
      backends.defer(() => service.stop());
      await service.start();
      const ready = async () => (await fetch(`http://127.0.0.1:${service.port}/health/ready`)).status;

      const batch = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => envelope(`outage message ${from + i}`, { n: from + i }));
      await backends.bus.produce(records(topic, batch(0, 200)));
      await waitForCount(
        'the first 200 documents',
        () => countDocuments(es, index),
        { exactly: 200 },
        60_000,
      );

      await node.kill();
      await backends.bus.produce(records(topic, batch(200, 300)));
      await waitFor(
        'a partition paused on the outage',
        async () => {
          const metrics = await service.registry.metrics();
          return (sample(metrics, 'consumer_events_failed_total', { reason: 'unavailable' }) ?? 0) > 0;
        },
        60_000,
      );
      assert.equal(await ready(), 503, '/health/ready says Elasticsearch is away');

      await node.restart();
      await waitForCount('all 500 documents', () => countDocuments(es, index), { exactly: 500 }, 120_000);
      const documents = await searchDocuments<{ data: { n: number } }>(es, index, undefined, 1000);
      const seen = documents.map((d) => d.source.data.n).sort((a, b) => a - b);
      assert.deepEqual(
        seen,
        Array.from({ length: 500 }, (_, i) => i),
        'each message once',
      );
      // Every record's document under its own id: a batch written twice overwrote, it did not add.
      const ends = await backends.bus.endOffsets(topic);
      const expected = [...ends].flatMap(([partition, end]) =>
        Array.from({ length: Number(end) }, (_, offset) =>
          documentId({ topic, partition, offset: BigInt(offset) }),
        ),
      );
      assert.deepEqual(documents.map((d) => d.id).sort(), expected.sort());
      assert.equal(await topicSize(backends.bus, deadLetterTopic(topic)), 0, 'nothing dead-lettered');
      await waitFor('ready again', async () => (await ready()) === 200);
    },
  );
});
