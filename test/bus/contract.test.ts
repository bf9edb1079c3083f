// One contract, every bus: the in-memory bus must behave as Kafka does for everything StreamForge uses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus, BusRecord, Subscription } from '../../src/bus/index.ts';
import { busesUnderTest } from '../support/buses.ts';
import { uniqueName } from '../support/kafka.ts';

async function drain(subscription: Subscription, count: number, timeoutMs = 15_000): Promise<BusRecord[]> {
  const records: BusRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) {
    records.push(...(await subscription.poll({ maxWaitMs: 500 })));
  }
  return records;
}

const text = (b: Buffer | null): string | undefined => b?.toString('utf8');

for (const target of busesUnderTest()) {
  describe(`bus contract: ${target.name}`, { skip: target.skip }, () => {
    let bus: Bus;
    before(async () => {
      bus = target.create();
      await bus.connect();
    });
    after(() => bus.close());

    it('creates topics idempotently and lists them', async () => {
      const topic = uniqueName('contract-topics');
      await bus.createTopics([{ name: topic, partitions: 3 }]);
      await bus.createTopics([{ name: topic, partitions: 3 }]);
      assert.ok((await bus.listTopics()).includes(topic));
      assert.equal((await bus.endOffsets(topic)).size, 3);
      await bus.deleteTopics([topic]);
    });

    it('round-trips key, value and headers; one key keeps one partition, in order', async () => {
      const topic = uniqueName('contract-produce');
      await bus.createTopics([{ name: topic, partitions: 3 }]);
      const sub = await bus.subscribe({ topics: [topic], from: 'earliest' });
      await bus.produce(
        Array.from({ length: 20 }, (_, i) => ({
          topic,
          key: i % 2 === 0 ? 'even' : 'odd',
          value: JSON.stringify({ i }),
          headers: { 'x-seq': String(i) },
        })),
      );
      const records = await drain(sub, 20);
      assert.equal(records.length, 20);
      for (const key of ['even', 'odd']) {
        const mine = records.filter((r) => text(r.key) === key);
        assert.equal(new Set(mine.map((r) => r.partition)).size, 1, `${key} stayed on one partition`);
        const seq = mine.map((r) => (JSON.parse(text(r.value)!) as { i: number }).i);
        assert.deepEqual(
          seq,
          seq.toSorted((a, b) => a - b),
        );
        assert.equal(mine[0]!.headers['x-seq'], String(seq[0]));
      }
      await sub.close();
      await bus.deleteTopics([topic]);
    });

    it('reads from latest: only what is produced after subscribing', async () => {
      const topic = uniqueName('contract-latest');
      await bus.createTopics([{ name: topic }]);
      await bus.produce([{ topic, key: 'k', value: 'old' }]);
      const end = await bus.endOffsets(topic);
      const sub = await bus.subscribe({
        topics: [topic],
        from: [...end].map(([partition, offset]) => ({ topic, partition, offset })),
      });
      await bus.produce([{ topic, key: 'k', value: 'new' }]);
      const records = await drain(sub, 1);
      assert.deepEqual(
        records.map((r) => text(r.value)),
        ['new'],
      );
      assert.equal(records[0]!.offset, 1n);
      await sub.close();
      await bus.deleteTopics([topic]);
    });

    it('a group resumes from its committed position; end offsets and lag agree', async () => {
      const topic = uniqueName('contract-group');
      const groupId = uniqueName('contract-group');
      await bus.createTopics([{ name: topic }]);
      await bus.produce(Array.from({ length: 10 }, (_, i) => ({ topic, key: 'k', value: String(i) })));
      const first = await bus.subscribe({ topics: [topic], groupId, from: 'earliest' });
      const firstRead = await drain(first, 10);
      assert.equal(firstRead.length, 10);
      // Commit only the first four: the next member must start at offset 4.
      await first.commit([{ topic, partition: 0, offset: 4n }]);
      assert.deepEqual([...(await bus.committedOffsets(groupId, topic))], [[0, 4n]]);
      assert.deepEqual([...(await bus.lag(groupId, topic))], [[0, 6n]]);
      await first.close();

      const second = await bus.subscribe({ topics: [topic], groupId, from: 'earliest' });
      const resumed = await drain(second, 6);
      assert.deepEqual(
        resumed.map((r) => text(r.value)),
        ['4', '5', '6', '7', '8', '9'],
      );
      await second.commit([{ topic, partition: 0, offset: 10n }]);
      assert.deepEqual([...(await bus.lag(groupId, topic))], [[0, 0n]]);
      assert.deepEqual([...(await bus.endOffsets(topic))], [[0, 10n]]);
      await second.close();
      await bus.deleteTopics([topic]);
    });

    it('subscriptions without a group each receive every record', async () => {
      const topic = uniqueName('contract-fanout');
      await bus.createTopics([{ name: topic, partitions: 2 }]);
      const a = await bus.subscribe({ topics: [topic], from: 'earliest' });
      const b = await bus.subscribe({ topics: [topic], from: 'earliest' });
      await bus.produce(Array.from({ length: 6 }, (_, i) => ({ topic, key: `k${i}`, value: String(i) })));
      assert.equal((await drain(a, 6)).length, 6);
      assert.equal((await drain(b, 6)).length, 6);
      await Promise.all([a.close(), b.close()]);
      await bus.deleteTopics([topic]);
    });

    it('poll returns [] after maxWaitMs when nothing arrives', async () => {
      const topic = uniqueName('contract-empty');
      await bus.createTopics([{ name: topic }]);
      const sub = await bus.subscribe({ topics: [topic], from: 'earliest' });
      assert.deepEqual(await sub.poll({ maxWaitMs: 200 }), []);
      await sub.close();
      await bus.deleteTopics([topic]);
    });

    it('takes one produce of 1.5 MB for a single partition, over Kafka’s 1 MiB batch limit', async () => {
      const topic = uniqueName('contract-large');
      await bus.createTopics([{ name: topic }]);
      await bus.produce(
        Array.from({ length: 3000 }, (_, i) => ({ topic, key: `k${i}`, value: 'v'.repeat(500) })),
      );
      assert.deepEqual([...(await bus.endOffsets(topic))], [[0, 3000n]]);
      await bus.deleteTopics([topic]);
    });

    it('producing to a topic that does not exist fails', async () => {
      await assert.rejects(bus.produce([{ topic: uniqueName('contract-missing'), value: 'x' }]));
    });
  });
}
