import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCommand, isAddressedTo, parseCommand } from '../../src/protocol/index.ts';

const job = {
  queueId: 'wf-btcusdt-api_candles_1m-20240801-abc123',
  telemetryId: 'loader-producer__k3v9qa',
  target: 'loader-producer',
};

describe('commands', () => {
  it('parses the wire format of DESIGN.md and keeps unknown fields', () => {
    const parsed = parseCommand(
      '{"command":"ping","queue_id":"wf-btcusdt-api_candles_1m-20240801-abc123","sent_at":1754202651.997,"command_id":"c1","extra":1}',
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.value.command, 'ping');
    assert.equal(parsed.value.sent_at, 1754202651.997);
    assert.equal(parsed.value.command_id, 'c1');
  });

  it('returns a typed error for bad input, never throws', () => {
    for (const input of [
      null,
      Buffer.from([0xff, 0xfe]),
      '',
      '{',
      '[]',
      '{"command":"reboot","queue_id":"q"}',
      '{"command":"ping"}',
      '{"command":"ping","queue_id":""}',
    ]) {
      const parsed = parseCommand(input);
      assert.equal(parsed.ok, false, String(input));
      if (!parsed.ok) assert.equal(parsed.error.code, 'SF_INVALID_MESSAGE');
    }
  });

  it('names what is wrong', () => {
    const parsed = parseCommand('{"command":"ping","queue_id":7}');
    assert.ok(!parsed.ok);
    assert.match(parsed.error.message, /queue_id/);
  });

  it('addresses by queue, "*" and target', () => {
    assert.ok(isAddressedTo(createCommand('ping', job.queueId), job));
    assert.ok(isAddressedTo(createCommand('ping', '*'), job));
    assert.ok(!isAddressedTo(createCommand('ping', 'wf-other'), job));
    assert.ok(isAddressedTo(createCommand('stop', '*', { target: 'loader-producer' }), job));
    assert.ok(isAddressedTo(createCommand('stop', job.queueId, { target: job.telemetryId }), job));
    assert.ok(!isAddressedTo(createCommand('stop', job.queueId, { target: 'gnn-trainer' }), job));
  });

  it('creates commands with sent_at in Unix seconds and no undefined fields', () => {
    const command = createCommand('stop', 'q', { sentAt: 1.5 });
    assert.deepEqual(command, { command: 'stop', queue_id: 'q', sent_at: 1.5 });
    assert.ok(Math.abs(createCommand('ping', 'q').sent_at! - Date.now() / 1000) < 5);
  });
});
