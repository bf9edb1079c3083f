// The loader on the real broker with a one-partition topic (regression: 5000 candles, 1.7 MB for one
// partition, were refused with "message larger than the max message size"; KafkaBus now cuts a
// produce into calls the broker accepts, see test/bus/kafka/produce-calls.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus } from '../../../src/bus/index.ts';
import { dataTopic } from '../../../src/protocol/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { isolatedQueue, runLoader } from '../../support/market-jobs.ts';

describe('loader on a one-partition topic', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;

  before(async () => {
    backends = await TestBackends.open();
    ({ bus } = backends);
  });
  after(() => backends.close());

  it('produces 20,000 candles in 5000-record batches (1.7 MB each) and finishes', async () => {
    const queue = await isolatedQueue(bus, 'one-partition');
    const topic = dataTopic(queue.queueId, 'synthetic_candles_1m');
    await bus.createTopics([{ name: topic, partitions: 1 }]);
    backends.defer(() => bus.deleteTopics([topic, queue.control, queue.events]));
    const outcome = await runLoader(bus, {
      ...queue.env,
      ...testKafka().env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'synthetic_candles_1m',
      SYNTHETIC_RECORDS: '20000',
      LOADER_BATCH_SIZE: '5000',
    });
    assert.equal(outcome.state, 'finished', outcome.error);
    // 20,000 records and one end-of-stream marker.
    assert.deepEqual([...(await bus.endOffsets(topic))], [[0, 20_001n]]);
  });
});
