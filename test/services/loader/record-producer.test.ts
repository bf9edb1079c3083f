// The loader's producer on the real broker: a batch bound for one partition is split below Kafka's
// message-size limit (regression: 5000 candles on a one-partition topic, the queue manager's default,
// were refused with "message larger than the max message size").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus, OutgoingRecord } from '../../../src/bus/index.ts';
import { dataTopic } from '../../../src/protocol/index.ts';
import { splitByPartitionBytes } from '../../../src/services/loader/record-producer.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { isolatedQueue, runLoader } from '../../support/market-jobs.ts';

describe('splitByPartitionBytes', () => {
  const record = (partition: number, bytes: number): OutgoingRecord => ({
    topic: 't',
    key: 'k',
    value: 'v'.repeat(bytes - 1),
    partition,
  });

  it('keeps every partition of a call within the byte limit, in order, losing nothing', () => {
    const records = Array.from({ length: 100 }, (_, i) => record(i % 2, 100));
    const calls = splitByPartitionBytes(records, 1000);
    assert.deepEqual(calls.flat(), records);
    for (const call of calls) {
      for (const partition of [0, 1]) {
        const bytes = call.filter((r) => r.partition === partition).length * (100 + 24);
        assert.ok(bytes <= 1000, `${bytes} bytes for partition ${partition} in one call`);
      }
    }
    assert.equal(calls.length, Math.ceil(50 / Math.floor(1000 / 124)));
  });

  it('sends a record larger than the limit alone rather than dropping it', () => {
    const calls = splitByPartitionBytes([record(0, 10), record(0, 5000), record(0, 10)], 1000);
    assert.deepEqual(
      calls.map((c) => c.length),
      [1, 1, 1],
    );
  });
});

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
