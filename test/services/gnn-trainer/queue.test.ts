// gnn-trainer as the queue manager runs it: the catalogue with the real gnn-trainer definition (a graph
// reader standing in for graph-store), the inline launcher, the memory bus and the real PostgreSQL
// server. A seed-004-style gnn_train request on an existing graph collection ends `finished`, the model
// is in model_output, and the final telemetry carries the test accuracy and the baselines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { createGnnTrainerDefinition } from '../../../src/services/gnn-trainer/definition.ts';
import { loadLatestModel } from '../../../src/services/gnn-trainer/market/model-store.ts';
import type { GraphData } from '../../../src/services/graph-builder/graph-data.ts';
import { JOB_DEFINITIONS, createJobCatalog } from '../../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { openTestDatabase, testDatabaseUrl } from '../../support/postgres.ts';
import { waitFor } from '../../support/wait.ts';
import { api, startInlineManager, testConfig, testSchema } from '../queue-manager/harness.ts';
import { marketGraph } from './market-graphs.ts';

describe('a gnn_train queue', () => {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const graph = marketGraph({ nodes: 400, kind: 'regimes', collection: `btc_graph_queue_${suffix}` });
  const modelOutput = `gnn_model_queue_${suffix}`;
  const gnnTrainer = createGnnTrainerDefinition((_sql, collection) =>
    collection === graph.collection
      ? Promise.resolve<GraphData>(graph)
      : Promise.reject(new Error(`no graph ${collection}`)),
  );
  const definitions = JOB_DEFINITIONS.map((d) => (d.target === 'gnn-trainer' ? gnnTrainer : d));
  const bus = new MemoryBus();
  const config = testConfig();
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let data: PostgresClient;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    data = await openTestDatabase();
    const catalog = createJobCatalog({
      simulation: config.simulation,
      workers: { env: { DATABASE_URL: testDatabaseUrl, GNN_EPOCHS: '50' } },
      definitions,
    });
    manager = await startInlineManager({ config, sql, bus, catalog });
    http = api(manager);
  });

  after(async () => {
    await manager?.close();
    await sql?.close();
    await schema?.drop();
    await data
      ?.query(`delete from streamforge_models where model_output = $1`, [modelOutput])
      .catch(() => undefined);
    await data?.query(`drop table if exists "${modelOutput}"`);
    await data?.close();
    await bus.close();
  });

  it('finishes with the model saved and the scores in the final telemetry', async () => {
    const events: Record<string, unknown>[] = [];
    const consumer = await bus.subscribe({ topics: [config.eventsTopic], from: 'earliest' });
    const started = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-06-01:2024-06-30',
      requests: [
        {
          target: 'gnn-trainer',
          type: 'gnn_train',
          graph_collection: graph.collection,
          model_output: modelOutput,
        },
      ],
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    await waitFor(
      'the queue to finish',
      async () => {
        const { body } = await http.get(`/queues/${started.body.queue_id}`);
        return ['finished', 'error'].includes(String(body.status)) ? body : undefined;
      },
      60_000,
    );
    for (;;) {
      const records = await consumer.poll({ maxWaitMs: 200 });
      if (records.length === 0) break;
      for (const r of records) events.push(JSON.parse(String(r.value)) as Record<string, unknown>);
    }
    await consumer.close();
    const mine = events.filter((e) => e.queue_id === started.body.queue_id && e.target === 'gnn-trainer');
    const finished = mine.find((e) => e.event === 'finished');
    assert.ok(finished, `events: ${JSON.stringify(mine.map((e) => [e.event, e.message]))}`);
    assert.equal(typeof finished.test_accuracy, 'number');
    assert.equal(typeof finished.baseline_majority_accuracy, 'number');
    assert.equal(typeof finished.baseline_logistic_regression_accuracy, 'number');
    assert.ok(
      mine.some((e) => e.event === 'loading' && typeof e.val_loss === 'number'),
      'per-epoch loading events',
    );
    const model = await loadLatestModel(data, modelOutput, graph.collection);
    assert.equal(model.metrics.test.accuracy, finished.test_accuracy);
  });
});
