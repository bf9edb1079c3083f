// dummy-service obeys the control protocol the same way on every bus: memory in-process, and Kafka
// (PLAINTEXT and SASL_SSL) as a real `streamforge dummy` process.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '../../../src/bus/index.ts';
import { createCommand } from '../../../src/protocol/index.ts';
import { DebugClient } from '../../../src/services/debug/debug-client.ts';
import { busesUnderTest } from '../../support/buses.ts';
import { uniqueName } from '../../support/kafka.ts';
import { TelemetryRecorder } from '../../support/telemetry-recorder.ts';
import { waitFor } from '../../support/wait.ts';
import { assertPassesPromtool } from '../../support/promtool.ts';
import { metricValue, metricsOf, startDummy, type DummyJob, type Topics } from './dummy-harness.ts';

for (const target of busesUnderTest()) {
  describe(`dummy-service on ${target.name}`, { skip: target.skip }, () => {
    let bus: Bus;
    let topics: Topics;
    let recorder: TelemetryRecorder;
    let debug: DebugClient;
    const jobs: DummyJob[] = [];

    const start = async (queueId: string, flags: string[] = []): Promise<DummyJob> => {
      const job = startDummy(target, bus, topics, queueId, flags);
      jobs.push(job);
      await recorder.waitFor(job.telemetryId, 'started');
      return job;
    };
    const sendRaw = (value: string | Buffer): Promise<void> =>
      bus.produce([{ topic: topics.QUEUE_CONTROL_TOPIC, key: 'q', value }]);

    before(async () => {
      bus = target.create();
      await bus.connect();
      topics = { QUEUE_CONTROL_TOPIC: uniqueName('control'), QUEUE_EVENTS_TOPIC: uniqueName('events') };
      await bus.createTopics([
        { name: topics.QUEUE_CONTROL_TOPIC },
        { name: topics.QUEUE_EVENTS_TOPIC, partitions: 3 },
      ]);
      recorder = await TelemetryRecorder.open(bus, topics.QUEUE_EVENTS_TOPIC);
      debug = new DebugClient({
        bus,
        controlTopic: topics.QUEUE_CONTROL_TOPIC,
        eventsTopic: topics.QUEUE_EVENTS_TOPIC,
      });
      await debug.open();
    });

    after(async () => {
      for (const job of jobs) job.terminate();
      await Promise.all(jobs.map((j) => j.exited));
      await debug.close();
      await recorder.close();
      await bus.deleteTopics([topics.QUEUE_CONTROL_TOPIC, topics.QUEUE_EVENTS_TOPIC]);
      await bus.close();
    });

    it('answers a ping with a pong that echoes sent_at and command_id', async () => {
      const queueId = uniqueName('q-ping');
      const job = await start(queueId);
      const [reply, ...more] = await debug.ping(queueId, { timeoutMs: 10_000 });
      assert.ok(reply, 'a pong arrived');
      assert.equal(more.length, 0);
      const pong = reply.telemetry;
      assert.equal(pong.event, 'pong');
      assert.equal(pong.status, 'pong');
      assert.equal(pong.telemetry_id, job.telemetryId);
      assert.equal(pong.producer, job.telemetryId);
      assert.equal(pong.queue_id, queueId);
      assert.equal(typeof pong.ping_ts, 'number');
      assert.ok(pong.ponged_at! >= pong.ping_ts!);
      assert.ok(pong.command_id);
      assert.equal(pong.finished, false);
      await debug.send('stop', queueId);
      assert.equal(await job.exited, 0);
    });

    it('stop: publishes interrupted (finished: true) as its last event and exits 0', async () => {
      const queueId = uniqueName('q-stop');
      const job = await start(queueId, ['--simulate-loading', '--loading-interval', '0.1']);
      await recorder.waitFor(job.telemetryId, 'loading');
      await debug.send('stop', queueId);
      assert.equal(await job.exited, 0);
      const events = recorder.of(job.telemetryId);
      const last = events.at(-1)!;
      assert.equal(last.event, 'interrupted');
      assert.equal(last.finished, true);
      assert.equal(events.filter((e) => e.finished).length, 1, 'exactly one terminal event');
    });

    it('two jobs of one queue both answer one ping and both stop on one stop; another queue ignores them', async () => {
      const queueId = uniqueName('q-pair');
      const otherQueue = uniqueName('q-other');
      const [a, b, other] = await Promise.all([start(queueId), start(queueId), start(otherQueue)]);
      const replies = await debug.ping(queueId, { timeoutMs: 10_000, expect: 2 });
      assert.deepEqual(
        replies.map((r) => r.telemetry.telemetry_id).sort(),
        [a.telemetryId, b.telemetryId].sort(),
      );
      await debug.send('stop', queueId);
      assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
      assert.equal(recorder.of(other.telemetryId, 'pong').length, 0);
      assert.equal(recorder.of(other.telemetryId, 'interrupted').length, 0);
      // The other queue's job is still there and answers its own queue.
      assert.equal((await debug.ping(otherQueue, { timeoutMs: 10_000 })).length, 1);
      await debug.send('stop', otherQueue);
      assert.equal(await other.exited, 0);
    });

    it('queue_id "*" and a target address jobs across queues and within a queue', async () => {
      const queueId = uniqueName('q-star');
      const [a, b] = await Promise.all([start(queueId), start(uniqueName('q-star2'))]);
      const replies = await debug.ping('*', { timeoutMs: 10_000, expect: 2 });
      const ids = replies.map((r) => r.telemetry.telemetry_id);
      assert.ok(ids.includes(a.telemetryId) && ids.includes(b.telemetryId));
      const targeted = await debug.ping('*', { timeoutMs: 2_000, expect: 2, target: a.telemetryId });
      assert.deepEqual(
        targeted.map((r) => r.telemetry.telemetry_id),
        [a.telemetryId],
      );
      await debug.send('stop', '*', a.telemetryId);
      assert.equal(await a.exited, 0);
      await debug.send('stop', '*', b.telemetryId);
      assert.equal(await b.exited, 0);
    });

    it('--fail-after publishes error with the message and exits non-zero', async () => {
      const job = await start(uniqueName('q-fail'), ['--fail-after', '0.5']);
      assert.equal(await job.exited, 1);
      const error = await recorder.waitFor(job.telemetryId, 'error');
      assert.equal(error.finished, true);
      assert.match(error.error_message!, /simulated failure/);
      assert.equal(error.error_code, 'SF_JOB_FAILED');
    });

    it('--noop sends started only', async () => {
      const job = await start(uniqueName('q-noop'), ['--noop']);
      assert.equal(await job.exited, 0);
      await sleep(300);
      assert.deepEqual(
        recorder.of(job.telemetryId).map((e) => e.event),
        ['started'],
      );
    });

    it('--exit-on-ping finishes after the pong; --exit-after with --simulate-loading reports progress', async () => {
      const queueId = uniqueName('q-exit');
      const onPing = await start(queueId, ['--exit-on-ping']);
      await debug.ping(queueId, { timeoutMs: 10_000 });
      assert.equal(await onPing.exited, 0);
      assert.deepEqual(
        recorder.of(onPing.telemetryId).map((e) => e.event),
        ['started', 'pong', 'finished'],
      );

      const loading = await start(uniqueName('q-load'), [
        '--simulate-loading',
        '--loading-interval',
        '0.2',
        '--exit-after',
        '1.1',
      ]);
      assert.equal(await loading.exited, 0);
      const events = recorder.of(loading.telemetryId);
      const progress = events.filter((e) => e.event === 'loading').map((e) => e.records_written);
      assert.ok(progress.length >= 3, `loading events: ${progress.length}`);
      assert.deepEqual(
        progress,
        progress.toSorted((x, y) => x! - y!),
      );
      assert.equal(events.at(-1)!.event, 'finished');
      assert.equal(events.at(-1)!.records_total, 5000);
    });

    it('bad messages on queue-control are counted and skipped; the job keeps answering', async () => {
      const queueId = uniqueName('q-bad');
      const job = await start(queueId);
      await sendRaw(Buffer.from([0xff, 0x00, 0xfe, 0x13]));
      await sendRaw('{"command": "ping", "queue_id": ');
      await sendRaw(JSON.stringify({ ...createCommand('ping', queueId), command: 'reboot' }));
      await sendRaw(JSON.stringify({ command: 'ping' }));
      const replies = await debug.ping(queueId, { timeoutMs: 10_000 });
      assert.equal(replies.length, 1);
      const invalid = await waitFor('invalid count', async () => {
        const n = metricValue(await metricsOf(job), 'streamforge_control_commands_total{result="invalid"}');
        return n === 4 ? n : undefined;
      });
      assert.equal(invalid, 4);
      await debug.send('stop', queueId);
      assert.equal(await job.exited, 0);
    });

    it('serves the seed metrics and the health probes', async () => {
      const queueId = uniqueName('q-metrics');
      const job = await start(queueId);
      await debug.ping(queueId, { timeoutMs: 10_000 });
      const text = await waitFor('pong counted', async () => {
        const t = await metricsOf(job);
        return metricValue(t, 'dummy_pongs_total') === 1 ? t : undefined;
      });
      assertPassesPromtool(text, 'dummy-service /metrics');
      assert.equal(metricValue(text, 'dummy_pings_total'), 1);
      assert.equal(metricValue(text, 'dummy_events_total{event="started"}'), 1);
      assert.equal(metricValue(text, 'dummy_events_total{event="pong"}'), 1);
      assert.equal(metricValue(text, 'dummy_status_last{status="started"}'), 1);
      const port = await job.port();
      for (const probe of ['live', 'ready', 'startup']) {
        const response = await fetch(`http://127.0.0.1:${port}/health/${probe}`);
        assert.equal(response.status, 200, probe);
      }
      job.terminate();
      assert.equal(await job.exited, 0);
      assert.equal(recorder.of(job.telemetryId).at(-1)!.event, 'interrupted');
    });
  });
}
