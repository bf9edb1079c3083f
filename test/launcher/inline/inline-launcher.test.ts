import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus, type Subscription } from '../../../src/bus/index.ts';
import { InlineLauncher, type JobExit } from '../../../src/launcher/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { waitFor } from '../../support/wait.ts';
import { collect, testSpec, topicsOn } from '../support.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';

describe('inline launcher: jobs as in-process tasks on a shared bus', () => {
  const bus = new MemoryBus();
  const exits: JobExit[] = [];
  let launcher: InlineLauncher;
  let topics: { control: string; events: string };
  let events: Subscription;

  before(async () => {
    topics = await topicsOn(bus, 'inline');
    events = await bus.subscribe({ topics: [topics.events], from: 'earliest' });
    const catalog = createJobCatalog({
      simulation: { loadingIntervalSeconds: 0.05, jobSeconds: 0.3, recordsPerTick: 10 },
    });
    launcher = new InlineLauncher({
      bus,
      catalog,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    launcher.onExit((exit) => exits.push(exit));
  });
  after(async () => {
    await launcher.close();
    await bus.close();
  });

  it('runs a job to the end: started, loading, finished, and an exit with code 0', async () => {
    const spec = testSpec(topics);
    const result = await launcher.launch(spec);
    assert.equal(result.adopted, false);
    assert.deepEqual(
      await launcher.inspect([{ ...spec, ref: result.ref }]),
      new Map([[spec.telemetryId, { state: 'running' }]]),
    );
    const seen = await collect(events, (e) =>
      e.some((t) => t.telemetry_id === spec.telemetryId && t.event === 'finished'),
    );
    const mine = seen.filter((t) => t.telemetry_id === spec.telemetryId).map((t) => t.event);
    assert.equal(mine[0], 'started');
    assert.ok(mine.includes('loading'));
    assert.equal(mine.at(-1), 'finished');
    const exit = await waitFor('exit', () => exits.find((e) => e.telemetryId === spec.telemetryId));
    assert.equal(exit.exitCode, 0);
    assert.deepEqual(
      await launcher.inspect([{ ...spec, ref: result.ref }]),
      new Map([[spec.telemetryId, { state: 'absent' }]]),
    );
  });

  it('terminate aborts a streaming job: it ends interrupted', async () => {
    const spec = testSpec(topics, { type: 'ws_trades' });
    const { ref } = await launcher.launch(spec);
    await collect(events, (e) => e.some((t) => t.telemetry_id === spec.telemetryId && t.event === 'loading'));
    await launcher.terminate({ ...spec, ref });
    const seen = await collect(events, (e) =>
      e.some((t) => t.telemetry_id === spec.telemetryId && t.event === 'interrupted'),
    );
    assert.match(seen.find((t) => t.event === 'interrupted')!.message!, /terminated/);
    assert.equal(launcher.running, 0);
  });
});
