// The framework on every bus it runs on (memory, and the real Kafka broker): classification of
// failures, dead letters with their metadata, retries, outages, ordering, shutdown, hooks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import type { TopicPartition } from '../../src/bus/index.ts';
import {
  DeadLetterHeaders as H,
  EventRegistry,
  defineEvent,
  invalidEvent,
  type ConsumerHooks,
  type ConsumerOptions,
  type EventConsumer,
  type PartitionLag,
} from '../../src/consumer/index.ts';
import { ErrorCodes, StreamForgeError } from '../../src/protocol/index.ts';
import { busesUnderTest } from '../support/buses.ts';
import { createUniqueTopic, deadLetterTopic, uniqueName } from '../support/kafka.ts';
import { waitFor } from '../support/wait.ts';
import {
  consumerSuite,
  envelope,
  readTopic,
  record,
  sample,
  topicSize,
  waitForCommittedToEnd,
} from './support.ts';

const Ping = defineEvent('ping', Type.Object({ n: Type.Integer(), key: Type.String() }));
type Seen = { n: number; key: string; partition: number; offset: bigint };

for (const target of busesUnderTest({ listeners: 'first' })) {
  describe(`EventConsumer on ${target.name}`, { skip: target.skip }, () => {
    const suite = consumerSuite(target);

    async function setup(partitions = 1): Promise<{ topic: string; dlq: string; group: string }> {
      const topic = await createUniqueTopic(suite.bus, 'consumer', partitions);
      return { topic, dlq: deadLetterTopic(topic), group: uniqueName('group') };
    }

    const start = (
      handlers: EventRegistry,
      options: ConsumerOptions,
      hooks?: ConsumerHooks,
    ): Promise<EventConsumer> =>
      suite.start({ handlers, hooks, options: { retryBackoffMs: 10, lagIntervalMs: 200, ...options } });

    const committed = async (group: string, topic: string, partition = 0): Promise<bigint | undefined> =>
      (await suite.bus.committedOffsets(group, topic)).get(partition);

    it('dead-letters poison records at once, with their metadata, while the rest flows', async () => {
      const { topic, dlq, group } = await setup();
      const seen: number[] = [];
      const registry = new EventRegistry().on(Ping, async (event) => {
        if (event.data.n === 13) throw invalidEvent('13 is refused by the handler');
        seen.push(event.data.n);
        return Promise.resolve();
      });
      await suite.bus.produce([
        record(topic, 'a', envelope('ping', { n: 1, key: 'a' })),
        { topic, key: 'bad-json', value: '{"id": ', headers: { trace: 'abc' } },
        record(topic, 'a', envelope('nobody.handles.this', { n: 2 })),
        record(topic, 'a', envelope('ping', { n: 'three', key: 'a' })),
        record(topic, 'a', JSON.stringify({ type: 'ping', data: { n: 4, key: 'a' } })),
        record(topic, 'a', envelope('ping', { n: 13, key: 'a' })),
        record(topic, 'a', envelope('ping', { n: 5, key: 'a' })),
      ]);
      const consumer = await start(registry, { topic, groupId: group });
      await waitFor('all handled and committed', async () => (await committed(group, topic)) === 7n);
      assert.deepEqual(seen, [1, 5]);
      const letters = await readTopic(suite.bus, dlq, 5);
      assert.equal(letters.length, 5);
      assert.deepEqual(
        letters.map((l) => l.headers[H.offset]),
        ['1', '2', '3', '4', '5'],
      );
      const [badJson, unknownType, invalidData, noEnvelope, refused] = letters;
      assert.equal(badJson!.key?.toString(), 'bad-json');
      assert.equal(badJson!.value?.toString(), '{"id": ');
      assert.equal(badJson!.headers.trace, 'abc', 'original headers are kept');
      assert.equal(badJson!.headers[H.topic], topic);
      assert.equal(badJson!.headers[H.partition], '0');
      assert.equal(badJson!.headers[H.group], group);
      assert.equal(badJson!.headers[H.reason], 'invalid');
      assert.equal(badJson!.headers[H.attempts], '0');
      assert.equal(badJson!.headers[H.errorCode], ErrorCodes.INVALID_MESSAGE);
      assert.match(badJson!.headers[H.error]!, /not valid JSON/);
      assert.match(unknownType!.headers[H.error]!, /unknown event type "nobody.handles.this"/);
      assert.match(invalidData!.headers[H.error]!, /ping: data .* at \/n/);
      assert.equal(invalidData!.headers[H.eventType], 'ping');
      assert.match(noEnvelope!.headers[H.error]!, /not an event envelope/);
      assert.equal(refused!.headers[H.attempts], '1');
      assert.match(refused!.headers[H.error]!, /13 is refused/);
      const metrics = await consumer.registry.metrics();
      assert.equal(
        sample(metrics, 'consumer_events_dead_lettered_total', { reason: 'invalid', event_type: 'unknown' }),
        3,
      );
      assert.equal(sample(metrics, 'consumer_events_consumed_total', { event_type: 'ping' }), 2);
    });

    it('retries a handler that fails twice, then dead-letters one that never succeeds', async () => {
      const { topic, dlq, group } = await setup();
      const calls = new Map<number, number>();
      const registry = new EventRegistry().on(Ping, (event, ctx) => {
        calls.set(event.data.n, ctx.attempt);
        if (event.data.n === 1 && ctx.attempt <= 2) return Promise.reject(new Error(`flaky ${ctx.attempt}`));
        if (event.data.n === 2) return Promise.reject(new Error('always broken'));
        return Promise.resolve();
      });
      await suite.bus.produce([1, 2, 3].map((n) => record(topic, 'k', envelope('ping', { n, key: 'k' }))));
      const consumer = await start(registry, { topic, groupId: group, maxRetries: 3 });
      await waitFor('all committed', async () => (await committed(group, topic)) === 3n);
      assert.deepEqual(
        [...calls],
        [
          [1, 3],
          [2, 4],
          [3, 1],
        ],
      );
      const letters = await readTopic(suite.bus, dlq, 1);
      assert.equal(letters.length, 1);
      assert.equal(letters[0]!.headers[H.offset], '1');
      assert.equal(letters[0]!.headers[H.reason], 'handler');
      assert.equal(letters[0]!.headers[H.attempts], '4');
      assert.equal(letters[0]!.headers[H.error], 'always broken');
      assert.equal(letters[0]!.headers[H.errorCode], ErrorCodes.HANDLER_FAILED);
      const metrics = await consumer.registry.metrics();
      assert.equal(sample(metrics, 'consumer_events_retried_total', { reason: 'handler' }), 2 + 3);
      assert.equal(sample(metrics, 'consumer_events_failed_total', { reason: 'handler' }), 2 + 4);
      assert.equal(sample(metrics, 'consumer_events_dead_lettered_total', { reason: 'handler' }), 1);
    });

    it('pauses on an outage: nothing dead-lettered, nothing committed past it, then resumes in order', async () => {
      const { topic, dlq, group } = await setup();
      let down = false;
      const seen: number[] = [];
      const registry = new EventRegistry().on(Ping, (event) => {
        if (down && event.data.n >= 3) {
          return Promise.reject(
            new StreamForgeError(ErrorCodes.STORE_UNAVAILABLE, 'database down', { canRetry: true }),
          );
        }
        seen.push(event.data.n);
        return Promise.resolve();
      });
      down = true;
      await suite.bus.produce(
        [1, 2, 3, 4, 5].map((n) => record(topic, `k${n}`, envelope('ping', { n, key: `k${n}` }))),
      );
      const consumer = await start(registry, {
        topic,
        groupId: group,
        maxRetries: 0,
        maxRetryBackoffMs: 100,
      });
      await waitFor('first two handled and committed', async () => (await committed(group, topic)) === 2n);
      await waitFor('several outage retries', async () => {
        const failed = sample(await consumer.registry.metrics(), 'consumer_events_failed_total', {
          reason: 'unavailable',
        });
        return (failed ?? 0) >= 3;
      });
      assert.equal(
        await committed(group, topic),
        2n,
        'the commit stays before the record that met the outage',
      );
      assert.equal(await topicSize(suite.bus, dlq), 0);
      down = false;
      await waitFor('all committed', async () => (await committed(group, topic)) === 5n);
      assert.deepEqual(seen, [1, 2, 3, 4, 5]);
      assert.equal(await topicSize(suite.bus, dlq), 0, 'an outage never dead-letters');
      const metrics = await consumer.registry.metrics();
      assert.ok((sample(metrics, 'consumer_events_retried_total', { reason: 'unavailable' }) ?? 0) >= 3);
    });

    it('keeps order per key while handling keys in parallel', async () => {
      const { topic, group } = await setup(2);
      const seen: Seen[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const registry = new EventRegistry().on(Ping, async (event) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(event.data.n % 3);
        inFlight -= 1;
        seen.push({ ...event.data, partition: event.record.partition, offset: event.record.offset });
      });
      const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
      await suite.bus.produce(
        Array.from({ length: 300 }, (_, n) =>
          record(topic, keys[n % keys.length]!, envelope('ping', { n, key: keys[n % keys.length]! })),
        ),
      );
      await start(registry, { topic, groupId: group, concurrency: 4 });
      await waitFor('all handled', () => seen.length === 300);
      for (const key of keys) {
        const mine = seen.filter((s) => s.key === key).map((s) => s.n);
        assert.deepEqual(
          mine,
          mine.toSorted((a, b) => a - b),
          `order of ${key}`,
        );
      }
      assert.ok(maxInFlight > 1, `keys ran in parallel (max in flight ${maxInFlight})`);
      await waitForCommittedToEnd(suite.bus, group, topic);
    });

    it('on stop, finishes in-flight work, commits it, and abandons a hung handler uncommitted after the timeout', async () => {
      const { topic, group } = await setup();
      const seen: number[] = [];
      let release: (() => void) | undefined;
      const hung = new Promise<void>((resolve) => (release = resolve));
      const registry = new EventRegistry().on(Ping, async (event) => {
        if (event.data.n === 3) await hung;
        seen.push(event.data.n);
      });
      await suite.bus.produce([1, 2, 3, 4].map((n) => record(topic, 'k', envelope('ping', { n, key: 'k' }))));
      const consumer = await start(registry, { topic, groupId: group, shutdownTimeoutMs: 300 });
      await waitFor(
        '1 and 2 handled and committed while 3 hangs',
        async () => (await committed(group, topic)) === 2n,
      );
      // Handler 3 never returns: stop() resolves only because the shutdown timeout abandons it.
      await consumer.stop();
      assert.equal(await committed(group, topic), 2n, 'the hung record (offset 2) is not committed');
      release!();
      const again: number[] = [];
      const second = new EventRegistry().on(Ping, (event) => {
        again.push(event.data.n);
        return Promise.resolve();
      });
      await start(second, { topic, groupId: group });
      await waitFor('redelivered from the uncommitted record', () => again.length === 2);
      assert.deepEqual(again, [3, 4]);
    });

    it('on stop, lets the in-flight handler finish and commits it; records not started wait for the next run', async () => {
      const { topic, group } = await setup();
      const seen: number[] = [];
      let entered: (() => void) | undefined;
      const inFlight = new Promise<void>((resolve) => (entered = resolve));
      const registry = new EventRegistry().on(Ping, async (event) => {
        if (event.data.n === 3) {
          entered!();
          await sleep(300);
        }
        seen.push(event.data.n);
      });
      await suite.bus.produce(
        [1, 2, 3, 4, 5].map((n) => record(topic, 'k', envelope('ping', { n, key: 'k' }))),
      );
      const consumer = await start(registry, { topic, groupId: group, commitIntervalMs: 60_000 });
      await inFlight;
      await consumer.stop();
      assert.deepEqual(seen, [1, 2, 3], 'the in-flight record finished; no new record was started');
      assert.equal(await committed(group, topic), 3n, 'what was handled is committed on stop');
    });

    it('shares partitions in a group and hands them over on stop: every record handled, all committed', async () => {
      const { topic, group } = await setup(4);
      const handled = new Set<string>();
      const handler = async (event: { data: { n: number }; record: { partition: number } }) => {
        await sleep(2);
        handled.add(`${event.record.partition}:${event.data.n}`);
      };
      const count = 400;
      await suite.bus.produce(
        Array.from({ length: count }, (_, n) =>
          record(topic, `k${n % 16}`, envelope('ping', { n, key: `k${n % 16}` })),
        ),
      );
      const first = await start(new EventRegistry().on(Ping, handler), {
        topic,
        groupId: group,
        batchSize: 20,
      });
      await waitFor('first member under way', () => handled.size >= 20);
      const second = await start(new EventRegistry().on(Ping, handler), {
        topic,
        groupId: group,
        batchSize: 20,
      });
      await waitFor(
        'partitions shared',
        () => first.assignment().length + second.assignment().length === 4 && second.assignment().length > 0,
        15_000,
      );
      await first.stop();
      await waitFor('second member owns every partition', () => second.assignment().length === 4, 15_000);
      await waitForCommittedToEnd(suite.bus, group, topic, 30_000);
      assert.equal(handled.size, count, 'every record handled at least once');
    });

    it('reports assignment, lag and caught-up, and liveness of a hung handler', async () => {
      const { topic, group } = await setup(2);
      const assignments: TopicPartition[][] = [];
      const caughtUp: PartitionLag[][] = [];
      let hang = false;
      const registry = new EventRegistry().on(Ping, async () => {
        while (hang) await sleep(20);
      });
      await suite.bus.produce(
        Array.from({ length: 20 }, (_, n) => record(topic, `k${n}`, envelope('ping', { n, key: `k${n}` }))),
      );
      const consumer = await start(
        registry,
        { topic, groupId: group, livenessTimeoutMs: 300 },
        { onAssignment: (p) => assignments.push([...p]), onCaughtUp: (lag) => caughtUp.push([...lag]) },
      );
      await waitFor('caught up', () => caughtUp.length > 0);
      assert.deepEqual(
        assignments.at(-1)?.map((p) => p.partition),
        [0, 1],
      );
      assert.deepEqual(
        caughtUp.at(-1)?.map((l) => l.lag),
        [0n, 0n],
      );
      assert.deepEqual(
        (await consumer.lag()).map((l) => l.lag),
        [0n, 0n],
      );
      const metrics = await consumer.registry.metrics();
      assert.equal(sample(metrics, 'consumer_lag', { partition: '0' }), 0);
      assert.equal(sample(metrics, 'consumer_kafka_reader_stats', { stat: 'messages' }), 20);
      assert.equal(consumer.livenessProblem(), undefined);
      hang = true;
      await suite.bus.produce([record(topic, 'x', envelope('ping', { n: 99, key: 'x' }))]);
      await waitFor('liveness fails on the hung handler', () => consumer.livenessProblem(), 10_000);
      hang = false;
      await waitFor('live again', () => consumer.livenessProblem() === undefined, 10_000);
    });
  });
}
