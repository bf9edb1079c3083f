// KafkaBus cuts a produce into calls the broker accepts (test/bus/contract.test.ts sends one over the limit).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitIntoProduceCalls } from '../../../src/bus/kafka/produce-calls.ts';

const message = (partition: number | undefined, bytes: number) => ({
  key: Buffer.from('k'),
  value: Buffer.alloc(bytes - 1),
  partition,
});

describe('splitIntoProduceCalls', () => {
  it('keeps every partition of a call within the byte limit, in order, losing nothing', () => {
    const messages = Array.from({ length: 100 }, (_, i) => message(i % 2, 100));
    const calls = splitIntoProduceCalls(messages, 1000);
    assert.deepEqual(calls.flat(), messages);
    for (const call of calls) {
      for (const partition of [0, 1]) {
        const bytes = call.filter((m) => m.partition === partition).length * (100 + 24);
        assert.ok(bytes <= 1000, `${bytes} bytes for partition ${partition} in one call`);
      }
    }
    assert.equal(calls.length, Math.ceil(50 / Math.floor(1000 / 124)));
  });

  it('counts messages whose partition the client chooses together, headers included', () => {
    const headers = new Map([[Buffer.from('h'), Buffer.alloc(99)]]);
    const messages = Array.from({ length: 10 }, () => ({ ...message(undefined, 100), headers }));
    assert.deepEqual(
      splitIntoProduceCalls(messages, 1000).map((c) => c.length),
      [4, 4, 2],
    );
  });

  it('sends a message larger than the limit alone rather than dropping it', () => {
    const calls = splitIntoProduceCalls([message(0, 10), message(0, 5000), message(0, 10)], 1000);
    assert.deepEqual(
      calls.map((c) => c.length),
      [1, 1, 1],
    );
  });
});
