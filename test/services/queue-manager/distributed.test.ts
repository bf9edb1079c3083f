// The distributed mode on its real parts: PostgreSQL (a schema of its own), Kafka, one child process per job.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaBus } from '../../../src/bus/index.ts';
import { ProcessLauncher, type JobCatalog } from '../../../src/launcher/index.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import { SEED_HISTORICAL, api, startManager, testConfig, testSchema } from './harness.ts';
import { failFirstCatalog } from './test-launchers.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe(
  'queue manager, distributed: PostgreSQL + Kafka + child processes',
  { skip: kafkaSkipReason },
  () => {
    const logDir = mkdtempSync(join(tmpdir(), 'sf-qm-distributed-'));
    const config = testConfig({
      SIMULATED_JOB_SECONDS: '4',
      SIMULATED_LOADING_INTERVAL_SECONDS: '0.3',
      STOP_GRACE_SECONDS: '10',
    });
    let schema: Awaited<ReturnType<typeof testSchema>>;
    let sql: PostgresClient;
    let bus: KafkaBus;
    let catalog: JobCatalog;
    let manager: QueueManager;
    let http: ReturnType<typeof api>;
    let historical: string;

    const launcher = (): ProcessLauncher =>
      new ProcessLauncher({
        catalog,
        baseEnv: { PATH: process.env.PATH, ...testKafka().env },
        logDir,
        pollIntervalMs: 200,
      });
    const queue = async (id: string) => (await http.get(`/queues/${id}`)).body;
    const until = (id: string, status: string, timeoutMs = 45_000) =>
      waitFor(
        `queue ${id} ${status}`,
        async () => ((await queue(id)).status === status ? queue(id) : undefined),
        timeoutMs,
      );

    before(async () => {
      schema = await testSchema();
      sql = await schema.open();
      bus = new KafkaBus(testKafka().options);
      catalog = failFirstCatalog(config.simulation);
      manager = await startManager({ config, sql, bus, launcher: launcher(), catalog });
      http = api(manager);
    });
    after(async () => {
      const { rows } = await sql.query<{ launcher_ref: string | null; topic: string }>(
        `select launcher_ref, topic from qm_jobs`,
      );
      for (const pid of rows.map((r) => Number(r.launcher_ref)).filter((pid) => pid > 0 && alive(pid)))
        process.kill(-pid, 'SIGKILL');
      await manager.close();
      await bus.deleteTopics([config.controlTopic, config.eventsTopic, ...new Set(rows.map((r) => r.topic))]);
      await bus.close();
      await sql.close();
      await schema.drop();
      if (!process.env.KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
    });

    it('survives its own restart mid-queue: the queue finishes, no job is launched twice', async () => {
      const started = await http.post('/queues/start', SEED_HISTORICAL);
      assert.equal(started.status, 201, JSON.stringify(started.body));
      historical = started.body.queue_id;
      const topics = await bus.listTopics();
      for (const job of started.body.jobs)
        assert.ok(topics.includes(job.topic), `data topic ${job.topic} exists before the jobs start`);
      await waitFor(
        'the loaders and connectors running',
        async () => (await queue(historical)).jobs.slice(0, 4).every((j) => j.status === 'running'),
        30_000,
      );

      // The manager goes away while four jobs run; its children carry on, publishing to Kafka.
      await manager.close();
      const restartedAt = Date.now();
      manager = await startManager({ config, sql, bus, launcher: launcher(), catalog });
      http = api(manager);

      const view = await until(historical, 'finished', 60_000);
      for (const job of view.jobs)
        assert.equal(job.status, 'finished', `${job.telemetry_id}: ${JSON.stringify(job.error)}`);
      const launches = await sql.query<{ telemetry_id: string; attempt: number }>(
        `select telemetry_id, attempt from qm_launches where queue_id = $1`,
        [historical],
      );
      assert.equal(launches.rows.length, 6, 'six jobs, six launches');
      assert.ok(launches.rows.every((l) => l.attempt === 1));
      const starts = await sql.query<{ telemetry_id: string; n: number }>(
        `select telemetry_id, count(*)::int as n from qm_events where queue_id = $1 and event = 'started' group by telemetry_id`,
        [historical],
      );
      assert.equal(starts.rows.length, 6);
      assert.ok(
        starts.rows.every((r) => r.n === 1),
        `each job started once: ${JSON.stringify(starts.rows)}`,
      );
      // The training waited for the graph, which waited for the connectors: the second manager launched it.
      assert.ok(
        Date.parse(view.jobs[5]!.launched_at) > restartedAt,
        'gnn-trainer launched after the restart',
      );
      assert.ok(Date.parse(view.jobs[0]!.launched_at) < restartedAt, 'the loaders before it');
    });

    it('a redelivered event changes nothing on Kafka either', async () => {
      const before = await queue(historical);
      const stored = await sql.query<{ payload: object }>(
        `select payload from qm_events where queue_id = $1 order by id`,
        [historical],
      );
      await bus.produce(
        stored.rows.map((r) => ({
          topic: config.eventsTopic,
          key: historical,
          value: JSON.stringify(r.payload),
        })),
      );
      await waitFor(
        'the group caught up',
        async () => [...(await bus.lag(config.groupId, config.eventsTopic)).values()].every((n) => n === 0n),
        20_000,
      );
      const after = await queue(historical);
      assert.deepEqual(
        after.jobs.map((j) => j.records_written),
        before.jobs.map((j) => j.records_written),
      );
      const count = await sql.query<{ n: number }>(
        `select count(*)::int as n from qm_events where queue_id = $1`,
        [historical],
      );
      assert.equal(count.rows[0]!.n, stored.rows.length);
    });

    it('stop reaches every job process; terminate kills every one', async () => {
      const body = (symbol: string) => ({
        symbol,
        time_range: '2024-08-01:2024-08-01',
        requests: [
          { target: 'loader-producer', type: 'ws_trades' },
          { target: 'arango-connector', type: 'ws_trades' },
          { target: 'visualizer', type: 'graph_metrics_stream', source: 'x' },
        ],
      });
      const stopping = (await http.post('/queues/start', body('ETHUSDT'))).body.queue_id;
      const killing = (await http.post('/queues/start', body('SOLUSDT'))).body.queue_id;
      for (const id of [stopping, killing]) {
        await waitFor(
          `${id} running`,
          async () => (await queue(id)).jobs.every((j) => j.status === 'running'),
          30_000,
        );
      }
      assert.equal((await http.post(`/queues/${stopping}/stop`)).status, 202);
      const stopped = await until(stopping, 'stopped');
      for (const job of stopped.jobs) assert.equal(job.last_event.event, 'interrupted', job.telemetry_id);

      const pids = (
        await sql.query<{ launcher_ref: string }>(`select launcher_ref from qm_jobs where queue_id = $1`, [
          killing,
        ])
      ).rows.map((r) => Number(r.launcher_ref));
      assert.ok(pids.every(alive));
      const result = await http.post(`/queues/${killing}/terminate`);
      assert.equal(result.status, 202);
      assert.deepEqual(
        result.body.jobs.map((j) => j.status),
        ['terminated', 'terminated', 'terminated'],
      );
      await waitFor('every process gone', () => pids.every((pid) => !alive(pid)), 10_000);
    });

    it('a failed job process is retried as a new attempt and the queue finishes', async () => {
      const started = await http.post('/queues/start', {
        symbol: 'ADAUSDT',
        time_range: '2024-08-01:2024-08-01',
        requests: [{ target: 'loader-producer', type: 'api_trades', fail_first: true }],
      });
      const id = started.body.queue_id;
      const failed = await until(id, 'failed');
      assert.equal(failed.jobs[0]!.error.code, 'SF_JOB_FAILED');
      assert.equal((await http.post(`/queues/${id}/jobs/${failed.jobs[0]!.telemetry_id}/retry`)).status, 202);
      const done = await until(id, 'finished');
      assert.equal(done.jobs[0]!.attempt, 2);
    });
  },
);
