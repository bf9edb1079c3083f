// graph-builder as a job of a queue, from its definition and catalogue line: the queue manager plans it
// after the connector, resolves seed 004's input name to the connector's collection, runs the real
// loader, connector and graph-builder in-process, and the graph is in the store; a range too short for
// a graph fails the job with SF_GRAPH_INPUT_TOO_SMALL. Its CLI command is listed with its help.
// Real parts: the queue manager's HTTP API, PostgreSQL (a schema of its own), the memory bus.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { jobCommandEntries } from '../../../src/cli/job-commands.ts';
import { readGraph, readGraphSummary } from '../../../src/services/graph-builder/index.ts';
import { JOB_DEFINITIONS, createJobCatalog } from '../../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { waitFor } from '../../support/wait.ts';
import { api, startInlineManager, testConfig, testSchema } from '../queue-manager/harness.ts';

interface JobView {
  target: string;
  status: string;
  records_written: number;
  collection: string;
  error?: { code: string; message: string };
  inputs?: { name: string; resolved_collection: string }[];
}

describe('graph-builder in a queue', () => {
  const bus = new MemoryBus();
  const config = testConfig();
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    // The jobs open their own connections, into the test's schema, as they would with DATABASE_URL.
    const catalog = createJobCatalog({
      simulation: config.simulation,
      workers: { env: { DATABASE_URL: schema.url } },
    });
    manager = await startInlineManager({ config, sql, bus, catalog });
    http = api(manager);
  });
  after(async () => {
    await manager?.close();
    await sql?.close();
    await schema?.drop();
    await bus.close();
  });

  const ended = (id: string) =>
    waitFor(
      `queue ${id} to end`,
      async () => {
        const { body } = await http.get(`/queues/${id}`);
        return ['finished', 'failed'].includes(body.status) ? body : undefined;
      },
      60_000,
    );

  it('builds the graph of the candles its connector wrote', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-03',
      requests: [
        { target: 'loader-producer', type: 'synthetic_candles_1h' },
        { target: 'arango-connector', type: 'synthetic_candles_1h' },
        {
          target: 'graph-builder',
          type: 'gnn_graph',
          collection_inputs: ['btc_candles_1h_2024_06'],
          collection_output: 'btc_graph_2024_06',
        },
      ],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const done = await ended(started.body.queue_id);
    const jobs = done.jobs as JobView[];
    assert.equal(done.status, 'finished', JSON.stringify(jobs.map((j) => j.error)));
    const graphJob = jobs[2]!;
    assert.equal(graphJob.inputs?.[0]?.resolved_collection, jobs[1]!.collection);
    assert.equal(graphJob.records_written, 72, 'three days of hourly windows');
    const graph = await readGraph(sql, 'btc_graph_2024_06');
    assert.equal(graph.openTimes.length, 72);
    assert.equal(graph.interval, '1h');
    assert.equal((await readGraphSummary(sql, 'btc_graph_2024_06')).summary.time_edges, 71);
  });

  it('fails the job with SF_GRAPH_INPUT_TOO_SMALL when the range is too short for a graph', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'ETHUSDT',
      time_range: '2024-06-01:2024-06-01',
      requests: [
        { target: 'loader-producer', type: 'synthetic_candles_1h' },
        { target: 'arango-connector', type: 'synthetic_candles_1h' },
        { target: 'graph-builder', type: 'gnn_graph', collection_inputs: ['eth_candles_1h_2024_06'] },
      ],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const done = await ended(started.body.queue_id);
    const graphJob = (done.jobs as JobView[])[2]!;
    assert.equal(graphJob.status, 'failed');
    assert.equal(graphJob.error?.code, 'SF_GRAPH_INPUT_TOO_SMALL', graphJob.error?.message);
    assert.match(graphJob.error?.message ?? '', /holds 24 candle windows: a graph needs at least 32/);
  });

  it('is a CLI command, streamforge graph-builder, with its help', async () => {
    const entry = jobCommandEntries(JOB_DEFINITIONS).find((e) => e.name === 'graph-builder');
    assert.ok(entry, 'listed among the job commands');
    const command = await entry.load();
    assert.match(command.help, /^Usage: streamforge graph-builder/);
    assert.match(command.help, /GRAPH_K \(5\), GRAPH_LOOKBACK \(288\)/);
  });
});
