// The loader on a broker of its own that goes down mid-load (regression: the loader gave up 3 s after
// the broker died, leaving a partial topic without end-of-stream markers that a connector waits on
// forever). A restart within KAFKA_DELIVERY_TIMEOUT_SECONDS is ridden out, every record once; an outage
// beyond it fails the load, and the `error` event still reaches queue-events once the broker is back.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { KafkaBus, type Bus } from '../../../src/bus/index.ts';
import { END_OF_STREAM_KEY, dataTopic, type EndOfStream } from '../../../src/protocol/index.ts';
import { createLogger, readJobConfig, readKafkaConfig, type JobOutcome } from '../../../src/runtime/index.ts';
import { DebugClient } from '../../../src/services/debug/debug-client.ts';
import { DEFAULT_DUMMY_OPTIONS, runDummyService } from '../../../src/services/dummy/index.ts';
import { readLoaderOptions, runLoaderService } from '../../../src/services/loader/index.ts';
import { kafkaSkipReason } from '../../support/kafka.ts';
import { isolatedQueue, type QueueTopics } from '../../support/market-jobs.ts';
import { PrivateKafka } from '../../support/private-kafka.ts';
import { TelemetryRecorder } from '../../support/telemetry-recorder.ts';
import { waitFor } from '../../support/wait.ts';

const TYPE = 'synthetic_candles_1m';
const RECORDS = 150_000;

/** Starts a loader on its own bus (as its process would have), with its log lines kept. */
function startLoader(broker: PrivateKafka, queue: QueueTopics, deliveryTimeoutSeconds: number) {
  const env = {
    ...queue.env,
    KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
    KAFKA_DELIVERY_TIMEOUT_SECONDS: String(deliveryTimeoutSeconds),
    TARGET: 'loader-producer',
    SYMBOL: 'BTCUSDT',
    TYPE,
    SYNTHETIC_RECORDS: String(RECORDS),
    LOADER_BATCH_SIZE: '500',
  };
  const config = readJobConfig(env, 'loader-producer', 0);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'loader', level: 'info', destination: sink });
  const bus = new KafkaBus(readKafkaConfig(env)!);
  let settled: JobOutcome | undefined;
  const outcome = runLoaderService({
    config,
    options: readLoaderOptions(env),
    bus,
    logger,
    http: false,
    handleSignals: false,
  })
    .then((o) => (settled = o))
    .finally(() => bus.close());
  return { outcome, lines, telemetryId: config.telemetryId, settled: () => settled };
}

async function recordsOn(bus: Bus, topic: string): Promise<number> {
  let sum = 0;
  for (const end of (await bus.endOffsets(topic)).values()) sum += Number(end);
  return sum;
}

/** Every message of the topic, keys counted, end-of-stream markers apart. */
async function readTopic(bus: Bus, topic: string) {
  const total = await recordsOn(bus, topic);
  const subscription = await bus.subscribe({ topics: [topic], from: 'earliest' });
  const keys = new Map<string, number>();
  const markers: EndOfStream[] = [];
  let read = 0;
  const deadline = Date.now() + 120_000;
  while (read < total && Date.now() < deadline) {
    for (const record of await subscription.poll({ maxRecords: 5000 })) {
      read += 1;
      const key = record.key!.toString();
      if (key === END_OF_STREAM_KEY) markers.push(JSON.parse(record.value!.toString()) as EndOfStream);
      else keys.set(key, (keys.get(key) ?? 0) + 1);
    }
  }
  await subscription.close();
  return { keys, markers, read, total };
}

describe('loader through a broker outage', { skip: kafkaSkipReason, timeout: 600_000 }, () => {
  let broker: PrivateKafka;
  /** The test's own view of the private broker; reopened after each restart. */
  let bus: KafkaBus;

  before(async () => {
    broker = await PrivateKafka.start();
    bus = new KafkaBus(broker.options);
    await bus.connect();
  });
  after(async () => {
    await bus?.close();
    await broker?.destroy();
  });

  async function reopen(): Promise<void> {
    await bus.close();
    bus = new KafkaBus(broker.options);
    await bus.connect();
  }

  it('rides out a broker restart mid-load: every record exactly once, markers written', async () => {
    const queue = await isolatedQueue(bus, 'restart');
    const topic = dataTopic(queue.queueId, TYPE);
    const loader = startLoader(broker, queue, 90);
    await waitFor('the first records', async () => (await recordsOn(bus, topic).catch(() => 0)) > 0, 60_000);
    await broker.stop('kill');
    assert.equal(loader.settled(), undefined, 'the loader was still loading when the broker died');
    await sleep(20_000); // as long as a broker restart takes
    assert.equal(loader.settled(), undefined, 'the loader waited for the broker');
    await broker.restart();
    await reopen();
    const outcome = await loader.outcome;
    assert.equal(outcome.state, 'finished', `${outcome.error}\n${loader.lines.slice(-20).join('\n')}`);

    const { keys, markers, read, total } = await readTopic(bus, topic);
    assert.equal(read, total);
    assert.equal(keys.size, RECORDS, 'every record is there');
    const duplicated = [...keys].filter(([, count]) => count > 1);
    assert.deepEqual(duplicated.slice(0, 5), [], `${duplicated.length} records were written twice`);
    assert.equal(markers.length, 3, 'one end-of-stream marker per partition');
    assert.equal(
      markers.reduce((sum, m) => sum + m.records, 0),
      RECORDS,
    );
  });

  it('an outage beyond the delivery timeout fails the load; the error event gets out once the broker is back', async () => {
    const queue = await isolatedQueue(bus, 'outage');
    const topic = dataTopic(queue.queueId, TYPE);
    const loader = startLoader(broker, queue, 10);
    await waitFor('the first records', async () => (await recordsOn(bus, topic).catch(() => 0)) > 0, 60_000);
    await broker.stop('kill');
    assert.equal(loader.settled(), undefined, 'the loader was still loading when the broker died');
    // The broker comes back only once the loader has given up; its error event then has three more
    // delivery timeouts to get out (a restart after SIGKILL takes 10–20 s here).
    await waitFor('the loader to give up', () => loader.lines.some((l) => l.includes('job failed')), 60_000);
    await broker.restart();
    await reopen();
    const outcome = await loader.outcome;
    assert.equal(outcome.state, 'failed');
    assert.equal(outcome.code, 'SF_BUS_UNREACHABLE');
    assert.match(outcome.error ?? '', /KAFKA_DELIVERY_TIMEOUT_SECONDS/);

    const recorder = await TelemetryRecorder.open(bus, queue.events, { from: 'earliest' });
    try {
      const error = await recorder
        .waitFor(loader.telemetryId, 'error', 30_000)
        .catch((e: Error) => assert.fail(`${e.message}\n${loader.lines.slice(-15).join('\n')}`));
      assert.equal(error.error_code, 'SF_BUS_UNREACHABLE');
    } finally {
      await recorder.close();
    }
    const { markers } = await readTopic(bus, topic);
    assert.deepEqual(markers, [], 'an incomplete load writes no end-of-stream marker');
  });

  it("a job's control loop reads commands again after the broker restarted", async () => {
    // Regression: the control loop kept polling its failed subscription, so after a restart a job never
    // saw another ping or stop (and its liveness probe failed).
    const queue = await isolatedQueue(bus, 'control');
    const env = { ...queue.env, KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap };
    const config = readJobConfig(env, 'dummy-service', 0);
    const stop = new AbortController();
    const jobBus = new KafkaBus(readKafkaConfig(env)!);
    const outcome = runDummyService({
      config,
      options: { ...DEFAULT_DUMMY_OPTIONS },
      bus: jobBus,
      logger: createLogger({ service: 'dummy', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      http: false,
      handleSignals: false,
      signal: stop.signal,
    });
    const recorder = await TelemetryRecorder.open(bus, queue.events, { from: 'earliest' });
    await recorder.waitFor(config.telemetryId, 'started', 30_000);
    await recorder.close();
    await broker.stop('kill');
    await sleep(3000);
    await broker.restart();
    await reopen();
    const client = new DebugClient({ bus, controlTopic: queue.control, eventsTopic: queue.events });
    await client.open();
    try {
      const pongs = await client.ping(queue.queueId, { timeoutMs: 30_000 });
      assert.equal(pongs.length, 1, 'the job answered a ping sent after the restart');
    } finally {
      await client.close();
      stop.abort();
      assert.equal((await outcome).state, 'interrupted');
      await jobBus.close();
    }
  });
});
