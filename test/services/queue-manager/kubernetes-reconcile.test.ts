// The manager with the Kubernetes launcher against the in-process API server: Jobs created per job,
// reconciled after a restart by label (an interrupted launch is completed by adopting, never doubled),
// a Job that fails without telemetry is failed, terminate deletes with propagationPolicy Background.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Job } from '@kubernetes/client-node';
import { MemoryBus } from '../../../src/bus/index.ts';
import { KubernetesLauncher, readKubernetesJobOptions } from '../../../src/launcher/index.ts';
import { TelemetryPublisher, createLogger } from '../../../src/runtime/index.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { waitFor } from '../../support/wait.ts';
import { FakeKubeApiServer } from '../../launcher/kubernetes/fake-kube-apiserver.ts';
import { api, startManager, testConfig, type Answer } from './harness.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';

const NS = 'stf';
type Job = Answer['jobs'][number];

describe('queue manager with the Kubernetes launcher', () => {
  const fake = new FakeKubeApiServer();
  const bus = new MemoryBus();
  const config = testConfig({ HEARTBEAT_TIMEOUT_SECONDS: '600' });
  const catalog = createJobCatalog({ simulation: config.simulation });
  let server: string;
  let sql: PGliteClient;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  const launcher = () =>
    new KubernetesLauncher({
      catalog,
      kubeConfig: fake.kubeConfig(server),
      jobs: readKubernetesJobOptions({ K8S_NAMESPACE: NS, K8S_POLL_SECONDS: '1' }),
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
  /** What a pod would publish. */
  const pod = (job: { telemetry_id: string; target: string; type: string }, queueId: string) =>
    new TelemetryPublisher({
      bus,
      topic: config.eventsTopic,
      job: { queueId, telemetryId: job.telemetry_id, target: job.target, symbol: 'BTCUSDT', type: job.type },
    });
  const queue = async (id: string) => (await http.get(`/queues/${id}`)).body;

  before(async () => {
    server = await fake.start();
    sql = await PGliteClient.open();
    manager = await startManager({ config, sql, bus, launcher: launcher(), catalog });
    http = api(manager);
  });
  after(async () => {
    await manager.close();
    await bus.close();
    await sql.close();
    await fake.close();
  });

  it('creates, reconciles after a restart without launching twice, fails a dead Job, terminates', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'BTCUSDT',
      time_range: '2024-08-01:2024-08-01',
      requests: [
        { target: 'loader-producer', type: 'api_trades' },
        { target: 'arango-connector', type: 'api_trades' },
        { target: 'graph-builder', type: 'gnn_graph' },
        { target: 'visualizer', type: 'graph_metrics_stream', source: 'btcusdt_gnn_graph_2024_08_01' },
      ],
    });
    assert.equal(started.status, 201);
    const id = started.body.queue_id;
    const [loader, connector, graph, visualizer] = [0, 1, 2, 3].map((i) => started.body.jobs[i]!) as [
      Job,
      Job,
      Job,
      Job,
    ];
    assert.deepEqual(
      [...fake.jobs.keys()].sort(),
      [connector.job_name, loader.job_name, visualizer.job_name].map((name) => `${NS}/${name}`).sort(),
    );
    const created = fake.jobs.get(`${NS}/${loader.job_name}`)!;
    assert.equal(created.metadata!.labels!.telemetry_id, loader.telemetry_id);
    assert.equal(created.metadata!.labels!.queue_id, id);
    await pod(loader, id).publish('started');
    await pod(connector, id).publish('started');
    await waitFor('both running', async () =>
      (await queue(id)).jobs.slice(0, 2).every((j) => j.status === 'running'),
    );

    // The manager stops. While it is away the connector finishes. As if it had crashed between claiming
    // a launch and hearing back from the API server, the loader's ref is lost (its Job exists) and the
    // visualizer's create never arrived (no Job).
    await manager.close();
    await pod(connector, id).publish('finished', { records_written: 42 });
    await sql.query(
      `update qm_jobs set status = 'launching', launcher_ref = null where telemetry_id = any($1::text[])`,
      [[loader.telemetry_id, visualizer.telemetry_id]],
    );
    fake.jobs.delete(`${NS}/${visualizer.job_name}`);
    manager = await startManager({ config, sql, bus, launcher: launcher(), catalog });
    http = api(manager);
    assert.deepEqual(
      manager.reconciled,
      { running: 1, ended: 0, relaunched: 1, absent: 0 },
      'the loader found by label, the visualizer launched',
    );

    const posts = (name: string) =>
      fake.requests.filter((r) => r.method === 'POST' && (r.body as V1Job).metadata!.name === name).length;
    assert.equal(posts(loader.job_name), 1, 'the loader found by its labels was not created again');
    assert.ok(fake.jobs.has(`${NS}/${visualizer.job_name}`), 'the interrupted launch was completed');
    await waitFor('the graph launched once the connector finished', () =>
      fake.jobs.has(`${NS}/${graph.job_name}`),
    );
    assert.equal(posts(graph.job_name), 1);
    assert.equal(posts(connector.job_name), 1);
    const launches = await sql.query<{ n: number }>(
      `select count(*)::int as n from qm_launches where queue_id = $1`,
      [id],
    );
    assert.equal(launches.rows[0]!.n, 4, 'one launch per job');

    // The graph's pod dies without a word: the Job fails, the manager notices.
    fake.fail(NS, graph.job_name, 'BackoffLimitExceeded');
    const failedGraph = await waitFor('the graph failed', async () => {
      const job = (await queue(id)).jobs[2]!;
      return job.status === 'failed' ? job : undefined;
    });
    assert.match(
      failedGraph.error.message,
      /Kubernetes Job failed: BackoffLimitExceeded without a final telemetry event/,
    );

    const result = await http.post(`/queues/${id}/terminate`);
    assert.equal(result.status, 202);
    assert.deepEqual(
      fake.deletions.map((d) => [d.name, d.propagationPolicy]).sort(),
      [
        [loader.job_name, 'Background'],
        [visualizer.job_name, 'Background'],
      ].sort(),
    );
    assert.equal(fake.jobs.has(`${NS}/${loader.job_name}`), false);
    assert.equal(
      (await queue(id)).status,
      'failed',
      'a failed job keeps the queue failed after the rest is terminated',
    );
  });
});
