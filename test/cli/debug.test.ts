// `streamforge debug` (the seed's debug_producer.py) against the real broker, as a user runs it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { KafkaBus } from '../../src/bus/index.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../support/kafka.ts';
import { CLI, startDummy } from '../services/dummy/dummy-harness.ts';
import { TelemetryRecorder } from '../support/telemetry-recorder.ts';
import { waitFor } from '../support/wait.ts';

describe('streamforge debug', { skip: kafkaSkipReason }, () => {
  const topics = { QUEUE_CONTROL_TOPIC: uniqueName('control'), QUEUE_EVENTS_TOPIC: uniqueName('events') };
  let bus: KafkaBus;
  let recorder: TelemetryRecorder;

  const debug = (args: string[], untilLine?: RegExp) => {
    const child = spawn(process.execPath, [CLI, 'debug', ...args], {
      env: { PATH: process.env.PATH, ...testKafka().env, ...topics },
    });
    const lines: string[] = [];
    child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    child.stderr.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const exited = once(child, 'exit').then(([code]) => code as number);
    if (untilLine) {
      void waitFor('line', () => lines.some((l) => untilLine.test(l))).then(() => child.kill('SIGINT'));
    }
    return { lines, exited };
  };

  before(async () => {
    bus = new KafkaBus(testKafka().options);
    await bus.createTopics([{ name: topics.QUEUE_CONTROL_TOPIC }, { name: topics.QUEUE_EVENTS_TOPIC }]);
    recorder = await TelemetryRecorder.open(bus, topics.QUEUE_EVENTS_TOPIC);
  });
  after(async () => {
    await recorder.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
  });

  it('exits 1 when an expected pong does not arrive in time', async () => {
    const run = debug([
      '--queue-id',
      uniqueName('nobody'),
      '--command',
      'ping',
      '--expect-pong',
      '--timeout',
      '1',
    ]);
    assert.equal(await run.exited, 1);
    assert.ok(
      run.lines.some((l) => /no pong within 1 s/.test(l)),
      run.lines.join('\n'),
    );
  });

  it('prints each round trip, then stops the job; --follow prints its telemetry', async () => {
    const queueId = uniqueName('q-debug');
    const job = startDummy(
      { name: 'kafka', env: testKafka().env, create: () => bus, skip: undefined },
      bus,
      topics,
      queueId,
    );
    // A failed assertion must not leave the dummy running: the file would never end.
    try {
      await pingAndStop(job, queueId);
    } finally {
      job.terminate();
    }
  });

  async function pingAndStop(job: ReturnType<typeof startDummy>, queueId: string): Promise<void> {
    await recorder.waitFor(job.telemetryId, 'started');
    const follow = debug(['--queue-id', queueId, '--follow'], /interrupted/);
    await waitFor('follower ready', () => follow.lines.some((l) => l.startsWith('following')));

    const ping = debug([
      '--queue-id',
      queueId,
      '--command',
      'ping',
      '--expect-pong',
      '--repeat',
      '3',
      '--interval',
      '0.1',
      // Generous on a loaded machine: the default 5 s per pong is for people, not for CI.
      '--timeout',
      '30',
    ]);
    assert.equal(await ping.exited, 0);
    const rounds = ping.lines.filter((l) =>
      /^pong from dummy-service__\w{6} in \d+\.\d ms \(round \d\/3\)$/.test(l),
    );
    assert.equal(rounds.length, 3, ping.lines.join('\n'));
    assert.ok(ping.lines.some((l) => l.startsWith('round trips: 3, min')));

    const stop = debug(['--queue-id', queueId, '--command', 'stop']);
    assert.equal(await stop.exited, 0);
    assert.equal(await job.exited, 0);
    await follow.exited;
    assert.ok(
      follow.lines.some((l) => / pong +dummy-service__/.test(l)),
      follow.lines.join('\n'),
    );
    assert.ok(follow.lines.some((l) => / interrupted +dummy-service__/.test(l)));
  }

  it('refuses a bad command with a clear message and exit code 2', async () => {
    const run = debug(['--queue-id', 'x', '--command', 'reboot']);
    assert.equal(await run.exited, 2);
    assert.ok(run.lines.some((l) => /--command reboot: expected ping or stop/.test(l)));
  });
});
