// bench/control-rtt: ping → pong round trips through a real dummy-service process over the real broker,
// and the floor: the same two hops (request → echo → reply) with @platformatic/kafka alone.
//   npm run bench:control-rtt [-- --pings 1000]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { Consumer, Producer, type Message } from '@platformatic/kafka';
import { KafkaBus } from '../../src/bus/index.ts';
import { uniqueSuffix } from '../support/names.ts';
import { DebugClient } from '../../src/services/debug/debug-client.ts';
import { startTestBroker } from '../../scripts/kafka/broker-env.ts';
import { formatMs, percentiles } from '../support/stats.ts';

const { values } = parseArgs({ options: { pings: { type: 'string', default: '1000' } } });
const pings = Number(values.pings);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? startTestBroker().KAFKA_BOOTSTRAP_SERVERS!;
const brokers = bootstrap.split(',');
const suffix = uniqueSuffix();
const topics = {
  QUEUE_CONTROL_TOPIC: `bench-control-${suffix}`,
  QUEUE_EVENTS_TOPIC: `bench-events-${suffix}`,
};
const bus = new KafkaBus({ bootstrapServers: brokers, clientId: 'bench' });
await bus.createTopics([{ name: topics.QUEUE_CONTROL_TOPIC }, { name: topics.QUEUE_EVENTS_TOPIC }]);

async function streamforgeRtt(): Promise<number[]> {
  const queueId = `bench-${suffix}`;
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../bin/streamforge.js'), 'dummy'], {
    env: {
      PATH: process.env.PATH,
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      QUEUE_ID: queueId,
      METRICS_PORT: '0',
      ...topics,
    },
    stdio: 'ignore',
  });
  const client = new DebugClient({
    bus,
    controlTopic: topics.QUEUE_CONTROL_TOPIC,
    eventsTopic: topics.QUEUE_EVENTS_TOPIC,
  });
  await client.open();
  // Wait for the job to answer before measuring: its start (JVM-free, but Kafka joins) is not the round trip.
  while ((await client.ping(queueId, { timeoutMs: 1000 })).length === 0);
  for (let i = 0; i < 50; i += 1) await client.ping(queueId, { timeoutMs: 5000 }); // warm-up
  const rtts: number[] = [];
  for (let i = 0; i < pings; i += 1) {
    const [reply] = await client.ping(queueId, { timeoutMs: 5000 });
    if (!reply) throw new Error(`ping ${i} got no pong within 5 s`);
    rtts.push(reply.roundTripMs);
  }
  await client.send('stop', queueId);
  await new Promise((r) => child.once('exit', r));
  await client.close();
  return rtts;
}

/** request topic → echo consumer → reply topic → origin consumer, raw client, same broker, same settings. */
async function rawRtt(): Promise<number[]> {
  const request = `bench-raw-req-${suffix}`;
  const reply = `bench-raw-rep-${suffix}`;
  await bus.createTopics([{ name: request }, { name: reply }]);
  const options = { bootstrapBrokers: brokers, idempotent: true, acks: -1 } as const;
  const producer = new Producer({ clientId: 'bench-raw-producer', ...options });
  const echoProducer = new Producer({ clientId: 'bench-raw-echo', ...options });
  const consumerOptions = { bootstrapBrokers: brokers, maxWaitTime: 100, autocommit: false } as const;
  const echo = new Consumer({
    clientId: 'bench-raw-echo',
    groupId: `bench-echo-${suffix}`,
    ...consumerOptions,
  });
  const origin = new Consumer({
    clientId: 'bench-raw-origin',
    groupId: `bench-origin-${suffix}`,
    ...consumerOptions,
  });
  const echoStream = await echo.consume({ topics: [request], mode: 'latest' });
  echoStream.on(
    'data',
    (m: Message) => void echoProducer.send({ messages: [{ topic: reply, key: m.key, value: m.value }] }),
  );
  const originStream = await origin.consume({ topics: [reply], mode: 'latest' });
  let waiting: (() => void) | undefined;
  originStream.on('data', () => waiting?.());
  const once = async (): Promise<number> => {
    const started = performance.now();
    const arrived = new Promise<void>((r) => (waiting = r));
    await producer.send({
      messages: [{ topic: request, key: Buffer.from('k'), value: Buffer.from('{"command":"ping"}') }],
    });
    await arrived;
    return performance.now() - started;
  };
  await new Promise((r) => setTimeout(r, 1000)); // both consumers positioned
  for (let i = 0; i < 50; i += 1) await once();
  const rtts: number[] = [];
  for (let i = 0; i < pings; i += 1) rtts.push(await once());
  await Promise.all([echoStream.close(), originStream.close()]);
  await Promise.all([echo.close(true), origin.close(true), producer.close(), echoProducer.close()]);
  await bus.deleteTopics([request, reply]);
  return rtts;
}

const ours = percentiles(await streamforgeRtt());
const floor = percentiles(await rawRtt());
await bus.deleteTopics(Object.values(topics));
await bus.close();

console.log(`control round trip over Kafka at ${bootstrap}, ${pings} sequential pings (50 warm-up)`);
console.log(
  `${'metric'.padEnd(6)}  ${'streamforge ping→pong'.padStart(22)}  ${'raw client echo (floor)'.padStart(24)}  ratio`,
);
for (const p of ['p50', 'p95', 'p99']) {
  console.log(
    `${p.padEnd(6)}  ${formatMs(ours[p]!).padStart(22)}  ${formatMs(floor[p]!).padStart(24)}  ${(ours[p]! / floor[p]!).toFixed(2)}×`,
  );
}
console.log(
  `target: p99 < 25 ms → ${ours.p99! < 25 ? 'met' : 'NOT met'}; within 2× of the floor → ${ours.p99! <= 2 * floor.p99! ? 'met' : 'NOT met'}`,
);
