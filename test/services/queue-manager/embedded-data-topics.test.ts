// Embedded mode (issue 12 item 9): the memory bus holds a data topic's records in the process, so the
// manager deletes an ended queue's data topics once their jobs all finished; a topic a stopped job
// could still need on a retry stays. Real parts: PGlite, the memory bus, the real synthetic loader and
// connector run in-process, the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { InlineLauncher } from '../../../src/launcher/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { waitFor } from '../../support/wait.ts';
import { api, startManager, testConfig } from './harness.ts';

describe('queue manager, embedded: data topics of ended queues are released', () => {
  const bus = new MemoryBus({ releaseConsumed: true });
  const config = testConfig();
  let sql: PGliteClient;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  const status = (id: string, wanted: string) =>
    waitFor(
      `queue ${id} ${wanted}`,
      async () => {
        const { body } = await http.get(`/queues/${id}`);
        return body.status === wanted ? body : undefined;
      },
      30_000,
    );

  before(async () => {
    sql = await PGliteClient.open();
    const catalog = createJobCatalog({ simulation: config.simulation, workers: { env: {}, store: sql } });
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

  it('deletes the data topic of a finished queue, keeps queue-control and queue-events', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-10',
      requests: [
        { target: 'loader-producer', type: 'synthetic_candles_1h' },
        { target: 'arango-connector', type: 'synthetic_candles_1h' },
      ],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const topic = started.body.jobs[0]!.topic;
    const done = await status(started.body.queue_id, 'finished');
    assert.equal(done.jobs[1]!.records_written, 240, 'ten days of hourly candles went through the topic');
    await waitFor('the data topic released', async () => !(await bus.listTopics()).includes(topic));
    assert.equal(bus.topicStats(topic), undefined, 'its records are gone from the bus');
    const topics = await bus.listTopics();
    assert.ok(topics.includes(config.controlTopic) && topics.includes(config.eventsTopic));
    // Folded telemetry is released too: what the manager committed is no longer held.
    assert.ok(bus.topicStats(config.eventsTopic)!.released > 0, 'queue-events keeps only what is unfolded');
  });

  it('keeps the data topic of a stopped queue, whose jobs a retry could run again', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'ETHUSDT',
      time_range: '2024-06-01:2024-06-01',
      // A streaming job (the real visualizer, waiting for a graph nobody writes) runs until stopped.
      requests: [{ target: 'visualizer', type: 'graph_metrics_stream', source: 'btc_graph' }],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.queue_id;
    const topic = started.body.jobs[0]!.topic;
    await waitFor(
      'the job running',
      async () => (await http.get(`/queues/${id}`)).body.jobs[0]!.status === 'running',
    );
    assert.equal((await http.post(`/queues/${id}/stop`)).status, 202);
    await status(id, 'stopped');
    // Give the releaser every chance to (wrongly) act: the job's task exits and its status is folded.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok((await bus.listTopics()).includes(topic), 'a stopped queue keeps its data topic');
  });
});
