// patches/@platformatic+kafka+2.12.1.patch builds the consumer's per-message diagnostics context only
// when someone subscribed to it. Subscribed, every message must still be traced with its own context.
import assert from 'node:assert/strict';
import { tracingChannel } from 'node:diagnostics_channel';
import { describe, it } from 'node:test';
import { KafkaBus } from '../../../src/bus/index.ts';
import { createUniqueTopic, kafkaSkipReason, testKafka } from '../../support/kafka.ts';

describe('consumer receive tracing (patched @platformatic/kafka)', { skip: kafkaSkipReason }, () => {
  it('publishes one context per message, carrying that message, while subscribed', async () => {
    const bus = new KafkaBus(testKafka().options);
    const traced: { operationId: bigint; raw: { value: Buffer }; result?: { offset: bigint } }[] = [];
    const start = (context: unknown): void => void traced.push(context as (typeof traced)[number]);
    const receives = tracingChannel('plt:kafka:consumer:receives');
    receives.start.subscribe(start);
    try {
      const topic = await createUniqueTopic(bus, 'receive-tracing');
      await bus.produce(['a', 'b', 'c'].map((value) => ({ topic, key: value, value })));
      const subscription = await bus.subscribe({ topics: [topic], from: 'earliest' });
      const received = [];
      while (received.length < 3) received.push(...(await subscription.poll({ maxWaitMs: 5000 })));
      await subscription.close();
      const ours = traced.filter((c) => ['a', 'b', 'c'].includes(c.raw.value.toString()));
      assert.deepEqual(
        ours.map((c) => c.raw.value.toString()),
        ['a', 'b', 'c'],
      );
      assert.equal(new Set(ours).size, 3, 'a context of its own per message');
      assert.deepEqual(
        ours.map((c) => c.result?.offset),
        [0n, 1n, 2n],
      );
    } finally {
      receives.start.unsubscribe(start);
      await bus.close();
    }
  });
});
