import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Job } from '@kubernetes/client-node';
import {
  KubernetesLauncher,
  readKubernetesJobOptions,
  type JobExit,
  type JobSpec,
} from '../../../src/launcher/index.ts';
import type { StreamForgeError } from '../../../src/protocol/index.ts';
import { ErrorCodes, dataTopic, queueId, telemetryId } from '../../../src/protocol/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { jobNameFor } from '../../../src/services/queue-manager/request/plan.ts';
import { waitFor } from '../../support/wait.ts';
import { FakeKubeApiServer } from './fake-kube-apiserver.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';

const NS = 'stf';
const logger = createLogger({ service: 'test', level: 'silent' });

function spec(symbol: string, type: string, target = 'arango-connector', attempt = 1): JobSpec {
  const queue = queueId(symbol, type, '2024-08-01', 'abc123');
  const id = telemetryId(target);
  return {
    queueId: queue,
    telemetryId: id,
    target,
    type,
    symbol,
    timeRange: '2024-08-01:2024-08-01',
    attempt,
    name: jobNameFor(target, symbol, id, attempt),
    dataTopic: dataTopic(queue, type),
    collection: `${symbol}_${type}_2024_08_01`.toLowerCase(),
    controlTopic: 'queue-control',
    eventsTopic: 'queue-events',
    params: { collection_inputs: ['a', 'b'], interval: '1m' },
  };
}

describe('kubernetes launcher against an in-process Kubernetes API', () => {
  const fake = new FakeKubeApiServer();
  let launcher: KubernetesLauncher;
  const exits: JobExit[] = [];

  before(async () => {
    const server = await fake.start();
    const jobs = readKubernetesJobOptions({
      K8S_NAMESPACE: NS,
      K8S_IMAGE: 'registry.example/streamforge:v1',
      K8S_IMAGE_ARANGO_CONNECTOR: 'registry.example/arango-connector:v0.1.5',
      K8S_NODE_SELECTOR: 'streamforge-worker=true',
      K8S_BACKOFF_LIMIT: '2',
      K8S_POLL_SECONDS: '1',
    });
    launcher = new KubernetesLauncher({
      catalog: createJobCatalog(),
      kubeConfig: fake.kubeConfig(server),
      jobs,
      logger,
    });
    launcher.onExit((exit) => exits.push(exit));
  });
  after(async () => {
    await launcher.close();
    await fake.close();
  });

  it('creates a batch/v1 Job shaped like seed 001, field by field', async () => {
    const s = spec('BTCUSDT', 'api_candles_1m');
    const result = await launcher.launch(s);
    assert.deepEqual(result, { ref: s.name, adopted: false });
    const create = fake.requests.find((r) => r.method === 'POST')!;
    assert.equal(create.path, `/apis/batch/v1/namespaces/${NS}/jobs`);
    const job = create.body as V1Job;
    assert.equal(job.apiVersion, 'batch/v1');
    assert.equal(job.kind, 'Job');
    assert.equal(job.metadata!.name, s.name);
    assert.match(job.metadata!.name, /^job-arango-connector-btcusdt-[a-z0-9]{6}$/);
    assert.equal(job.metadata!.namespace, NS);
    const labels = {
      app: 'streamforge',
      queue_id: s.queueId,
      target: 'arango-connector',
      telemetry_id: s.telemetryId,
      attempt: '1',
    };
    assert.deepEqual(job.metadata!.labels, labels);
    assert.deepEqual(job.spec!.template.metadata!.labels, labels);
    assert.equal(job.metadata!.annotations!['streamforge.io/queue-id'], s.queueId);
    assert.equal(job.spec!.backoffLimit, 2);
    assert.equal(job.spec!.ttlSecondsAfterFinished, 3600);
    const pod = job.spec!.template.spec!;
    assert.equal(pod.restartPolicy, 'Never');
    assert.deepEqual(pod.nodeSelector, { 'streamforge-worker': 'true' });
    assert.equal(pod.containers.length, 1);
    const container = pod.containers[0]!;
    assert.equal(container.name, 'arango-connector');
    assert.equal(container.image, 'registry.example/arango-connector:v0.1.5', 'image per target');
    assert.deepEqual(container.args!.slice(0, 2), ['dummy', '--simulate-loading']);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env.QUEUE_ID, s.queueId);
    assert.equal(env.TELEMETRY_PRODUCER_ID, s.telemetryId);
    assert.equal(env.TARGET, 'arango-connector');
    assert.equal(env.SYMBOL, 'BTCUSDT');
    assert.equal(env.TYPE, 'api_candles_1m');
    assert.equal(env.TIME_RANGE, '2024-08-01:2024-08-01');
    assert.equal(env.KAFKA_TOPIC, s.dataTopic);
    assert.equal(env.COLLECTION_NAME, 'btcusdt_api_candles_1m_2024_08_01');
    assert.equal(env.QUEUE_CONTROL_TOPIC, 'queue-control');
    assert.equal(env.QUEUE_EVENTS_TOPIC, 'queue-events');
    assert.equal(env.COLLECTION_INPUTS, 'a,b', 'request fields become environment');
    assert.equal(env.INTERVAL, '1m');
    assert.equal(env.KAFKA_CA_PATH, '/etc/streamforge/kafka-ca/ca.crt');
    for (const secret of ['KAFKA_PASSWORD', 'KAFKA_USER', 'ARANGO_PASSWORD', 'DATABASE_URL']) {
      assert.equal(env[secret], undefined, `${secret} is never inline`);
    }
    assert.deepEqual(container.envFrom, [
      { configMapRef: { name: 'streamforge-config' } },
      { secretRef: { name: 'streamforge-secrets' } },
    ]);
    assert.deepEqual(container.volumeMounts, [
      { name: 'kafka-ca', mountPath: '/etc/streamforge/kafka-ca', readOnly: true },
    ]);
    assert.deepEqual(pod.volumes, [
      {
        name: 'kafka-ca',
        secret: { secretName: 'streamforge-kafka-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
      },
    ]);
    assert.ok(fake.jobs.has(fake.key(NS, s.name)), 'the API server stored it');
  });

  it('keeps names and labels valid for long symbols and types', async () => {
    for (const symbol of [
      'A',
      'BTCUSDT',
      '1000SHIBUSDT',
      'X'.repeat(40),
      'VERYLONGTOKENNAMEWITHMANYLETTERSUSDT',
    ]) {
      for (const [target, type] of [
        ['loader-producer', 'synthetic_candles_15m'],
        ['gnn-trainer', 'realtime_gnn_infer'],
        ['arango-connector', 'archive_candles_12h'],
      ] as const) {
        for (const attempt of [1, 12]) {
          const s = spec(symbol, type, target, attempt);
          assert.ok(s.name.length <= 63, `${s.name} is at most 63 characters`);
          assert.match(s.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          await launcher.launch(s); // the fake answers 422 to any invalid name or label value
          const stored = fake.jobs.get(fake.key(NS, s.name))!;
          for (const value of Object.values(stored.metadata!.labels!)) assert.ok(value.length <= 63, value);
          assert.equal(
            stored.metadata!.annotations!['streamforge.io/queue-id'],
            s.queueId,
            'the full queue_id survives',
          );
        }
      }
    }
  });

  it("adopts its own Job on 409 AlreadyExists and refuses a stranger's", async () => {
    const s = spec('ETHUSDT', 'api_trades');
    await launcher.launch(s);
    const again = await launcher.launch(s);
    assert.deepEqual(again, { ref: s.name, adopted: true });
    assert.equal([...fake.jobs.keys()].filter((k) => k === fake.key(NS, s.name)).length, 1);
    const stranger = { ...s, telemetryId: 'arango-connector__zzzzzz' };
    await assert.rejects(launcher.launch(stranger), (error: StreamForgeError) => {
      assert.equal(error.code, ErrorCodes.LAUNCH_REJECTED);
      assert.match(error.message, /already exists/);
      return true;
    });
  });

  it("surfaces 422 Invalid as a rejected launch with the API server's message", async () => {
    const s = { ...spec('BTCUSDT', 'api_trades'), name: 'Job_With_Capitals' };
    await assert.rejects(launcher.launch(s), (error: StreamForgeError) => {
      assert.equal(error.code, ErrorCodes.LAUNCH_REJECTED);
      assert.equal(error.canRetry, false);
      assert.match(error.message, /422 Invalid.*RFC 1123/);
      return true;
    });
  });

  it('finds Jobs by label selector: running, complete, failed, absent', async () => {
    const running = spec('SOLUSDT', 'api_trades', 'loader-producer');
    const done = spec('SOLUSDT', 'api_candles_1m', 'loader-producer');
    const failed = spec('SOLUSDT', 'gnn_train', 'gnn-trainer');
    const absent = spec('SOLUSDT', 'gnn_graph', 'graph-builder');
    for (const s of [running, done, failed]) await launcher.launch(s);
    fake.succeed(NS, done.name);
    fake.fail(NS, failed.name, 'BackoffLimitExceeded');
    const handles = [running, done, failed, absent].map((s) => ({ ...s, ref: s.name }));
    const seen = await launcher.inspect(handles);
    assert.deepEqual(seen.get(running.telemetryId), { state: 'running' });
    assert.deepEqual(seen.get(done.telemetryId), { state: 'succeeded' });
    assert.deepEqual(seen.get(failed.telemetryId), { state: 'failed', reason: 'BackoffLimitExceeded' });
    assert.deepEqual(seen.get(absent.telemetryId), { state: 'absent' });
    const list = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/jobs')).at(-1)!;
    assert.match(list.query.get('labelSelector')!, /^app=streamforge,telemetry_id in \(.+\)$/);
  });

  it('reports a watched Job that failed as an exit', async () => {
    const s = spec('ADAUSDT', 'api_trades', 'loader-producer');
    await launcher.launch(s);
    fake.fail(NS, s.name, 'DeadlineExceeded');
    const exit = await waitFor(
      'the exit of the failed Job',
      () => exits.find((e) => e.telemetryId === s.telemetryId),
      5000,
    );
    assert.deepEqual(exit, {
      telemetryId: s.telemetryId,
      attempt: 1,
      exitCode: 1,
      reason: 'Kubernetes Job failed: DeadlineExceeded',
    });
  });

  it('terminates with propagationPolicy Background so the pods go too; a missing Job is fine', async () => {
    const s = spec('XRPUSDT', 'api_trades', 'loader-producer');
    await launcher.launch(s);
    assert.equal(fake.pods.get(fake.key(NS, s.name))?.length, 1);
    await launcher.terminate({ ...s, ref: s.name });
    assert.deepEqual(fake.deletions.at(-1), { name: s.name, propagationPolicy: 'Background' });
    assert.equal(fake.jobs.has(fake.key(NS, s.name)), false);
    assert.equal(fake.pods.has(fake.key(NS, s.name)), false, 'no orphaned pods');
    await launcher.terminate({ ...s, ref: s.name });
  });
});
