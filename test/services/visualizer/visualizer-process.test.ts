// `streamforge visualizer` as the process launcher runs it: a child process on the real broker and
// PostgreSQL, publishing the metrics of a graph written with writeGraph, and exiting 0 on SIGTERM.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaBus, type Subscription } from '../../../src/bus/index.ts';
import { parseVisualizerMetricsMessage } from '../../../src/protocol/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { startCli, type CliProcess } from '../../support/cli.ts';
import { writeFixtureGraph } from '../../support/graph-fixture.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import { testSchema } from '../queue-manager/harness.ts';

describe('streamforge visualizer (a process)', { skip: kafkaSkipReason }, () => {
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let bus: KafkaBus;
  let cli: CliProcess | undefined;

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    bus = new KafkaBus(testKafka().options);
  });
  after(async () => {
    await cli?.stop('SIGKILL');
    await bus.close();
    await sql.close();
    await schema.drop();
  });

  it('publishes the graph metrics on its topic and exits 0 when stopped', async () => {
    await writeFixtureGraph(sql, 'viz_process_graph');
    const queueId = uniqueName('wf-vizproc');
    const topic = `${queueId}.graph_metrics_stream`;
    await bus.createTopics([{ name: topic }]);
    const subscription: Subscription = await bus.subscribe({ topics: [topic], from: 'earliest' });
    cli = startCli(['visualizer'], {
      ...testKafka().env,
      DATABASE_URL: schema.url,
      QUEUE_ID: queueId,
      TARGET: 'visualizer',
      TYPE: 'graph_metrics_stream',
      KAFKA_TOPIC: topic,
      SOURCE: 'viz_process_graph',
      VISUALIZER_POLL_SECONDS: '0.2',
      METRICS_PORT: '0',
    });
    try {
      const message = await waitFor(
        'the metrics message',
        async () => {
          for (const record of await subscription.poll({ maxWaitMs: 200 })) {
            const parsed = parseVisualizerMetricsMessage(record.value);
            assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
            return parsed.value;
          }
          return undefined;
        },
        60_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${cli!.output()}`);
      });
      assert.equal(message.queue_id, queueId);
      assert.equal(message.nodes, 24);
      assert.equal(message.communities.count, 2);
    } finally {
      await subscription.close();
    }
    assert.equal(await cli.stop(), 0, cli.output());
    cli = undefined;
  });
});
