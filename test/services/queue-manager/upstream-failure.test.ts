// Seed 004 example 1 with the real loaders and connectors, on Kafka and PostgreSQL, against a fake
// Binance that refuses the loads: the loaders fail before writing their end-of-stream markers, and the
// queue still ends. The connectors are stopped with the reason, the graph and the training are marked
// not run (nothing is left pending); retrying the loaders runs the connectors again and finishes the queue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KafkaBus } from '../../../src/bus/index.ts';
import { InlineLauncher } from '../../../src/launcher/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import { SEED_HISTORICAL, api, startManager, testConfig, testSchema } from './harness.ts';

describe('queue manager: a queue whose loaders fail still ends', { skip: kafkaSkipReason }, () => {
  const config = testConfig({ STOP_GRACE_SECONDS: '20' });
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let bus: KafkaBus;
  let peer: BinancePeer;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;
  const topics = new Set<string>();

  const queue = async (id: string) => (await http.get(`/queues/${id}`)).body;
  const until = async (id: string, status: string) => {
    try {
      return await waitFor(
        `queue ${id} ${status}`,
        async () => {
          const view = await queue(id);
          return view.status === status ? view : undefined;
        },
        90_000,
      );
    } catch (error) {
      const view = await queue(id);
      const jobs = view.jobs.map((j) => [
        j.telemetry_id,
        j.status,
        j.attempt,
        j.error?.message,
        j.last_event?.message,
      ]);
      throw new Error(`${(error as Error).message}; it is ${view.status}: ${JSON.stringify(jobs)}`, {
        cause: error,
      });
    }
  };

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    bus = new KafkaBus(testKafka().options);
    peer = await new BinancePeer({ tradesPerMinute: 1 }).start();
    const catalog = createJobCatalog({
      simulation: config.simulation,
      workers: {
        env: {
          BINANCE_API_URL: peer.apiUrl,
          // The connectors write tables in this file's schema, dropped at the end.
          DATABASE_URL: schema.url,
          LOADING_INTERVAL_SECONDS: '0.5',
        },
      },
    });
    const launcher = new InlineLauncher({
      bus,
      catalog,
      logger: createLogger({ service: 'job', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      stopGraceMs: 5000,
    });
    manager = await startManager({ config, sql, bus, launcher, catalog });
    http = api(manager);
  });
  after(async () => {
    await manager.close();
    await bus.deleteTopics([config.controlTopic, config.eventsTopic, ...topics]);
    await bus.close();
    await peer.close();
    await sql.close();
    await schema.drop();
  });

  it('stops the connectors with a reason, marks the rest not run, fails the queue; a retry finishes it', async () => {
    // The candles loader is refused its first page; the trades loader gets one page (1000 of the
    // day's 1440 trades) onto the topic, then is refused: neither writes end-of-stream markers.
    peer.fail({ path: '/api/v3/klines', status: 400 });
    peer.fail({ path: '/api/v3/aggTrades', status: 400, after: 1 });
    const started = await http.post('/queues/start', {
      ...SEED_HISTORICAL,
      time_range: '2024-06-01:2024-06-01',
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.queue_id;
    for (const job of started.body.jobs) topics.add(job.topic);
    const failed = await until(id, 'failed');
    const byTarget = (target: string) => failed.jobs.filter((j) => j.target === target);
    for (const loader of byTarget('loader-producer')) {
      assert.equal(loader.status, 'failed');
      assert.equal(loader.error.code, 'SF_SOURCE_FAILED');
    }
    for (const connector of byTarget('arango-connector')) {
      const loader = byTarget('loader-producer').find((l) => l.topic === connector.topic)!;
      assert.equal(connector.status, 'stopped', JSON.stringify(connector.error));
      assert.equal(connector.error.code, 'SF_UPSTREAM_FAILED');
      assert.match(
        connector.error.message,
        new RegExp(
          `^stopped: the loader ${loader.telemetry_id} writing \\S+ ended failed \\(Binance refused`,
        ),
      );
    }
    const [graph, trainer] = [...byTarget('graph-builder'), ...byTarget('gnn-trainer')];
    assert.equal(graph!.status, 'stopped');
    assert.equal(graph!.error.code, 'SF_UPSTREAM_FAILED');
    assert.match(graph!.error.message, /^not run: it waits for arango-connector__\w+, which ended stopped/);
    assert.equal(trainer!.status, 'stopped');
    assert.match(trainer!.error.message, /^not run: it waits for graph-builder__\w+, which did not run$/);
    assert.equal(graph!.launched_at, null);
    assert.equal(trainer!.launched_at, null);

    // The source works again: retrying the loaders runs their connectors again, then the rest.
    for (const loader of byTarget('loader-producer')) {
      const retried = await http.post(`/queues/${id}/jobs/${loader.telemetry_id}/retry`);
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
    }
    const done = await until(id, 'finished');
    const connectors = done.jobs.filter((j) => j.target === 'arango-connector');
    assert.deepEqual(
      connectors.map((c) => [c.type, c.attempt, c.records_total]),
      [
        ['api_candles_5m', 2, 288],
        ['api_trades', 2, 1440],
      ],
    );
    for (const job of done.jobs) assert.equal(job.status, 'finished', job.telemetry_id);
    const rows = async (collection: string) =>
      (await sql.query<{ n: number }>(`select count(*)::int as n from "${collection}"`)).rows[0]!.n;
    // Whatever the failed attempt left on the topic is upserted again: the day, once.
    assert.deepEqual(await Promise.all(connectors.map((c) => rows(c.collection))), [288, 1440]);
  });
});
