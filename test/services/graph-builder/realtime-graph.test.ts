// realtime_graph on the real broker and PostgreSQL: it follows the candle and trade collections as
// windows close (a clock the test moves), publishes the graph's metrics on its topic each time the
// graph grew, stores the graph, and ends `interrupted` when stopped; the graph it grew window by
// window is the graph the batch job builds from the same windows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus, Subscription } from '../../../src/bus/index.ts';
import { parseGraphMetricsMessage, type GraphMetricsMessage } from '../../../src/protocol/index.ts';
import { createLogger, readJobConfig, runJobService } from '../../../src/runtime/index.ts';
import {
  buildGraph,
  createRealtimeGraphWork,
  readGraph,
  readGraphBuilderOptions,
} from '../../../src/services/graph-builder/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { kafkaSkipReason, testKafka, uniqueName as uniqueQueue } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import { FIVE_MINUTES, T0, dropCollections, makeMarket, storeMarket, uniqueName } from './market.ts';

describe('realtime_graph', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;
  let db: PostgresClient;
  const names = { candles: uniqueName('rt_candles'), trades: uniqueName('rt_trades') };
  const output = uniqueName('rt_graph');

  before(async () => {
    backends = await TestBackends.open();
    ({ bus, db } = backends);
    backends.defer(() => dropCollections(db, [names.candles, names.trades], [output]));
  });
  after(() => backends.close());

  it('extends the graph as windows close and publishes its metrics', async () => {
    const market = makeMarket(50, { tradesPerWindow: 4, seed: 5 });
    const firstTrades = market.trades.filter((t) => t.time < T0 + 40 * FIVE_MINUTES);
    await storeMarket(db, { candles: market.candles.slice(0, 40), trades: firstTrades }, names);
    const topic = await backends.topic('graph-metrics');
    const queueId = uniqueQueue('rt');
    const options = readGraphBuilderOptions({
      COLLECTION_INPUTS: `${names.candles},${names.trades}`,
      COLLECTION_OUTPUT: output,
      GRAPH_K: '3',
      GRAPH_LOOKBACK: '20',
      GRAPH_POLL_SECONDS: '0.1',
      GRAPH_METRICS_SECONDS: '0.1',
      GRAPH_METRICS_TOPIC: topic,
    });
    let now = T0 + 30 * FIVE_MINUTES; // windows 0…29 have closed
    const subscription: Subscription = await bus.subscribe({ topics: [topic], from: 'earliest' });
    const messages: GraphMetricsMessage[] = [];
    const nodesSeen = (n: number) => async () => {
      for (const record of await subscription.poll({ maxWaitMs: 200 })) {
        const parsed = parseGraphMetricsMessage(record.value);
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
        assert.equal(record.key?.toString(), queueId);
        messages.push(parsed.value);
      }
      return messages.some((m) => m.summary.nodes === n);
    };
    const stop = new AbortController();
    const config = readJobConfig(
      { ...testKafka().env, TARGET: 'graph-builder', TYPE: 'realtime_graph', QUEUE_ID: queueId },
      'graph-builder',
      0,
    );
    const outcome = runJobService({
      service: 'graph-builder',
      config,
      bus,
      logger: createLogger({ service: 'graph-builder', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      http: false,
      handleSignals: false,
      signal: stop.signal,
      work: createRealtimeGraphWork(options, { sql: db, now: () => now, closeGraceMs: 0 }),
    });
    try {
      await waitFor('metrics of the first 30 windows', nodesSeen(30), 60_000);
      now = T0 + 40 * FIVE_MINUTES;
      await waitFor('metrics of 40 windows', nodesSeen(40), 60_000);
      // The connector writes the next windows and their trades; they close.
      await storeMarket(
        db,
        { candles: market.candles.slice(40), trades: market.trades.slice(firstTrades.length) },
        names,
      );
      now = T0 + 50 * FIVE_MINUTES;
      await waitFor('metrics of 50 windows', nodesSeen(50), 60_000);
    } finally {
      stop.abort(new Error('test done'));
      await subscription.close();
    }
    const result = await outcome;
    assert.equal(result.state, 'interrupted', result.error);

    assert.ok(
      messages.every((m) => m.kind === 'graph_metrics' && m.collection === output && m.symbol === 'BTCUSDT'),
    );
    const nodes = messages.map((m) => m.summary.nodes);
    assert.deepEqual(
      nodes,
      [...nodes].sort((a, b) => a - b),
      'the graph only grows',
    );
    const last = messages.at(-1)!;
    assert.equal(last.latest.node, 49);
    assert.equal(last.latest.open_time, T0 + 49 * FIVE_MINUTES);
    assert.equal(last.summary.time_edges, 49);

    const grown = await readGraph(db, output);
    const batch = await buildGraph(db, {
      inputs: [names.candles, names.trades],
      output,
      shape: options,
    });
    assert.deepEqual(grown, batch.graph, 'window by window, the same graph as the batch build');
  });
});
