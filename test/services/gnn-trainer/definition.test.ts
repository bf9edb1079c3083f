// The gnn-trainer job definition end to end below the runner: options from the environment a launcher
// gives (jobEnvironment's names), the work on the real PostgreSQL server and the memory bus, a graph
// reader standing in for graph-builder's graph-store (built in memory, as graph-builder hands it over).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { ruleOf } from '../../../src/launcher/job-definition.ts';
import type { JobContext, JobProgress } from '../../../src/runtime/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { createGnnTrainerDefinition } from '../../../src/services/gnn-trainer/definition.ts';
import type { GnnTrainerOptions } from '../../../src/services/gnn-trainer/options.ts';
import { loadLatestModel } from '../../../src/services/gnn-trainer/market/model-store.ts';
import type { GraphData } from '../../../src/services/graph-builder/graph-data.ts';
import { countRows, openTestDatabase, testDatabaseUrl } from '../../support/postgres.ts';
import { marketGraph } from './market-graphs.ts';

describe('gnn-trainer job definition', () => {
  let sql: PostgresClient;
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const graph = marketGraph({ nodes: 300, kind: 'regimes', collection: `btc_graph_def_${suffix}` });
  const modelOutput = `gnn_model_def_${suffix}`;
  const predictions = `${graph.collection}_predictions`;
  const definition = createGnnTrainerDefinition((_sql, collection) =>
    collection === graph.collection
      ? Promise.resolve<GraphData>(graph)
      : Promise.reject(new Error(`no ${collection}`)),
  );

  const context = (bus: MemoryBus, signal: AbortSignal, reports: JobProgress[]): JobContext =>
    ({
      signal,
      bus,
      report: (progress: JobProgress) => {
        reports.push(progress);
        return Promise.resolve();
      },
      addReadinessCheck: () => undefined,
      onPing: () => undefined,
    }) as unknown as JobContext;

  before(async () => {
    sql = await openTestDatabase();
  });
  after(async () => {
    await sql
      .query(`delete from streamforge_models where model_output = $1`, [modelOutput])
      .catch(() => undefined);
    await sql.query(`drop table if exists "${modelOutput}"`);
    await sql.query(`drop table if exists "${predictions}"`);
    await sql.close();
  });

  it('declares the seed 004 types and fields', () => {
    assert.equal(definition.target, 'gnn-trainer');
    assert.equal(ruleOf(definition, 'gnn_train')?.streaming, false);
    assert.equal(ruleOf(definition, 'realtime_gnn_infer')?.streaming, true);
    assert.deepEqual(Object.keys(definition.fields).sort(), [
      'graph_collection',
      'inference_interval',
      'model_output',
    ]);
    assert.equal(definition.worker?.cli.command, 'gnn-trainer');
  });

  it('gnn_train then realtime_gnn_infer, as a queue would run them', async () => {
    const worker = definition.worker!;
    const bus = new MemoryBus();
    const trainReports: JobProgress[] = [];
    const env = {
      GRAPH_COLLECTION: graph.collection,
      MODEL_OUTPUT: modelOutput,
      DATABASE_URL: testDatabaseUrl,
    };
    const train = worker.readOptions({
      ...env,
      TYPE: 'gnn_train',
      GNN_EPOCHS: '40',
      LOADING_INTERVAL_SECONDS: '0',
    });
    const outcome = (await worker.work(
      train,
      {},
    )(context(bus, new AbortController().signal, trainReports))) as JobProgress & Record<string, unknown>;
    assert.equal(typeof outcome.test_accuracy, 'number');
    assert.equal(trainReports.length, outcome.epochs_run);
    const model = await loadLatestModel(sql, modelOutput, graph.collection);
    assert.equal(model.metrics.test.accuracy, outcome.test_accuracy);

    // realtime_gnn_infer seed-style: no model_output, found through the registry; stopped after one tick.
    const controller = new AbortController();
    const inferReports: JobProgress[] = [];
    const infer = worker.readOptions({
      GRAPH_COLLECTION: graph.collection,
      DATABASE_URL: testDatabaseUrl,
      TYPE: 'realtime_gnn_infer',
      INFERENCE_INTERVAL: '1s',
      INFERENCE_MAX_NODES: '4',
      KAFKA_TOPIC: `wf-test-${suffix}.realtime_gnn_infer`,
    }) as GnnTrainerOptions;
    // The queue manager creates a job's data topic before the job starts.
    await bus.createTopics([{ name: infer.topic }]);
    const consumer = await bus.subscribe({ topics: [infer.topic], from: 'earliest' });
    const ctx = context(bus, controller.signal, inferReports);
    const reportOnce = ctx.report;
    const running = worker.work(
      infer,
      {},
    )({
      ...ctx,
      report: async (progress) => {
        await reportOnce(progress);
        controller.abort();
      },
    });
    const ended = await running;
    assert.equal(ended?.records_written, 4);
    assert.equal(await countRows(sql, predictions), 4);
    const records = await consumer.poll({ maxWaitMs: 2000 });
    assert.equal(records.length, 4);
    await consumer.close();
    await bus.close();
  });
});
