import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTelemetry, parseTelemetry } from '../../src/protocol/index.ts';

const job = {
  queueId: 'q1',
  telemetryId: 'loader-producer__k3v9qa',
  target: 'loader-producer',
  symbol: 'BTCUSDT',
  type: 'api_candles_5m',
};

describe('telemetry', () => {
  it('carries event and status, telemetry_id and producer, and finished only on terminal events', () => {
    const loading = createTelemetry('loading', job, {
      sent_at: 1,
      records_written: 15000,
      records_total: 43200,
    });
    assert.deepEqual(loading, {
      event: 'loading',
      status: 'loading',
      queue_id: 'q1',
      telemetry_id: job.telemetryId,
      producer: job.telemetryId,
      target: 'loader-producer',
      symbol: 'BTCUSDT',
      type: 'api_candles_5m',
      finished: false,
      sent_at: 1,
      records_written: 15000,
      records_total: 43200,
    });
    for (const event of ['finished', 'error', 'interrupted'] as const) {
      assert.equal(createTelemetry(event, job, { sent_at: 1 }).finished, true);
    }
    assert.equal(createTelemetry('pong', job, { sent_at: 1 }).finished, false);
  });

  it('round-trips through JSON and rejects what the manager could not use', () => {
    const event = createTelemetry('error', job, {
      sent_at: 2,
      error_message: 'boom',
      error_code: 'SF_JOB_FAILED',
    });
    const parsed = parseTelemetry(JSON.stringify(event));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, event);
    assert.equal(
      parseTelemetry('{"event":"exploded","queue_id":"q","telemetry_id":"t","sent_at":1}').ok,
      false,
    );
    assert.equal(parseTelemetry('{"event":"pong","queue_id":"q","telemetry_id":"t"}').ok, false);
    assert.equal(
      parseTelemetry('{"event":"loading","queue_id":"q","telemetry_id":"t","sent_at":1,"records_written":-1}')
        .ok,
      false,
    );
  });
});
