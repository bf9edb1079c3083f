// Batch mode (what sinks such as the arango-connector use): a partition's valid records at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  DeadLetterHeaders as H,
  defineBatchHandler,
  type BatchItem,
  type BatchRefusal,
} from '../../src/consumer/index.ts';
import { ErrorCodes, StreamForgeError } from '../../src/protocol/index.ts';
import { busesUnderTest } from '../support/buses.ts';
import { createUniqueTopic, deadLetterTopic, uniqueName } from '../support/kafka.ts';
import { consumerSuite, readTopic, sample, topicSize, waitForCommittedToEnd } from './support.ts';

const Candle = Type.Object({ t: Type.Integer(), close: Type.Number() });

for (const target of busesUnderTest({ listeners: 'first' })) {
  describe(`batch handlers on ${target.name}`, { skip: target.skip }, () => {
    const suite = consumerSuite(target);

    async function run(
      handle: (batch: BatchItem<{ t: number; close: number }>[]) => Promise<void | readonly BatchRefusal[]>,
      values: (string | null)[],
      partitions = 1,
    ) {
      const topic = await createUniqueTopic(suite.bus, 'batch', partitions);
      const group = uniqueName('group');
      await suite.bus.produce(values.map((value, i) => ({ topic, key: `k${i % 4}`, value })));
      const consumer = await suite.start({
        handlers: defineBatchHandler({ name: 'candles', schema: Candle, handle }),
        options: { topic, groupId: group, retryBackoffMs: 5, maxRetryBackoffMs: 50 },
      });
      const caughtUp = () => waitForCommittedToEnd(suite.bus, group, topic);
      return { topic, dlq: deadLetterTopic(topic), consumer, caughtUp };
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
      const letters = await readTopic(suite.bus, dlq, 3);
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
      const letters = await readTopic(suite.bus, dlq, 1);
      assert.equal(letters.length, 1);
      assert.equal(letters[0]!.headers[H.offset], '3');
      assert.equal(letters[0]!.headers[H.reason], 'handler');
      // 4 tries of the batch, then the halves that held it: [13, 14], [13].
      assert.equal(letters[0]!.headers[H.attempts], '6');
      assert.equal(calls, 4 + 4, 'halves: [10, 11, 12] [13, 14] [13] [14]');
      const metrics = await consumer.registry.metrics();
      assert.equal(sample(metrics, 'consumer_events_consumed_total', { event_type: 'candles' }), 4);
    });

    it('finds a few bad records in a large failing batch by halving it, not one record at a time', async () => {
      const total = 1000;
      const bad = new Set([17, 500, 901]);
      const sizes: number[] = [];
      const stored = new Set<number>();
      const dead: number[] = [];
      const topic = await createUniqueTopic(suite.bus, 'bisect', 1);
      const group = uniqueName('group');
      await suite.bus.produce(
        Array.from({ length: total }, (_, t) => ({ topic, key: 'k', value: candle(t) })),
      );
      await suite.start({
        handlers: defineBatchHandler({
          name: 'candles',
          schema: Candle,
          handle: (batch) => {
            sizes.push(batch.length);
            if (batch.some((b) => bad.has(b.value.t))) return Promise.reject(new Error('a refused row'));
            for (const b of batch) stored.add(b.value.t);
            return Promise.resolve();
          },
        }),
        options: { topic, groupId: group, batchSize: total, maxRetries: 0 },
        hooks: { onDeadLettered: (letter) => dead.push(Number(letter.record.offset)) },
      });
      await waitForCommittedToEnd(suite.bus, group, topic);
      assert.equal(stored.size, total - bad.size);
      assert.ok([...bad].every((t) => !stored.has(t)));
      assert.deepEqual(
        dead.toSorted((a, b) => a - b),
        [...bad],
      );
      assert.equal((await readTopic(suite.bus, deadLetterTopic(topic), bad.size)).length, bad.size);
      // One record at a time would be `total` calls more; halving costs at most 2 per bad record per level.
      assert.equal(sizes[0], total, 'the records were produced before the consumer started: one chunk');
      const bound = 1 + 2 * bad.size * Math.ceil(Math.log2(total));
      assert.ok(sizes.length <= bound, `${sizes.length} handler calls, at most ${bound} expected`);
    });

    it('dead-letters the records a sink refuses for good and finishes the rest, with no retry or split', async () => {
      const calls: number[][] = [];
      const { dlq, consumer, caughtUp } = await run((batch) => {
        calls.push(batch.map((b) => b.value.t));
        const refused = batch
          .filter((b) => b.value.t % 2 === 1)
          .map((b) => ({
            record: b.record,
            error: new StreamForgeError(ErrorCodes.DOCUMENT_REJECTED, `odd ${b.value.t}`),
          }));
        return Promise.resolve(refused);
      }, [20, 21, 22, 23, 24].map(candle));
      await caughtUp();
      assert.deepEqual(calls, [[20, 21, 22, 23, 24]], 'one call: refusals are not retried');
      const letters = await readTopic(suite.bus, dlq, 2);
      assert.deepEqual(
        letters.map((l) => [l.headers[H.offset], l.headers[H.reason], l.headers[H.errorCode]]),
        [
          ['1', 'invalid', ErrorCodes.DOCUMENT_REJECTED],
          ['3', 'invalid', ErrorCodes.DOCUMENT_REJECTED],
        ],
      );
      assert.equal(letters[0]!.headers[H.error], 'odd 21');
      const metrics = await consumer.registry.metrics();
      assert.equal(sample(metrics, 'consumer_events_consumed_total', { event_type: 'candles' }), 3);
      assert.equal(
        sample(metrics, 'consumer_events_dead_lettered_total', { event_type: 'candles', reason: 'invalid' }),
        2,
      );
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
      assert.equal(await topicSize(suite.bus, dlq), 0);
    });
  });
}
