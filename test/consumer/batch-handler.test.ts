// Batch mode (what sinks such as the arango-connector use): a partition's valid records at once.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { KafkaBus, MemoryBus, type Bus } from '../../src/bus/index.ts';
import {
  DeadLetterHeaders as H,
  EventConsumer,
  defineBatchHandler,
  type BatchItem,
} from '../../src/consumer/index.ts';
import { ErrorCodes, StreamForgeError } from '../../src/protocol/index.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../support/kafka.ts';
import { waitFor } from '../support/wait.ts';
import { readTopic, sample, silent, topicSize } from './support.ts';

const Candle = Type.Object({ t: Type.Integer(), close: Type.Number() });

const targets = [
  { name: 'memory', create: (): Bus => new MemoryBus(), skip: undefined },
  { name: 'kafka', create: (): Bus => new KafkaBus(testKafka().options), skip: kafkaSkipReason },
];

for (const target of targets) {
  describe(`batch handlers on ${target.name}`, { skip: target.skip }, () => {
    let bus: Bus;
    const running: EventConsumer[] = [];
    before(async () => {
      bus = target.create();
      await bus.connect();
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((c) => c.stop()));
    });
    after(() => bus.close());

    async function run(
      handle: (batch: BatchItem<{ t: number; close: number }>[]) => Promise<void>,
      values: (string | null)[],
      partitions = 1,
    ) {
      const topic = uniqueName('batch');
      const group = uniqueName('group');
      await bus.createTopics([{ name: topic, partitions }]);
      await bus.produce(values.map((value, i) => ({ topic, key: `k${i % 4}`, value })));
      const consumer = new EventConsumer({
        bus,
        handlers: defineBatchHandler({ name: 'candles', schema: Candle, handle }),
        logger: silent,
        options: {
          topic,
          groupId: group,
          minBytes: 1,
          maxWaitMs: 100,
          commitIntervalMs: 100,
          retryBackoffMs: 5,
          maxRetryBackoffMs: 50,
        },
      });
      running.push(consumer);
      await consumer.start();
      const caughtUp = () =>
        waitFor('committed to the end', async () => {
          const committed = await bus.committedOffsets(group, topic);
          return [...(await bus.endOffsets(topic))].every(([p, end]) => committed.get(p) === end);
        });
      return { topic, dlq: `${topic}-dlq`, consumer, caughtUp };
    }

    const candle = (t: number) => JSON.stringify({ t, close: t * 1.5 });

    it('hands over the valid records of one partition in offset order; invalid ones are dead-lettered at once', async () => {
      const batches: BatchItem<{ t: number; close: number }>[][] = [];
      const values = [candle(1), '{"t": "x"}', candle(2), 'nope', candle(3), null, candle(4)];
      const { dlq, caughtUp } = await run((batch) => {
        batches.push(batch);
        return Promise.resolve();
      }, values);
      await caughtUp();
      const all = batches.flat();
      assert.deepEqual(
        all.map((b) => b.value.t),
        [1, 2, 3, 4],
      );
      assert.deepEqual(
        all.map((b) => b.record.offset),
        [0n, 2n, 4n, 6n],
      );
      for (const batch of batches) assert.equal(new Set(batch.map((b) => b.record.partition)).size, 1);
      const letters = await readTopic(bus, dlq, 3);
      assert.deepEqual(
        letters.map((l) => l.headers[H.offset]),
        ['1', '3', '5'],
      );
      assert.ok(
        letters.every((l) => l.headers[H.reason] === 'invalid' && l.headers[H.eventType] === 'candles'),
      );
    });

    it('after retries, splits a failing batch and dead-letters only the record that fails on its own', async () => {
      const stored: number[] = [];
      let calls = 0;
      const { dlq, consumer, caughtUp } = await run((batch) => {
        calls += 1;
        if (batch.some((b) => b.value.t === 13))
          return Promise.reject(new Error('13 breaks the bulk insert'));
        stored.push(...batch.map((b) => b.value.t));
        return Promise.resolve();
      }, [10, 11, 12, 13, 14].map(candle));
      await caughtUp();
      assert.deepEqual(
        stored.toSorted((a, b) => a - b),
        [10, 11, 12, 14],
      );
      const letters = await readTopic(bus, dlq, 1);
      assert.equal(letters.length, 1);
      assert.equal(letters[0]!.headers[H.offset], '3');
      assert.equal(letters[0]!.headers[H.reason], 'handler');
      assert.equal(letters[0]!.headers[H.attempts], '5', '4 tries of the batch, then 1 alone');
      assert.ok(calls >= 4 + 5);
      const metrics = await consumer.registry.metrics();
      assert.equal(sample(metrics, 'consumer_events_consumed_total', { event_type: 'candles' }), 4);
    });

    it('pauses the partition on an outage and dead-letters nothing', async () => {
      let failures = 3;
      const stored: number[] = [];
      const { dlq, caughtUp } = await run((batch) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(
            new StreamForgeError(ErrorCodes.STORE_UNAVAILABLE, 'arango down', { canRetry: true }),
          );
        }
        stored.push(...batch.map((b) => b.value.t));
        return Promise.resolve();
      }, [1, 2, 3].map(candle));
      await caughtUp();
      assert.deepEqual(stored, [1, 2, 3]);
      assert.equal(await topicSize(bus, dlq), 0);
    });
  });
}
