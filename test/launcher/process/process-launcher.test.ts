import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaBus, type Subscription } from '../../../src/bus/index.ts';
import { ProcessLauncher, type JobExit } from '../../../src/launcher/index.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { waitFor } from '../../support/wait.ts';
import { collect, testSpec, topicsOn } from '../support.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';

describe('process launcher: one child process per job', { skip: kafkaSkipReason }, () => {
  const logDir = mkdtempSync(join(tmpdir(), 'sf-process-launcher-'));
  const exits: JobExit[] = [];
  const pids: number[] = [];
  let bus: KafkaBus;
  let launcher: ProcessLauncher;
  let topics: { control: string; events: string };
  let events: Subscription;

  before(async () => {
    const kafka = testKafka();
    bus = new KafkaBus(kafka.options);
    topics = await topicsOn(bus, 'process-launcher');
    events = await bus.subscribe({ topics: [topics.events], from: 'earliest' });
    const catalog = createJobCatalog({
      simulation: { loadingIntervalSeconds: 0.2, jobSeconds: 1, recordsPerTick: 5 },
    });
    // The manager's environment also holds its API token and unrelated secrets: they must not reach jobs.
    const managerEnv = {
      PATH: process.env.PATH,
      ...kafka.env,
      QUEUE_MANAGER_TOKEN: 'qm-secret',
      K8S_NAMESPACE: 'x',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
    };
    launcher = new ProcessLauncher({ catalog, baseEnv: managerEnv, logDir });
    launcher.onExit((exit) => exits.push(exit));
  });
  after(async () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await launcher.close();
    await events.close();
    await bus.deleteTopics([topics.control, topics.events]);
    await bus.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('runs `streamforge dummy` with the job environment; it finishes and exits 0', async () => {
    const spec = testSpec(topics);
    const { ref } = await launcher.launch(spec);
    pids.push(Number(ref));
    const seen = await collect(events, (e) =>
      e.some((t) => t.telemetry_id === spec.telemetryId && t.event === 'finished'),
    );
    const started = seen.find((t) => t.telemetry_id === spec.telemetryId && t.event === 'started')!;
    assert.equal(started.queue_id, spec.queueId);
    assert.equal(started.symbol, 'BTCUSDT');
    assert.equal(started.type, 'api_trades');
    const exit = await waitFor('exit', () => exits.find((e) => e.telemetryId === spec.telemetryId));
    assert.equal(exit.exitCode, 0);
    assert.match(readFileSync(join(logDir, `${spec.telemetryId}-1.log`), 'utf8'), /"msg":"job ended"/);
  });

  it('terminate kills the process group now; a second launcher finds it again by pid and environment', async () => {
    const spec = testSpec(topics, { type: 'ws_trades' });
    const { ref } = await launcher.launch(spec);
    pids.push(Number(ref));
    await collect(events, (e) => e.some((t) => t.telemetry_id === spec.telemetryId && t.event === 'started'));
    const handle = { ...spec, ref };
    const jobEnv = readFileSync(`/proc/${ref}/environ`, 'utf8').split('\0');
    assert.ok(jobEnv.includes(`QUEUE_ID=${spec.queueId}`), 'the job gets its own variables');
    assert.ok(
      jobEnv.some((v) => v.startsWith('KAFKA_BOOTSTRAP_SERVERS=')),
      'and the connection settings',
    );
    for (const secret of ['QUEUE_MANAGER_TOKEN', 'K8S_NAMESPACE', 'AWS_SECRET_ACCESS_KEY']) {
      assert.ok(!jobEnv.some((v) => v.startsWith(`${secret}=`)), `${secret} stays with the manager`);
    }

    // A manager that restarted has a new launcher: it adopts the running process and watches it.
    const restarted = new ProcessLauncher({
      catalog: createJobCatalog(),
      baseEnv: {},
      logDir,
      pollIntervalMs: 100,
    });
    const adoptedExits: JobExit[] = [];
    restarted.onExit((exit) => adoptedExits.push(exit));
    assert.deepEqual(await restarted.inspect([handle]), new Map([[spec.telemetryId, { state: 'running' }]]));
    assert.deepEqual(
      await restarted.inspect([{ ...handle, attempt: 2 }]),
      new Map([[spec.telemetryId, { state: 'absent' }]]),
      'another attempt is not this process',
    );

    await launcher.terminate(handle);
    const exit = await waitFor('exit', () => exits.find((e) => e.telemetryId === spec.telemetryId));
    assert.equal(exit.reason, 'killed by SIGKILL');
    const adopted = await waitFor('exit seen by the adopting launcher', () => adoptedExits[0]);
    assert.equal(adopted.exitCode, null);
    assert.deepEqual(await launcher.inspect([handle]), new Map([[spec.telemetryId, { state: 'absent' }]]));
    await restarted.close();
  });
});
