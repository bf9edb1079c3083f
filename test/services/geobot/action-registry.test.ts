// The seed's HandlerFactory as a consumer-framework router: what it dead-letters and with which code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { BusRecord } from '../../../src/bus/index.ts';
import { ActionRegistry, defineAction } from '../../../src/services/geobot/index.ts';
import { silent } from '../../consumer/support.ts';

const Greet = defineAction('greet', Type.Object({ name: Type.String() }));

function record(value: string | null): BusRecord {
  return {
    topic: 't',
    partition: 0,
    offset: 7n,
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers: {},
    timestamp: 0,
  };
}

const envelope = (action: string, data: unknown) =>
  JSON.stringify({
    service: 's',
    action,
    payload: { message: 'm', timestamp: '2024-01-01T00:00:00Z', data },
  });

describe('ActionRegistry', () => {
  it('hands a valid envelope to its action handler, typed, with the record', async () => {
    const seen: string[] = [];
    const registry = new ActionRegistry().on(Greet, (e) => {
      seen.push(`${e.payload.data.name}@${e.record.offset}`);
      return Promise.resolve();
    });
    const decoded = registry.decode(record(envelope('greet', { name: 'ada' })));
    assert.ok(decoded.ok);
    await registry.handle(decoded.type, decoded.item, record(null), {
      signal: new AbortController().signal,
      attempt: 1,
      logger: silent,
    });
    assert.deepEqual(seen, ['ada@7']);
  });

  it('refuses what cannot be handled, with the code the dead letter carries', () => {
    const registry = new ActionRegistry().on(Greet, () => Promise.resolve());
    const cases: [string | null, string, RegExp][] = [
      [null, 'SF_INVALID_MESSAGE', /empty/],
      ['{"service"', 'SF_INVALID_MESSAGE', /not valid JSON/],
      [JSON.stringify({ service: 's', action: 'greet' }), 'SF_INVALID_MESSAGE', /payload/],
      [envelope('greet', { name: 5 }), 'SF_INVALID_MESSAGE', /payload\.data\.name/],
      [envelope('wave', {}), 'SF_UNKNOWN_ACTION', /unknown action "wave" on t \(handled: greet\)/],
    ];
    for (const [value, code, message] of cases) {
      const decoded = registry.decode(record(value));
      assert.ok(!decoded.ok, String(value));
      assert.equal(decoded.error.code, code, String(value));
      assert.match(decoded.error.message, message);
    }
  });

  it('refuses a second handler for one action', () => {
    const registry = new ActionRegistry().on(Greet, () => Promise.resolve());
    assert.throws(() => registry.on(Greet, () => Promise.resolve()), /already has a handler/);
  });
});
