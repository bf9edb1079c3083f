// Seed 004, example 1, end to end in the distributed mode: the queue manager on the real Kafka broker
// and PostgreSQL (a schema of its own), every job a `streamforge <command>` child process (process
// launcher), the Binance peer as the market (REST for example 1, its streams for example 2). Every job is the real one; the queue finishes; graph and
// model are read back from PostgreSQL; the trainer's final event carries test accuracy and baselines.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaBus } from '../../src/bus/index.ts';
import { ProcessLauncher } from '../../src/launcher/index.ts';
import { createJobCatalog } from '../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../src/store/index.ts';
import { BinancePeer } from '../support/binance-peer/binance-peer.ts';
import { kafkaSkipReason, testKafka } from '../support/kafka.ts';
import { startManager, testConfig, testSchema } from '../services/queue-manager/harness.ts';
import { assertLiveStored, runExample2 } from './analytics-live-support.ts';
import {
  EXAMPLE_1,
  RANGE,
  assertExample1Finished,
  assertStored,
  rangeTrades,
  waitFinished,
} from './analytics-support.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe(
  'seed 004 example 1, distributed: Kafka, PostgreSQL, a process per job, every job real',
  { skip: kafkaSkipReason },
  () => {
    const logDir = mkdtempSync(join(tmpdir(), 'sf-analytics-distributed-'));
    const config = testConfig({ STOP_GRACE_SECONDS: '10' });
    let peer: BinancePeer;
    let schema: Awaited<ReturnType<typeof testSchema>>;
    let sql: PostgresClient;
    let bus: KafkaBus;
    let manager: QueueManager;

    before(async () => {
      peer = await new BinancePeer({ tradesPerMinute: 1 }).start();
      schema = await testSchema();
      sql = await schema.open();
      bus = new KafkaBus(testKafka().options);
      // Only the allow-listed part of this environment reaches the jobs (jobBaseEnvironment).
      const baseEnv = {
        PATH: process.env.PATH,
        ...testKafka().env,
        DATABASE_URL: schema.url,
        BINANCE_API_URL: peer.apiUrl,
        BINANCE_WS_URL: peer.wsUrl,
        LOADING_INTERVAL_SECONDS: '1',
        GRAPH_POLL_SECONDS: '1',
        GRAPH_METRICS_SECONDS: '1',
      };
      const catalog = createJobCatalog({ workers: { env: baseEnv } });
      const launcher = new ProcessLauncher({ catalog, baseEnv, logDir, pollIntervalMs: 200 });
      manager = await startManager({ config, sql, bus, launcher, catalog });
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
      await peer.close();
      if (!process.env.KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
    });

    it('finishes with the graph and the model in PostgreSQL and the scores in the final telemetry', async () => {
      const url = `http://127.0.0.1:${manager.port}`;
      const started = performance.now();
      const res = await fetch(`${url}/queues/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(EXAMPLE_1),
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { queue_id: queueId } = (await res.json()) as { queue_id: string };
      const view = await waitFinished(url, queueId, 180_000);
      const seconds = (performance.now() - started) / 1000;
      const trainer = assertExample1Finished(view, rangeTrades(peer.market));
      const stored = await assertStored(sql, trainer);
      const e = trainer.last_event;
      console.log(
        `# distributed, ${RANGE.text}: queue finished in ${seconds.toFixed(1)} s; graph ${stored.nodes} nodes, ` +
          `${stored.edges} edges; test accuracy ${String(e.test_accuracy)}, majority ` +
          `${String(e.baseline_majority_accuracy)}, logistic regression ${String(e.baseline_logistic_regression_accuracy)}`,
      );
    });

    // Seed 004's example 2 on the same manager: analytics-live.test.ts says how it differs from the seed.
    it('example 2: extends the graph as windows close, writes predictions, and stops', async () => {
      const run = await runExample2(`http://127.0.0.1:${manager.port}`);
      const stored = await assertLiveStored(sql, run);
      console.log(
        `# live, distributed: first graph ${run.first.nodes} nodes, ${run.first.scored} scored; after a live ` +
          `window ${run.grown.nodes} nodes, ${run.grown.scored} scored; stored ${stored.nodes} nodes, ${stored.predictions} predictions`,
      );
    });
  },
);
