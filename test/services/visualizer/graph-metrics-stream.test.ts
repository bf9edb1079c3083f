// The visualizer job (graph_metrics_stream) on the memory bus and on Kafka, with graphs written by
// graph-builder's graph-store in PostgreSQL: it waits for its source, publishes a compact message when
// the graph appears and each time it changes, reports each as `loading`, and ends `interrupted` on stop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus, Subscription } from '../../../src/bus/index.ts';
import { parseVisualizerMetricsMessage, type VisualizerMetricsMessage } from '../../../src/protocol/index.ts';
import { createLogger, readJobConfig, runJobService } from '../../../src/runtime/index.ts';
import { createVisualizerWork } from '../../../src/services/visualizer/graph-metrics-stream.ts';
import { readVisualizerOptions } from '../../../src/services/visualizer/options.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { busesUnderTest } from '../../support/buses.ts';
import { FIXTURE_T0, writeFixtureGraph } from '../../support/graph-fixture.ts';
import { uniqueName } from '../../support/kafka.ts';
import { TelemetryRecorder } from '../../support/telemetry-recorder.ts';
import { waitFor } from '../../support/wait.ts';
import { testSchema } from '../queue-manager/harness.ts';

describe('visualizer: readVisualizerOptions', () => {
  it('needs SOURCE and sane numbers (SF_INVALID_CONFIG)', () => {
    assert.throws(() => readVisualizerOptions({}), { code: 'SF_INVALID_CONFIG', message: /SOURCE/ });
    assert.throws(() => readVisualizerOptions({ SOURCE: 'g', VISUALIZER_POLL_SECONDS: '0' }), {
      code: 'SF_INVALID_CONFIG',
    });
    const options = readVisualizerOptions({ SOURCE: 'g' });
    assert.equal(options.pollIntervalMs, 5000);
    assert.equal(options.newest, 20);
    assert.ok(Object.isFrozen(options));
  });
});

for (const under of busesUnderTest({ listeners: 'first' })) {
  describe(`visualizer on ${under.name}`, { skip: under.skip }, () => {
    let schema: Awaited<ReturnType<typeof testSchema>>;
    let sql: PostgresClient;
    let bus: Bus;

    before(async () => {
      schema = await testSchema();
      sql = await schema.open();
      bus = under.create();
    });
    after(async () => {
      await bus.close();
      await sql.close();
      await schema.drop();
    });

    it('publishes the metrics of a graph written with writeGraph, and again when it grows', async () => {
      const source = 'viz_graph';
      const queueId = uniqueName('wf-viz');
      const topic = `${queueId}.graph_metrics_stream`;
      const eventsTopic = uniqueName('viz-events');
      await bus.createTopics([{ name: topic }, { name: eventsTopic }]);
      const telemetry = await TelemetryRecorder.open(bus, eventsTopic, { from: 'earliest' });
      const subscription: Subscription = await bus.subscribe({ topics: [topic], from: 'earliest' });
      const messages: VisualizerMetricsMessage[] = [];
      const seen = (nodes: number) => async () => {
        for (const record of await subscription.poll({ maxWaitMs: 200 })) {
          const parsed = parseVisualizerMetricsMessage(record.value);
          assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
          assert.equal(record.key?.toString(), queueId);
          messages.push(parsed.value);
        }
        return messages.some((m) => m.nodes === nodes);
      };
      const env = {
        ...under.env,
        TARGET: 'visualizer',
        TYPE: 'graph_metrics_stream',
        QUEUE_ID: queueId,
        QUEUE_EVENTS_TOPIC: eventsTopic,
        SOURCE: source,
        VISUALIZER_POLL_SECONDS: '0.1',
        VISUALIZER_NEWEST: '5',
        VISUALIZER_TOP: '3',
      };
      const stop = new AbortController();
      const outcome = runJobService({
        service: 'visualizer',
        config: readJobConfig(env, 'visualizer', 0),
        bus,
        logger: createLogger({ service: 'visualizer', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
        http: false,
        handleSignals: false,
        signal: stop.signal,
        work: createVisualizerWork(readVisualizerOptions(env), { sql }),
      });
      try {
        // The source does not exist yet: the job says it waits, and publishes nothing.
        await waitFor(
          'the waiting event',
          () =>
            telemetry.events.some((e) => e.event === 'loading' && /waiting for graph/.test(e.message ?? '')),
          30_000,
        );
        assert.equal(messages.length, 0);
        await writeFixtureGraph(sql, source, 12);
        await waitFor('metrics of 24 windows', seen(24), 30_000);
        await writeFixtureGraph(sql, source, 15);
        await waitFor('metrics of 30 windows', seen(30), 30_000);
      } finally {
        stop.abort(new Error('test done'));
      }
      const result = await outcome;
      await subscription.close();
      await telemetry.close();
      assert.equal(result.state, 'interrupted', result.error);

      // One message per version of the graph, not one per poll.
      assert.deepEqual(
        messages.map((m) => m.nodes),
        [24, 30],
      );
      const [first, second] = messages as [VisualizerMetricsMessage, VisualizerMetricsMessage];
      assert.equal(first.kind, 'graph_metrics_stream');
      assert.equal(first.source, source);
      assert.equal(first.symbol, 'BTCUSDT');
      assert.equal(first.edges, 2 * 66 + 1);
      assert.equal(first.components.count, 1);
      assert.equal(first.communities.count, 2);
      assert.ok(first.communities.modularity > 0.4, String(first.communities.modularity));
      assert.ok(Math.abs(first.density - (2 * 133) / (24 * 23)) < 1e-9, String(first.density));
      assert.equal(first.pagerank_top.length, 3);
      assert.equal(first.first_open_time, FIXTURE_T0);
      // The newest windows, oldest first, with what graph-builder stored per node.
      assert.deepEqual(
        first.newest.map((w) => w.node),
        [19, 20, 21, 22, 23],
      );
      assert.equal(first.newest.at(-1)!.open_time, FIXTURE_T0 + 23 * 300_000);
      assert.equal(first.newest.at(-1)!.degree, 11);
      assert.equal(second.newest.at(-1)!.node, 29);
      assert.equal(second.edges, 2 * 105 + 1);

      const loading = telemetry.events.filter((e) => e.event === 'loading' && e.queue_id === queueId);
      assert.deepEqual(
        loading.map((e) => e.records_written),
        [0, 24, 30],
      );
      assert.match(loading[1]!.message ?? '', /24 nodes, 133 edges.*2 communities/);
      const end = telemetry.events.filter((e) => e.queue_id === queueId).at(-1)!;
      assert.equal(end.event, 'interrupted');
    });
  });
}
