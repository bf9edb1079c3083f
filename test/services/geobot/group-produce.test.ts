// The gateway's group commit on the in-memory bus: concurrent records share produce calls, keep their
// order, and each promise settles with the call that carried its record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus, type OutgoingRecord } from '../../../src/bus/index.ts';
import { GroupProduce } from '../../../src/services/geobot/gateway/group-produce.ts';
import { readTopic } from '../../consumer/support.ts';

describe('GroupProduce', () => {
  it('sends records that arrive during a call together in the next one, in order', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ name: 'g' }]);
    const calls: number[] = [];
    const group = new GroupProduce(bus, (n) => calls.push(n));
    await Promise.all(Array.from({ length: 50 }, (_, i) => group.produce({ topic: 'g', value: String(i) })));
    const records = await readTopic(bus, 'g', 50);
    assert.deepEqual(
      records.map((r) => Number(r.value?.toString())),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.equal(calls[0], 1, 'the first record goes at once, alone');
    assert.equal(
      calls.reduce((a, b) => a + b, 0),
      50,
    );
    assert.ok(calls.length < 50, `grouped into ${calls.length} calls`);
    await bus.close();
  });

  it('rejects every record of a failed call and goes on with the next', async () => {
    const bus = new MemoryBus();
    await bus.createTopics([{ name: 'g' }]);
    const group = new GroupProduce(bus);
    // A record for a topic the bus does not have fails its call: the record beside it fails too
    // (not written), and a record after that call is written.
    const first = group.produce({ topic: 'g', value: 'first' });
    const bad = group.produce({ topic: 'missing', value: 'x' });
    const beside = group.produce({ topic: 'g', value: 'beside' });
    await first;
    await assert.rejects(bad, /missing/);
    await assert.rejects(beside, /missing/);
    await group.produce({ topic: 'g', value: 'after' } satisfies OutgoingRecord);
    const values = (await readTopic(bus, 'g', 2)).map((r) => r.value?.toString());
    assert.deepEqual(values, ['first', 'after']);
    await bus.close();
  });
});
