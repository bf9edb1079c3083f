// bench/geobot-gateway: POST /create_user requests per second through the geobot LK gateway (schema
// validation, the envelope, acks=all on the real broker, metrics), and in the same run a bare Fastify
// route that wraps the same body into the same envelope and produces it with the same Kafka client:
// the floor of HTTP + Kafka, one produce call per request. A third route does the same with the
// gateway's group commit (GroupProduce): the floor the gateway's own work (validation, metrics) is
// measured against. The runs alternate so that a neighbour's burst on a shared machine hits all alike.
// The load generator runs in a worker thread.
//   npm run bench:geobot-gateway [-- --seconds 5 --connections 32 --rounds 2 --force]
// Needs a broker: KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:19092, what npm run kafka:start starts).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { KafkaBus, type OutgoingRecord } from '../../src/bus/index.ts';
import { createEnvelope } from '../../src/protocol/geobot/envelope.ts';
import { createLogger } from '../../src/runtime/index.ts';
import { GeobotGateway, readGatewayConfig } from '../../src/services/geobot/index.ts';
import { GroupProduce } from '../../src/services/geobot/gateway/group-produce.ts';
import { loadNow, refuseWhenBusy } from '../support/load.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
    force: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
refuseWhenBusy(values.force);

interface Run {
  requests: number;
  errors: number;
  seconds: number;
}

function load(url: string, duration: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load.ts', import.meta.url), {
      workerData: { url, connections, seconds: duration, expect: 202 },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const brokers = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:19092';
const topic = `bench-geobot-${randomUUID().slice(0, 8)}`;
const bus = new KafkaBus({ bootstrapServers: brokers.split(','), clientId: 'bench-geobot' });
await bus.connect();
const gateway = new GeobotGateway({
  config: readGatewayConfig({
    KAFKA_BOOTSTRAP_SERVERS: brokers,
    PORT: '0',
    HOST: '127.0.0.1',
    CREATE_USER_TOPIC: topic,
    UPDATE_USER_TOPIC: `${topic}-update`,
    INFO_TOPIC: `${topic}-info`,
    TASK_TOPIC: `${topic}-task`,
  }),
  bus,
  logger: createLogger({ service: 'bench', level: 'warn' }),
});
// The floor: the same envelope on the same topic with the same client, without validation or metrics.
const group = new GroupProduce(bus);
const bare = Fastify();
for (const [path, produce] of [
  ['/create_user', (record: OutgoingRecord) => bus.produce([record])],
  ['/grouped/create_user', (record: OutgoingRecord) => group.produce(record)],
] as const) {
  bare.post(path, async (request, reply) => {
    const body = request.body as { user_id: string };
    const envelope = createEnvelope('lk', 'create_user', 'It is create_user', body);
    await produce({ topic, key: body.user_id, value: JSON.stringify(envelope) });
    return reply.status(202).send({ status: 'accepted', topic, key: body.user_id, envelope });
  });
}
try {
  await gateway.start();
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;
  const bareUrl = `http://127.0.0.1:${barePort}/create_user`;
  const groupedUrl = `http://127.0.0.1:${barePort}/grouped/create_user`;
  const gatewayUrl = `http://127.0.0.1:${gateway.port}/create_user`;

  // Warm-up: connections, JIT, the producer's metadata.
  for (const url of [bareUrl, groupedUrl, gatewayUrl]) await load(url, 1);
  const empty = (): Run => ({ requests: 0, errors: 0, seconds: 0 });
  const total = { bare: empty(), grouped: empty(), gateway: empty() };
  const add = (into: Run, run: Run) => {
    into.requests += run.requests;
    into.errors += run.errors;
    into.seconds += run.seconds;
  };
  for (let round = 0; round < rounds; round += 1) {
    add(total.bare, await load(bareUrl, seconds));
    add(total.grouped, await load(groupedUrl, seconds));
    add(total.gateway, await load(gatewayUrl, seconds));
  }
  const rate = (r: Run): number => r.requests / r.seconds;
  console.log(
    `geobot-gateway: POST /create_user → ${topic} (acks=all, idempotent), ${connections} keep-alive connections, ${rounds} × ${seconds} s each, load ${loadNow()}`,
  );
  console.log(
    `  gateway (validation, envelope, metrics):   ${Math.round(rate(total.gateway))} req/s (${total.gateway.errors} errors)`,
  );
  console.log(
    `  bare Fastify route, same record & client:  ${Math.round(rate(total.bare))} req/s (${total.bare.errors} errors)`,
  );
  console.log(
    `  bare route with the same group commit:     ${Math.round(rate(total.grouped))} req/s (${total.grouped.errors} errors)`,
  );
  const ratio = rate(total.gateway) / rate(total.bare);
  console.log(
    `  ratio to the bare route: ${ratio.toFixed(2)}   target: ≥ 0.7 → ${ratio >= 0.7 ? 'met' : 'NOT met'}`,
  );
  const own = rate(total.gateway) / rate(total.grouped);
  console.log(`  ratio to the grouped bare route (the gateway's own cost): ${own.toFixed(2)}`);
} finally {
  await bare.close();
  await gateway.close();
  await bus.deleteTopics([topic, `${topic}-update`, `${topic}-info`, `${topic}-task`]);
  await bus.close();
}
