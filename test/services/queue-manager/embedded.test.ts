// The embedded mode end to end on its real parts: PGlite, the memory bus, in-process jobs, the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBus, type Subscription } from '../../../src/bus/index.ts';
import { parseCommand } from '../../../src/protocol/index.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { assertPassesPromtool } from '../../support/promtool.ts';
import { waitFor } from '../../support/wait.ts';
import { SEED_HISTORICAL, SEED_REALTIME, api, startManager, testConfig } from './harness.ts';
import { readSse } from './sse.ts';
import { SilentAwareLauncher, failFirstCatalog } from './test-launchers.ts';

const TOKEN = 'test-token-123';

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody: {
          content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }>;
        };
      }
    >
  >;
}

describe('queue manager, embedded: PGlite + memory bus + inline jobs', () => {
  const bus = new MemoryBus();
  let sql: PGliteClient;
  let manager: QueueManager;
  let launcher: SilentAwareLauncher;
  let http: ReturnType<typeof api>;
  let control: Subscription;
  const config = testConfig({
    QUEUE_MANAGER_TOKEN: TOKEN,
    HEARTBEAT_TIMEOUT_SECONDS: '0.8',
    PING_TIMEOUT_SECONDS: '0.5',
    STOP_GRACE_SECONDS: '5',
  });
  let historical: string;

  const queue = async (id: string) => (await http.get(`/queues/${id}`)).body;
  const metricsText = async () => (await fetch(`${http.base}/metrics`)).text();
  const until = (id: string, status: string) =>
    waitFor(
      `queue ${id} ${status}`,
      async () => ((await queue(id)).status === status ? queue(id) : undefined),
      20_000,
    );

  before(async () => {
    sql = await PGliteClient.open();
    const catalog = failFirstCatalog(config.simulation);
    launcher = new SilentAwareLauncher(bus, catalog);
    manager = await startManager({ config, sql, bus, launcher, catalog });
    http = api(manager, TOKEN);
    control = await bus.subscribe({ topics: [config.controlTopic], from: 'earliest' });
  });
  after(async () => {
    await control.close();
    await manager.close();
    await bus.close();
    await sql.close();
  });

  it('starts seed 004 example 1 and runs it in DAG order to finished, streamed over SSE', async () => {
    const started = await http.post('/queues/start', SEED_HISTORICAL);
    assert.equal(started.status, 201, JSON.stringify(started.body));
    historical = started.body.queue_id;
    assert.match(historical, /^wf-btcusdt-api_candles_5m-20240601-[a-z0-9]{6}$/);
    assert.equal(started.body.jobs.length, 6);
    for (const job of started.body.jobs) {
      assert.match(job.telemetry_id, new RegExp(`^${job.target}__[a-z0-9]{6}$`));
      assert.ok(job.job_name.length <= 63);
      assert.ok(job.topic.startsWith(historical));
      assert.ok(job.collection);
    }
    assert.deepEqual(
      started.body.jobs.slice(4).map((j) => j.status),
      ['pending', 'pending'],
      'the graph and training wait',
    );
    const stream = await readSse(`${http.base}/queues/${historical}/events?stream=true`);
    assert.deepEqual(stream.at(-1), {
      event: 'status',
      id: undefined,
      data: { queue_id: historical, status: 'finished' },
    });
    const telemetry = stream.filter((e) => e.event === 'telemetry');
    assert.equal(
      telemetry.filter((e) => e.data.event === 'finished').length,
      6,
      'six jobs finished on the stream',
    );
    const ids = telemetry.map((e) => Number(e.id));
    assert.deepEqual(
      ids,
      ids.toSorted((a, b) => a - b),
    );

    const view = await queue(historical);
    assert.equal(view.status, 'finished');
    const [c1, c2, graph, train] = [view.jobs[2]!, view.jobs[3]!, view.jobs[4]!, view.jobs[5]!];
    const t = (s: string): number => Date.parse(s);
    assert.ok(
      t(graph.launched_at) >= Math.max(t(c1.finished_at), t(c2.finished_at)),
      'graph-builder after both connectors',
    );
    assert.ok(t(train.launched_at) >= t(graph.finished_at), 'gnn-trainer after the graph');
    for (const job of view.jobs) {
      assert.equal(job.status, 'finished');
      assert.ok(job.records_written > 0);
      assert.equal(job.last_event.event, 'finished');
      assert.ok(job.duration_seconds > 0);
    }
    // Regression: the queue added its loaders' counts to the connectors' that stored the same records.
    const loaders = view.jobs.filter((j) => j.target === 'loader-producer');
    assert.ok(
      loaders.every((l) => view.jobs.some((j) => j.target === 'arango-connector' && j.topic === l.topic)),
    );
    const notLoaders = view.jobs.filter((j) => j.target !== 'loader-producer');
    assert.equal(
      view.records_written,
      notLoaders.reduce((sum, j) => sum + j.records_written, 0),
    );
    const listed = (await http.get('/queues?status=finished')).body.items.find(
      (q) => q.queue_id === view.queue_id,
    );
    assert.equal(listed?.records_written, view.records_written, 'the list counts as the queue view');
    const launches = await sql.query<{ n: number }>(`select count(*)::int as n from qm_launches`);
    assert.equal(launches.rows[0]!.n, 6);
  });

  it('pages the event history and the queue list in the database', async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = await http.get(`/queues/${historical}/events?limit=7&after=${after}`);
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((e) => e.id));
      if (page.body.next_after === null) break;
      after = page.body.next_after;
    }
    const stored = await sql.query<{ n: number }>(
      `select count(*)::int as n from qm_events where queue_id = $1`,
      [historical],
    );
    assert.equal(seen.length, stored.rows[0]!.n);
    assert.equal(new Set(seen).size, seen.length);

    const second = await http.post('/queues/start', { ...SEED_HISTORICAL, symbol: 'ethusdt' });
    const page1 = await http.get('/queues?limit=1');
    assert.equal(page1.body.items.length, 1);
    assert.equal(page1.body.items[0]!.queue_id, second.body.queue_id, 'newest first');
    assert.ok(page1.body.total >= 2);
    const page2 = await http.get(`/queues?limit=1&cursor=${page1.body.next_cursor}`);
    assert.equal(page2.body.items[0]!.queue_id, historical);
    const finished = await http.get('/queues?status=finished&symbol=btcusdt');
    assert.deepEqual(
      finished.body.items.map((q) => q.queue_id),
      [historical],
    );
    assert.deepEqual(finished.body.items[0]!.jobs_by_status, { finished: 6 });
    await until(second.body.queue_id, 'finished');
  });

  it('stop reaches every job of seed 004 example 2 ("microservices"): each publishes interrupted', async () => {
    const started = await http.post('/queues/start', SEED_REALTIME);
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.queue_id;
    await waitFor('all seven running', async () =>
      (await queue(id)).jobs.every((j) => j.status === 'running'),
    );
    const stopped = await http.post(`/queues/${id}/stop`);
    assert.equal(stopped.status, 202);
    const view = await until(id, 'stopped');
    for (const job of view.jobs) {
      assert.equal(job.status, 'stopped', `${job.telemetry_id} stopped`);
      assert.equal(job.last_event.event, 'interrupted');
    }
    const again = await http.post(`/queues/${id}/stop`);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'SF_CONFLICT');
  });

  it('terminate kills every active job at once and never starts the waiting ones', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'SOLUSDT',
      time_range: '2024-08-01:2024-08-01',
      requests: [
        { target: 'loader-producer', type: 'ws_trades' },
        { target: 'arango-connector', type: 'api_trades' },
        { target: 'graph-builder', type: 'gnn_graph' },
      ],
    });
    const id = started.body.queue_id;
    await waitFor('loader running', async () => (await queue(id)).jobs[0]!.status === 'running');
    const result = await http.post(`/queues/${id}/terminate`);
    assert.equal(result.status, 202);
    assert.deepEqual(
      result.body.jobs.map((j) => j.status),
      ['terminated', 'terminated', 'stopped'],
    );
    assert.equal(result.body.status, 'stopped');
    const [loader, connector, graph] = [0, 1, 2].map((i) => started.body.jobs[i]!.telemetry_id) as [
      string,
      string,
      string,
    ];
    assert.ok(launcher.terminated.includes(loader) && launcher.terminated.includes(connector));
    assert.ok(!launcher.launched.some((l) => l.startsWith(graph)), 'the graph was never launched');
  });

  it('a failed job marks its dependents not run; retrying it runs them and finishes the queue', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'ADAUSDT',
      time_range: '2024-08-01:2024-08-02',
      requests: [
        { target: 'loader-producer', type: 'api_trades', fail_first: true },
        { target: 'arango-connector', type: 'api_candles_1m' },
        { target: 'graph-builder', type: 'gnn_graph', collection_inputs: ['adausdt_api_trades_2024_08_01'] },
      ],
    });
    const id = started.body.queue_id;
    const loader = started.body.jobs[0]!.telemetry_id;
    const failed = await until(id, 'failed');
    assert.equal(failed.jobs[0]!.status, 'failed');
    assert.match(failed.jobs[0]!.error.message, /simulated failure/);
    assert.equal(failed.jobs[0]!.error.code, 'SF_JOB_FAILED');
    assert.deepEqual(failed.jobs[2]!.depends_on, [loader]);
    assert.equal(failed.jobs[1]!.status, 'finished', 'independent jobs go on');
    // The graph can never start while its input failed: marked not run, so nothing is left pending.
    assert.equal(failed.jobs[2]!.status, 'stopped');
    assert.equal(failed.jobs[2]!.error.code, 'SF_UPSTREAM_FAILED');
    assert.match(
      failed.jobs[2]!.error.message,
      new RegExp(`^not run: it waits for ${loader}, which ended failed`),
    );
    // Regression: a retry's launch latency was counted from the queue's start, not from the retry.
    await sleep(1000);
    const latencySum = async () =>
      Number(/^queue_manager_launch_latency_seconds_sum\{[^}]*\} (\S+)$/m.exec(await metricsText())?.[1]);
    const sumBefore = await latencySum();
    const sinceStart = (Date.now() - Date.parse(failed.created_at)) / 1000;
    const retried = await http.post(`/queues/${id}/jobs/${loader}/retry`);
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    const done = await until(id, 'finished');
    const retryLatency = (await latencySum()) - sumBefore;
    assert.ok(
      retryLatency < sinceStart / 2,
      `retry launched ${retryLatency} s after it became ready, not ${sinceStart} s`,
    );
    assert.equal(done.jobs[0]!.attempt, 2);
    assert.match(done.jobs[0]!.job_name, /-r2$/);
    assert.equal(done.jobs[0]!.error, null);
    assert.deepEqual(
      launcher.launched.filter((l) => l.startsWith(loader)),
      [`${loader}#1`, `${loader}#2`],
    );
    const finishedRetry = await http.post(`/queues/${id}/jobs/${loader}/retry`);
    assert.equal(finishedRetry.status, 409);
    assert.equal((await http.post(`/queues/${id}/jobs/loader-producer__nope00/retry`)).status, 404);
  });

  it('a redelivered event changes nothing: records are not counted twice', async () => {
    const before = await queue(historical);
    const stored = await sql.query<{ payload: object }>(
      `select payload from qm_events where queue_id = $1 order by id`,
      [historical],
    );
    const records = stored.rows.map((r) => ({
      topic: config.eventsTopic,
      key: historical,
      value: JSON.stringify(r.payload),
    }));
    await bus.produce(records);
    await bus.produce(records);
    await waitFor('the redelivered events folded', async () => {
      const lag = await bus.lag(config.groupId, config.eventsTopic);
      return [...lag.values()].every((n) => n === 0n);
    });
    const after = await queue(historical);
    assert.equal(after.records_written, before.records_written);
    assert.deepEqual(
      after.jobs.map((j) => j.records_written),
      before.jobs.map((j) => j.records_written),
    );
    const count = await sql.query<{ n: number }>(
      `select count(*)::int as n from qm_events where queue_id = $1`,
      [historical],
    );
    assert.equal(count.rows[0]!.n, stored.rows.length);
    const metrics = await (await fetch(`${http.base}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`queue_manager_telemetry_events_total\\{result="skipped"\\} ${records.length * 2}`),
    );
  });

  it('a silent job is pinged, then marked lost and terminated', async () => {
    const started = await http.post('/queues/start', {
      symbol: 'DOTUSDT',
      time_range: '2024-08-01:2024-08-01',
      requests: [{ target: 'visualizer', type: 'graph_metrics_stream', source: 'x', silent: true }],
    });
    const id = started.body.queue_id;
    const job = started.body.jobs[0]!.telemetry_id;
    const view = await until(id, 'failed');
    assert.equal(view.jobs[0]!.status, 'lost');
    assert.match(view.jobs[0]!.error.message, /no telemetry for \d+ s and no pong within 0.5 s of a ping/);
    const pings: unknown[] = [];
    for (const record of await control.poll({ maxWaitMs: 200, maxRecords: 10_000 })) {
      const parsed = parseCommand(record.value);
      if (parsed.ok && parsed.value.command === 'ping' && parsed.value.target === job)
        pings.push(parsed.value);
    }
    assert.equal(pings.length, 1, 'pinged once before being given up');
    assert.ok(launcher.terminated.includes(job), 'the launcher killed it so it cannot leak');
  });

  it('answers bad requests with 400 and every reason, mutations without the token with 401', async () => {
    const bad = await http.post('/queues/start', {
      symbol: 'BTC/USDT',
      time_range: '2024-6-1',
      requests: [{ target: 'loader-producer' }],
      extra: 1,
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'SF_INVALID_REQUEST');
    assert.deepEqual(bad.body.reasons!.toSorted(), [
      'extra is not a known field',
      'requests[0].type is required',
      'symbol "BTC/USDT": expected a trading pair of letters and digits, e.g. BTCUSDT',
      'time_range "2024-6-1": expected two UTC days, YYYY-MM-DD:YYYY-MM-DD, both inclusive',
    ]);
    const notJson = await fetch(`${http.base}/queues/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"symbol":',
    });
    assert.equal(notJson.status, 400);
    const anonymous = await api(manager).post('/queues/start', SEED_HISTORICAL);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, 'SF_UNAUTHORIZED');
    assert.equal((await api(manager, 'wrong').post(`/queues/${historical}/stop`)).status, 401);
    assert.equal((await api(manager).get(`/queues/${historical}`)).status, 200, 'reading needs no token');
  });

  it('serves probes, metrics and the OpenAPI document generated from the schemas', async () => {
    for (const probe of ['live', 'ready', 'startup']) {
      const res = await http.get(`/health/${probe}`);
      assert.equal(res.status, 200, `${probe}: ${JSON.stringify(res.body)}`);
    }
    const metrics = await (await fetch(`${http.base}/metrics`)).text();
    for (const name of [
      'queue_manager_queues{status="finished"}',
      'queue_manager_jobs_launched_total',
      'queue_manager_jobs_failed_total',
      'queue_manager_telemetry_events_total',
      'queue_manager_launch_latency_seconds_bucket',
    ]) {
      assert.ok(metrics.includes(name), name);
    }
    assertPassesPromtool(metrics, 'the queue manager /metrics');
    const doc = (await http.get('/docs/json')).body as unknown as OpenApi;
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/health/live',
      '/health/ready',
      '/health/startup',
      '/metrics',
      '/queues',
      '/queues/start',
      '/queues/{id}',
      '/queues/{id}/events',
      '/queues/{id}/jobs/{telemetry_id}/retry',
      '/queues/{id}/stop',
      '/queues/{id}/terminate',
      '/streams/queues',
    ]);
    const body = doc.paths['/queues/start']!.post!.requestBody.content['application/json']!.schema;
    assert.deepEqual(body.required, ['symbol', 'time_range']);
    assert.ok(body.properties.microservices);
    assert.equal((await fetch(`${http.base}/docs`)).status, 200);
  });
});
