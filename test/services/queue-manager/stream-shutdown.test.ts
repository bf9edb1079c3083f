// Open Server-Sent Event streams (a dashboard tab) must not keep the manager from closing: before,
// `streamforge up` waited on them forever after Ctrl-C.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { InlineLauncher } from '../../../src/launcher/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { api, startManager, testConfig } from './harness.ts';

/** Reads a stream until it ends; resolves with whether it ended (rather than being aborted). */
async function openStream(url: string): Promise<{ ended: Promise<boolean>; firstChunk: Promise<void> }> {
  const res = await fetch(url, { headers: { accept: 'text/event-stream' } });
  assert.equal(res.status, 200);
  let first!: () => void;
  const firstChunk = new Promise<void>((resolve) => (first = resolve));
  const ended = (async () => {
    try {
      for await (const _chunk of res.body!) first();
      return true;
    } catch {
      return false;
    }
  })();
  return { ended, firstChunk };
}

describe('closing the manager with streams open', () => {
  it('ends the list stream and a running queue’s event stream, and closes promptly', async () => {
    const sql = await PGliteClient.open();
    const bus = new MemoryBus();
    const config = testConfig({ SIMULATED_JOB_SECONDS: '120' });
    const catalog = createJobCatalog({ simulation: config.simulation });
    const launcher = new InlineLauncher({
      bus,
      catalog,
      logger: createLogger({ service: 'job', level: 'silent' }),
    });
    const manager = await startManager({ config, sql, bus, launcher, catalog });
    try {
      const http = api(manager);
      const started = await http.post('/queues/start', {
        symbol: 'ETHUSDT',
        time_range: '2024-06-01:2024-06-01',
        requests: [{ target: 'gnn-trainer', type: 'gnn_train', graph_collection: 'g', model_output: 'm' }],
      });
      assert.equal(started.status, 201);
      const list = await openStream(`${http.base}/streams/queues`);
      const events = await openStream(`${http.base}/queues/${started.body.queue_id}/events?stream=true`);
      await Promise.all([list.firstChunk, events.firstChunk]);
      const closing = manager.close();
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), 20_000).unref(),
      );
      assert.equal(await Promise.race([closing.then(() => 'closed'), timeout]), 'closed');
      assert.equal(await list.ended, true);
      assert.equal(await events.ended, true);
    } finally {
      await bus.close();
      await sql.close();
    }
  });
});
