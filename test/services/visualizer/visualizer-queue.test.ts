// The visualizer as `streamforge up` runs it: inline under the manager, on PGlite and the memory bus. A
// queue's visualizer follows a graph written with graph-builder's writeGraph, and its metrics reach the
// dashboard through the queue's event stream (SSE) and the job's last event.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { InlineLauncher } from '../../../src/launcher/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { writeFixtureGraph } from '../../support/graph-fixture.ts';
import { waitFor } from '../../support/wait.ts';
import { api, startManager, testConfig } from '../queue-manager/harness.ts';

/** The first `telemetry` event of an SSE stream whose payload satisfies `wanted`. */
async function firstTelemetry(
  url: string,
  wanted: (payload: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('no such event within 30 s')), 30_000);
  try {
    const res = await fetch(url, { signal: abort.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    let buffer = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let at: number;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (!/^event: telemetry$/m.test(block)) continue;
        const event = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { payload: Record<string, unknown> };
        if (wanted(event.payload)) return event.payload;
      }
    }
    throw new Error('the stream ended first');
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

describe('visualizer under the embedded manager (inline launcher)', () => {
  const bus = new MemoryBus({ releaseConsumed: true });
  const config = testConfig();
  let sql: PGliteClient;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  before(async () => {
    sql = await PGliteClient.open();
    await writeFixtureGraph(sql, 'btc_graph_viz');
    const catalog = createJobCatalog({
      simulation: config.simulation,
      workers: { env: { VISUALIZER_POLL_SECONDS: '0.2' }, store: sql },
    });
    const launcher = new InlineLauncher({
      bus,
      catalog,
      logger: createLogger({ service: 'job', level: 'silent' }),
      stopGraceMs: 2000,
    });
    manager = await startManager({ config, sql, bus, launcher, catalog });
    http = api(manager);
  });
  after(async () => {
    await manager.close();
    await bus.close();
    await sql.close();
  });

  it('streams the metrics of the source graph in its loading events until stopped', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-01',
      requests: [{ target: 'visualizer', type: 'graph_metrics_stream', source: 'btc_graph_viz' }],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.queue_id;
    const payload = await firstTelemetry(
      `${http.base}/queues/${id}/events?stream=true`,
      (p) => p.event === 'loading' && p.graph_metrics !== undefined,
    );
    const metrics = payload.graph_metrics as Record<string, unknown>;
    assert.equal(metrics.kind, 'graph_metrics_stream');
    assert.equal(metrics.source, 'btc_graph_viz');
    assert.equal(metrics.queue_id, id);
    assert.equal(metrics.nodes, 24);
    assert.equal(payload.records_written, 24);
    // The queue view's job carries it too: the queue page links the job to the live graph page.
    const job = (await http.get(`/queues/${id}`)).body.jobs[0] as { last_event: Record<string, unknown> };
    assert.equal((job.last_event.graph_metrics as { nodes: number }).nodes, 24);

    assert.equal((await http.post(`/queues/${id}/stop`)).status, 202);
    await waitFor(
      'the queue stopped',
      async () => (await http.get(`/queues/${id}`)).body.status === 'stopped',
      30_000,
    );
  });
});
