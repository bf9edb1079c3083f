// A gnn_graph job end to end on the real broker and PostgreSQL: telemetry started → loading → finished
// with the graph's counts, the graph in the store; an empty input ends it `error` with
// SF_GRAPH_INPUT_TOO_SMALL naming the collection, and nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus } from '../../../src/bus/index.ts';
import { ErrorCodes } from '../../../src/protocol/index.ts';
import { createLogger, readJobConfig, type JobOutcome } from '../../../src/runtime/index.ts';
import {
  readGraph,
  readGraphBuilderOptions,
  runGraphBuilderService,
} from '../../../src/services/graph-builder/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { collectTelemetry, isolatedQueue } from '../../support/market-jobs.ts';
import { countRows, testDatabaseUrl } from '../../support/postgres.ts';
import { dropCollections, makeMarket, storeMarket, uniqueName } from './market.ts';

describe('graph-builder gnn_graph job', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;
  let db: PostgresClient;
  const names = { candles: uniqueName('job_candles'), trades: uniqueName('job_trades') };
  const empty = uniqueName('job_empty');
  const outputs = [uniqueName('job_graph'), uniqueName('job_nograph')];

  before(async () => {
    backends = await TestBackends.open();
    ({ bus, db } = backends);
    backends.defer(() => dropCollections(db, [names.candles, names.trades, empty], outputs));
    await storeMarket(db, makeMarket(200, { tradesPerWindow: 5 }), names);
    await storeMarket(db, { candles: [], trades: [] }, { candles: empty });
  });
  after(() => backends.close());

  async function runJob(
    inputs: string,
    output: string,
  ): Promise<[JobOutcome, Awaited<ReturnType<typeof collectTelemetry>>]> {
    const queue = await isolatedQueue(bus, 'graph-job');
    const env = {
      ...queue.env,
      ...testKafka().env,
      TARGET: 'graph-builder',
      TYPE: 'gnn_graph',
      DATABASE_URL: testDatabaseUrl,
      COLLECTION_INPUTS: inputs,
      COLLECTION_OUTPUT: output,
      GRAPH_READ_CHUNK: '50',
      LOADING_INTERVAL_SECONDS: '0.05',
    };
    const telemetry = await collectTelemetry(bus, queue.events);
    const outcome = await runGraphBuilderService({
      config: readJobConfig(env, 'graph-builder', 0),
      options: readGraphBuilderOptions(env),
      bus,
      logger: createLogger({ service: 'graph-builder', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      http: false,
      handleSignals: false,
    });
    await telemetry.close();
    return [outcome, telemetry];
  }

  it('builds and stores the graph, reporting progress and the graph’s counts', async () => {
    const [outcome, telemetry] = await runJob(`${names.candles}, ${names.trades}`, outputs[0]!);
    assert.equal(outcome.state, 'finished', outcome.error);
    const loading = telemetry.ofTarget('graph-builder', 'loading');
    assert.ok(
      loading.some((e) => /^writing /.test(e.message ?? '')),
      'a loading event before the write',
    );
    const [finished] = telemetry.ofTarget('graph-builder', 'finished');
    assert.equal(finished?.records_written, 200);
    assert.match(finished?.message ?? '', /200 nodes, \d+ edges, density .*components, \d+ communities/);
    const graph = await readGraph(db, outputs[0]!);
    assert.equal(graph.openTimes.length, 200);
  });

  it('ends with SF_GRAPH_INPUT_TOO_SMALL on an empty collection and writes nothing', async () => {
    const [outcome, telemetry] = await runJob(empty, outputs[1]!);
    assert.equal(outcome.state, 'failed');
    const [error] = telemetry.ofTarget('graph-builder', 'error');
    assert.equal(error?.error_code, ErrorCodes.GRAPH_INPUT_TOO_SMALL);
    assert.match(error?.error_message ?? '', new RegExp(`"${empty}" is empty`));
    assert.equal(await countRows(db, `${outputs[1]}_nodes`), 0);
  });
});
