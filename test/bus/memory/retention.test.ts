// The in-memory bus's retention (issue 12 item 9): records every reader is done with are released,
// records someone still needs are kept, and deleting a topic frees it, counted by the bus's own stats.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';

const value = (i: number): string => JSON.stringify({ i, pad: 'x'.repeat(90) });

async function fill(bus: MemoryBus, topic: string, count: number): Promise<void> {
  await bus.createTopics([{ name: topic, partitions: 1 }]);
  await bus.produce(Array.from({ length: count }, (_, i) => ({ topic, key: 'k', value: value(i) })));
}

describe('memory bus retention', () => {
  const buses: MemoryBus[] = [];
  const open = (releaseConsumed: boolean): MemoryBus => {
    const bus = new MemoryBus({ releaseConsumed });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it('counts the records and bytes a topic holds', async () => {
    const bus = open(true);
    await fill(bus, 'data', 100);
    const stats = bus.topicStats('data');
    assert.equal(stats?.records, 100);
    // Key "k" and the value of each record.
    const bytes = Array.from({ length: 100 }, (_, i) => 1 + Buffer.byteLength(value(i))).reduce(
      (a, b) => a + b,
    );
    assert.equal(stats?.bytes, bytes);
    assert.equal(stats?.released, 0);
  });

  it('releases what a group committed, keeping the last committed record and everything after it', async () => {
    const bus = open(true);
    await fill(bus, 'data', 1000);
    const before = bus.topicStats('data')!;
    const reader = await bus.subscribe({ topics: ['data'], groupId: 'connector', from: 'earliest' });
    const read = await reader.poll({ maxRecords: 600 });
    assert.equal(read.length, 600);
    await reader.commit([{ topic: 'data', partition: 0, offset: 600n }]);
    const after = bus.topicStats('data')!;
    assert.equal(after.records, 401, 'offsets 599..999 kept');
    assert.equal(after.released, 599);
    assert.ok(after.bytes < before.bytes / 2, `${after.bytes} of ${before.bytes} bytes kept`);
    assert.equal(bus.startOffset('data', 0), 599n);
    // Offsets are unchanged: the reader goes on where it was, and the end is where it was.
    const rest = await reader.poll({ maxRecords: 1000 });
    assert.deepEqual(
      rest.map((r) => r.offset),
      Array.from({ length: 400 }, (_, i) => BigInt(600 + i)),
    );
    assert.equal((await bus.endOffsets('data')).get(0), 1000n);
    assert.equal((await bus.lag('connector', 'data')).get(0), 400n);
    // A reader restarting at its last committed record (the connector's recovery) still finds it.
    const recovery = await bus.subscribe({
      topics: ['data'],
      from: [{ topic: 'data', partition: 0, offset: 599n }],
    });
    assert.equal((await recovery.poll({ maxRecords: 1 }))[0]?.offset, 599n);
  });

  it('keeps records another group or an open reader has not consumed', async () => {
    const bus = open(true);
    await fill(bus, 'data', 500);
    const fast = await bus.subscribe({ topics: ['data'], groupId: 'fast', from: 'earliest' });
    const slow = await bus.subscribe({ topics: ['data'], groupId: 'slow', from: 'earliest' });
    assert.equal((await slow.poll({ maxRecords: 100 })).length, 100);
    assert.equal((await fast.poll({ maxRecords: 500 })).length, 500);
    await fast.commit([{ topic: 'data', partition: 0, offset: 500n }]);
    // Read but not committed: a member that replaced it would start over from the earliest record.
    assert.equal(bus.topicStats('data')?.records, 500, 'slow has committed nothing: all kept');
    const plain = await bus.subscribe({ topics: ['data'], from: 'earliest' });
    await slow.commit([{ topic: 'data', partition: 0, offset: 100n }]);
    assert.equal(bus.topicStats('data')?.records, 500, 'the plain reader has read nothing: all kept');
    assert.equal((await plain.poll({ maxRecords: 300 })).length, 300);
    await slow.commit([{ topic: 'data', partition: 0, offset: 100n }]);
    assert.equal(bus.topicStats('data')?.records, 401, 'below the slowest group (100) only');
    const rest = await slow.poll({ maxRecords: 1000 });
    assert.equal(rest.length, 400, 'the slow group still reads every record it has not consumed');
    assert.equal(rest[0]?.offset, 100n);
  });

  it('keeps everything without releaseConsumed (the default: a later reader finds it all)', async () => {
    const bus = open(false);
    await fill(bus, 'data', 300);
    const reader = await bus.subscribe({ topics: ['data'], groupId: 'g', from: 'earliest' });
    await reader.poll({ maxRecords: 300 });
    await reader.commit([{ topic: 'data', partition: 0, offset: 300n }]);
    assert.equal(bus.topicStats('data')?.records, 300);
    const later = await bus.subscribe({ topics: ['data'], groupId: 'later', from: 'earliest' });
    assert.equal((await later.poll({ maxRecords: 1000 })).length, 300);
  });

  it('deleting a topic frees its records and the groups committed on it', async () => {
    const bus = open(true);
    await fill(bus, 'data', 200);
    const reader = await bus.subscribe({ topics: ['data'], groupId: 'g', from: 'earliest' });
    await reader.poll({ maxRecords: 50 });
    await reader.commit([{ topic: 'data', partition: 0, offset: 50n }]);
    await reader.close();
    await bus.deleteTopics(['data']);
    assert.equal(bus.topicStats('data'), undefined);
    assert.ok(!(await bus.listTopics()).includes('data'));
    await fill(bus, 'data', 10);
    assert.equal((await bus.committedOffsets('g', 'data')).size, 0, 'a topic created again starts afresh');
  });
});
