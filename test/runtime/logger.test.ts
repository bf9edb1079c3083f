import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/runtime/index.ts';

describe('logger', () => {
  it('writes one JSON object per line with time, level word, service and base fields; secrets redacted', async () => {
    const destination = new PassThrough();
    const lines: string[] = [];
    destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ service: 'dummy-service', base: { queue_id: 'q1' }, destination });
    logger.info({ kafka: { user: 'u', password: 'hunter2' }, password: 'hunter2' }, 'connected');
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.service, 'dummy-service');
    assert.equal(line.queue_id, 'q1');
    assert.equal(line.msg, 'connected');
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
    assert.ok(!lines[0]!.includes('hunter2'));
  });
});
