// deploy/prometheus and deploy/grafana: promtool checks and unit-tests the rules; the real Prometheus
// scrapes a real queue manager (`streamforge queue-manager` on a private PostgreSQL and the test
// broker), a real job (`streamforge dummy`) and the seed-002 consumer, through the relabelling of
// prometheus.yml; the dashboard's queries run against it and name only series those services export;
// real dead letters fire their alert, and stopping the manager's database makes its alert pending.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaBus } from '../../src/bus/index.ts';
import { startCli, type CliProcess } from '../support/cli.ts';
import { freePort } from '../support/free-port.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../support/kafka.ts';
import { openTestDatabase, testDatabaseUrl } from '../support/postgres.ts';
import { PrivatePostgres } from '../support/private-postgres.ts';
import { waitFor } from '../support/wait.ts';
import { dropSchema, uniqueSchema } from '../services/consumer/user-events.ts';
import {
  PrometheusServer,
  localConfig,
  prometheusDir,
  prometheusMissing,
  promtoolMissing,
} from './support/prometheus-server.ts';
import { declaredNames, metricNames } from './support/promql-names.ts';

const root = join(import.meta.dirname, '..', '..');
const rulesFile = join(prometheusDir, 'rules', 'streamforge.rules.yml');
const dashboard = JSON.parse(readFileSync(join(root, 'deploy', 'grafana', 'streamforge.json'), 'utf8')) as {
  uid: string;
  panels: { id: number; title: string; targets: { expr: string; refId: string }[] }[];
};
const dashboardExprs = dashboard.panels.flatMap((p) =>
  p.targets.map((t) => ({ panel: p.title, expr: t.expr })),
);

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', cwd: root });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

interface RuleGroup {
  rules: { alert: string; expr: string; annotations: { runbook: string } }[];
}
const alerts = (
  (await import('yaml')).parse(readFileSync(rulesFile, 'utf8')) as { groups: RuleGroup[] }
).groups.flatMap((g) => g.rules);

describe('deploy/prometheus with promtool', { skip: promtoolMissing }, () => {
  it('the rules pass `promtool check rules` and their unit tests', () => {
    const check = promtool('check', 'rules', rulesFile);
    assert.equal(check.status, 0, check.output);
    assert.match(check.output, new RegExp(`SUCCESS: ${alerts.length} rules found`));
    const unit = promtool('test', 'rules', join(prometheusDir, 'tests', 'streamforge.rules.test.yml'));
    assert.equal(unit.status, 0, unit.output);
  });

  it('every alert has a unit test and a runbook section in docs/operations.md', () => {
    const tests = readFileSync(join(prometheusDir, 'tests', 'streamforge.rules.test.yml'), 'utf8');
    const runbooks = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
    for (const alert of alerts) {
      assert.match(tests, new RegExp(`alertname: ${alert.alert}\\b`), `${alert.alert} has no unit test`);
      assert.equal(alert.annotations.runbook, `docs/operations.md#${alert.alert.toLowerCase()}`);
      assert.match(runbooks, new RegExp(`^#+ ${alert.alert}$`, 'm'), `no runbook heading for ${alert.alert}`);
    }
  });

  it('the scrape config passes `promtool check config` (Kubernetes discovery swapped for files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-prom-check-'));
    try {
      const meta = { __meta_kubernetes_pod_ip: '127.0.0.1' };
      const config = localConfig(dir, {
        'streamforge-queue-manager': { port: 1, meta },
        'streamforge-jobs': { port: 2, meta },
        'streamforge-consumer': { port: 3, meta },
      });
      const check = promtool('check', 'config', config);
      assert.equal(check.status, 0, check.output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const skip = kafkaSkipReason ?? prometheusMissing;

describe('the real Prometheus scraping StreamForge', { skip, timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-prom-'));
  const processes: CliProcess[] = [];
  const pages: string[] = [];
  const controlTopic = uniqueName('prom-control');
  const eventsTopic = uniqueName('prom-events');
  const usersTopic = uniqueName('prom-users');
  const schema = uniqueSchema('prom');
  const telemetryId = `dummy-service__${Math.random().toString(36).slice(2, 8)}`;
  let postgres: PrivatePostgres;
  let prometheus: PrometheusServer;
  let bus: KafkaBus;
  const ports = { manager: 0, job: 0, consumer: 0 };

  before(async () => {
    const kafka = testKafka().env;
    ports.manager = await freePort();
    ports.job = await freePort();
    ports.consumer = await freePort();
    const topics = { QUEUE_CONTROL_TOPIC: controlTopic, QUEUE_EVENTS_TOPIC: eventsTopic };
    const job = startCli(['dummy', '--simulate-loading', '--loading-interval', '1'], {
      ...kafka,
      ...topics,
      QUEUE_ID: uniqueName('wf-prom'),
      TELEMETRY_PRODUCER_ID: telemetryId,
      METRICS_PORT: String(ports.job),
      LOG_LEVEL: 'warn',
    });
    const consumer = startCli(['consumer'], {
      ...kafka,
      KAFKA_TOPIC: usersTopic,
      KAFKA_GROUP_ID: uniqueName('prom-consumer'),
      DATABASE_URL: testDatabaseUrl,
      DATABASE_SCHEMA: schema,
      METRICS_PORT: `127.0.0.1:${ports.consumer}`,
      KAFKA_MIN_BYTES: '1',
      KAFKA_MAX_WAIT: '100ms',
      KAFKA_LAG_INTERVAL: '250ms',
      LOG_LEVEL: 'warn',
    });
    processes.push(job, consumer); // stopped in after() even if what follows fails
    // The job and the consumer start while initdb runs: the manager needs its database first.
    postgres = await PrivatePostgres.start();
    const manager = startCli(['queue-manager'], {
      ...kafka,
      ...topics,
      DATABASE_URL: postgres.url,
      PORT: String(ports.manager),
      HOST: '127.0.0.1',
      JOB_LAUNCHER: 'process',
      QUEUE_MANAGER_GROUP_ID: uniqueName('prom-manager'),
      LOG_LEVEL: 'warn',
    });
    processes.push(manager);
    const ok = (port: number, path: string) => async () =>
      (await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.ok;
    for (const [what, port, process] of [
      ['queue manager ready', ports.manager, manager],
      ['dummy ready', ports.job, job],
      ['consumer ready', ports.consumer, consumer],
    ] as const) {
      await waitFor(what, ok(port, '/health/ready'), 60_000).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; its output:\n${process.output()}`, { cause: error });
      });
    }
    // One good event and one that is not JSON: a real dead letter for the alert.
    bus = new KafkaBus(testKafka().options);
    await bus.connect();
    await bus.produce([
      {
        topic: usersTopic,
        key: 'user-1',
        value: JSON.stringify({
          id: 'e1',
          type: 'user.created',
          source: 'prom-test',
          version: '1.0',
          timestamp: '2024-01-01T12:00:00Z',
          data: { user_id: 'user-1', username: 'ann', email: 'ann@example.com', action: 'create' },
        }),
      },
      { topic: usersTopic, key: 'user-2', value: 'not json' },
    ]);
    const pod = (name: string, labels: Record<string, string> = {}) => ({
      __meta_kubernetes_namespace: 'stf',
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_ip: '127.0.0.1',
      ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${k}`, v])),
    });
    const config = localConfig(dir, {
      'streamforge-queue-manager': {
        port: ports.manager,
        meta: {
          ...pod('streamforge-queue-manager-0', { app: 'streamforge' }),
          __meta_kubernetes_pod_container_port_name: 'http',
        },
      },
      'streamforge-jobs': {
        port: ports.job,
        meta: pod('job-graph-builder-btcusdt-k3v9qa-x1', {
          app: 'streamforge',
          target: 'graph-builder',
          telemetry_id: telemetryId,
          queue_id: 'wf-btcusdt-gnn_graph-20240801-abc123',
          attempt: '1',
        }),
      },
      'streamforge-consumer': {
        port: ports.consumer,
        meta: pod('streamforge-consumer-0', { app: 'streamforge' }),
      },
    });
    prometheus = await PrometheusServer.start(config, join(dir, 'tsdb'));
    for (const port of Object.values(ports))
      pages.push(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  });

  after(async () => {
    await prometheus?.stop();
    for (const p of processes.reverse()) await p.stop();
    await bus
      ?.deleteTopics([controlTopic, eventsTopic, usersTopic, `${usersTopic}-dlq`])
      .catch(() => undefined);
    await bus?.close();
    await postgres?.destroy();
    const db = await openTestDatabase();
    await dropSchema(db, schema).finally(() => db.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the manager, a job and a consumer, labelled as the Kubernetes relabelling says', async () => {
    const targets = await waitFor(
      'every target up',
      async () => {
        const data = await prometheus.api<{
          activeTargets: { health: string; labels: Record<string, string> }[];
        }>('targets');
        return (
          data.activeTargets.length === 3 &&
          data.activeTargets.every((t) => t.health === 'up') &&
          data.activeTargets
        );
      },
      60_000,
    );
    const job = targets.find((t) => t.labels.job === 'streamforge-jobs');
    assert.deepEqual(
      {
        target: job?.labels.target,
        telemetry_id: job?.labels.telemetry_id,
        attempt: job?.labels.attempt,
        ns: job?.labels.namespace,
      },
      { target: 'graph-builder', telemetry_id: telemetryId, attempt: '1', ns: 'stf' },
    );
    const loading = await waitFor(
      'the job’s loading events scraped',
      async () =>
        (await prometheus.query(`dummy_events_total{event="loading", telemetry_id="${telemetryId}"} > 0`))[0],
      30_000,
    );
    assert.equal(loading.metric.pod, 'job-graph-builder-btcusdt-k3v9qa-x1');
    const up = await prometheus.query('queue_manager_database_up{job="streamforge-queue-manager"}');
    assert.equal(up[0]?.value[1], '1');
    // The manager folds the dummy's telemetry (an unknown queue: skipped), read from its events topic.
    await waitFor(
      'telemetry folded',
      async () =>
        (await prometheus.query('queue_manager_telemetry_events_total{result="skipped"} > 0')).length > 0,
      30_000,
    );
  });

  it('every dashboard query runs and reads only series the services export', async () => {
    const exported = new Set([...pages.flatMap(declaredNames), 'up']);
    const series = new Set(await prometheus.api<string[]>('label/__name__/values'));
    let answered = 0;
    for (const { panel, expr } of dashboardExprs) {
      await prometheus.query(expr); // throws with Prometheus' parse error
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${panel}: ${expr} reads no metric`);
      for (const name of names)
        assert.ok(
          exported.has(name),
          `${panel}: ${name} is not exported by the manager, a job or a consumer`,
        );
      // Where every series it reads was scraped, the query must find them (its matchers fit the labels);
      // rate() and increase() need two scrapes, hence the wait.
      if (names.every((n) => series.has(n))) {
        await waitFor(
          `${panel}: ${expr} to find its scraped series`,
          async () => (await prometheus.query(expr)).length > 0,
          30_000,
        );
        answered += 1;
      }
    }
    assert.ok(
      answered >= dashboardExprs.length / 2,
      `only ${answered} dashboard queries could be checked on data`,
    );
    assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length);
  });

  it('every alert expression reads exported series; the rules evaluate; real dead letters fire', async () => {
    const exported = new Set([...pages.flatMap(declaredNames), 'up']);
    for (const alert of alerts)
      for (const name of metricNames(alert.expr))
        assert.ok(exported.has(name), `${alert.alert}: ${name} is exported by nothing`);
    const firing = await waitFor(
      'StreamForgeDeadLettersRising firing',
      async () =>
        (await prometheus.query('ALERTS{alertname="StreamForgeDeadLettersRising", alertstate="firing"}'))[0],
      60_000,
    );
    assert.equal(firing.metric.topic, usersTopic);
    assert.equal(firing.metric.pod, 'streamforge-consumer-0');
    const rules = await prometheus.api<{
      groups: { rules: { name: string; health: string; lastError?: string }[] }[];
    }>('rules');
    const broken = rules.groups.flatMap((g) => g.rules).filter((r) => r.health !== 'ok');
    assert.deepEqual(broken, []);
    // Healthy services: nothing else fires (the manager's database answers, its jobs are not lost).
    // (At the very first evaluation, before the first scrape, `absent(up{…})` makes
    // StreamForgeQueueManagerDown pending: it resolves with the next one.)
    await waitFor(
      'no other alert',
      async () => (await prometheus.query('ALERTS{alertname!="StreamForgeDeadLettersRising"}')).length === 0,
      30_000,
    ).catch(async (error: unknown) => {
      const left = await prometheus.query('ALERTS{alertname!="StreamForgeDeadLettersRising"}');
      throw new Error(`alerts left: ${left.map((a) => a.metric.alertname).join(', ')}`, { cause: error });
    });
  });

  it('the manager’s database stops: /metrics still answers and StreamForgeDatabaseDown is pending', async () => {
    await postgres.stop('immediate');
    try {
      const pending = await waitFor(
        'StreamForgeDatabaseDown pending',
        async () => (await prometheus.query('ALERTS{alertname="StreamForgeDatabaseDown"}'))[0],
        60_000,
      );
      assert.equal(pending.metric.alertstate, 'pending'); // `for: 2m`: firing needs two minutes
      const up = await prometheus.query('up{job="streamforge-queue-manager"}');
      assert.equal(up[0]?.value[1], '1', 'the manager itself is still scraped');
    } finally {
      await postgres.restart();
    }
    await waitFor(
      'database up again',
      async () => (await prometheus.query('queue_manager_database_up == 1')).length > 0,
      60_000,
    );
  });
});
