// bench/geobot-logger: documents/s through the geobot LOGGER (Kafka → consumer framework → bulk API)
// against the ceiling: a raw loop of bulk requests with the same client settings and batch size,
// indexing the same documents into an index of its own. Same broker, same Elasticsearch, same run.
//   npm run bench:geobot-logger [-- --documents 50000 --batch 500 --partitions 1 --rounds 3]
// The clock of either path runs from the start of its first bulk request to the end of its last (the
// logger's group join and start-up excluded). Rounds alternate raw and logger, after a warm-up, so a
// JIT or merge drifting in Elasticsearch hits both; the ratio is of the medians.
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { KafkaBus, type OutgoingRecord } from '../../src/bus/index.ts';
import { parseEnvelope } from '../../src/protocol/geobot/envelope.ts';
import { createLogger } from '../../src/runtime/index.ts';
import {
  ElasticsearchSink,
  GeobotLoggerService,
  LOG_INDEX_MAPPINGS,
  logDocument,
  readGeobotLoggerConfig,
  type LogDocument,
  type LogSink,
} from '../../src/services/geobot-logger/index.ts';
import { startTestBroker } from '../../scripts/kafka/broker-env.ts';
import { startTestElasticsearch } from '../../scripts/es/es-env.ts';
import { uniqueSuffix } from '../support/names.ts';

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
  },
});
const total = Number(values.documents);
const batchSize = Number(values.batch);
const partitions = Number(values.partitions);
const rounds = Number(values.rounds);
const bootstrap = process.env.KAFKA_BOOTSTRAP_SERVERS ?? startTestBroker().KAFKA_BOOTSTRAP_SERVERS!;
const esUrl = process.env.ELASTICSEARCH_URL ?? startTestElasticsearch();
const suffix = uniqueSuffix();
const silent = createLogger({ service: 'bench', level: 'silent' });
const bus = new KafkaBus({ bootstrapServers: bootstrap.split(','), clientId: 'bench' });
const es = new Client({ node: esUrl, maxRetries: 0, compression: false });
const indices: string[] = [];

/** The envelopes, as the processors write them: a message, a timestamp, a user or task as data. */
function envelopes(): string[] {
  return Array.from({ length: total }, (_, i) =>
    JSON.stringify({
      service: i % 3 === 0 ? 'worker' : 'arm',
      action: i % 3 === 0 ? 'start_task' : 'update_user',
      payload: {
        message: `${i % 3 === 0 ? 'Task progress' : 'User update'} ${i}`,
        timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
        data: { user_id: `user-${i % 1000}`, email: `user${i}@example.com`, progress: i % 100, step: i },
      },
    }),
  );
}

async function freshIndex(name: string): Promise<string> {
  const index = `bench-${name}-${suffix}`;
  indices.push(index);
  await es.indices.create({ index, mappings: LOG_INDEX_MAPPINGS, settings: { number_of_replicas: 0 } });
  return index;
}

/** The ceiling: the documents the logger would build, in bulk requests of `batchSize`, one after another. */
async function raw(documents: LogDocument[], name: string): Promise<number> {
  const index = await freshIndex(name);
  const started = performance.now();
  for (let i = 0; i < documents.length; i += batchSize) {
    const operations: unknown[] = [];
    for (const { id, document } of documents.slice(i, i + batchSize))
      operations.push({ index: { _index: index, _id: id } }, document);
    const response = await es.bulk({ operations });
    if (response.errors) throw new Error('raw bulk: some documents failed');
  }
  return (performance.now() - started) / 1000;
}

/** A sink that notes when the first write started and the last one ended. */
function timed(sink: LogSink, clock: { first?: number; last?: number; written: number }): LogSink {
  return {
    kind: sink.kind,
    prepare: () => sink.prepare(),
    ping: () => sink.ping(),
    close: () => sink.close(),
    async write(documents, signal) {
      clock.first ??= performance.now();
      const refused = await sink.write(documents, signal);
      clock.last = performance.now();
      clock.written += documents.length;
      return refused;
    },
  };
}

async function logger(topic: string, name: string): Promise<number> {
  const index = await freshIndex(name);
  const config = readGeobotLoggerConfig({
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `bench-logger-${name}-${suffix}`,
    KAFKA_BATCH_SIZE: String(batchSize),
    KAFKA_CREATE_TOPICS: 'false',
    METRICS_ENABLED: 'false',
    ELASTICSEARCH_URL: esUrl,
    ELASTICSEARCH_INDEX: index,
  });
  if (config.sink.kind !== 'elasticsearch') throw new Error('unreachable');
  const clock: { first?: number; last?: number; written: number } = { written: 0 };
  const sink = timed(new ElasticsearchSink(config.sink), clock);
  const service = new GeobotLoggerService({ config, sink, logger: silent });
  await service.start();
  const deadline = Date.now() + 600_000;
  while (clock.written < total) {
    if (Date.now() > deadline) throw new Error(`logger: ${clock.written} of ${total} after 10 min`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await service.stop();
  await sink.close();
  await es.indices.refresh({ index });
  const { count } = await es.count({ index });
  if (count !== total) throw new Error(`logger: ${count} documents in ${index}, ${total} expected`);
  return (clock.last! - clock.first!) / 1000;
}

const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  await bus.connect();
  const topic = `bench-geobot-logger-${suffix}`;
  await bus.createTopics([{ name: topic, partitions }, { name: `${topic}-dlq` }]);
  const values = envelopes();
  for (let i = 0; i < values.length; i += 5000) {
    const batch: OutgoingRecord[] = values.slice(i, i + 5000).map((value, j) => ({
      topic,
      key: `k${(i + j) % 64}`,
      value,
    }));
    await bus.produce(batch);
  }
  // The raw loop indexes exactly the logger's documents, under the ids the logger gives them.
  const documents = values.map((value, i) => {
    const parsed = parseEnvelope(value);
    if (!parsed.ok) throw new Error('bench envelope does not parse');
    return logDocument(parsed.value, { topic, partition: 0, offset: BigInt(i) });
  });
  console.log(
    `# ${total} documents, bulk batches of ${batchSize}, ${partitions} partition(s); Elasticsearch ${esUrl}`,
  );
  await raw(documents.slice(0, Math.min(total, 10_000)), 'warmup');
  const rawTimes: number[] = [];
  const loggerTimes: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    rawTimes.push(await raw(documents, `raw-${round}`));
    loggerTimes.push(await logger(topic, `logger-${round}`));
    console.log(
      `round ${round}: raw bulk loop ${(total / rawTimes.at(-1)!).toFixed(0)} docs/s, ` +
        `logger ${(total / loggerTimes.at(-1)!).toFixed(0)} docs/s`,
    );
  }
  const rawRate = total / median(rawTimes);
  const loggerRate = total / median(loggerTimes);
  console.log(`raw bulk loop (baseline): ${rawRate.toFixed(0)} documents/s`);
  console.log(`geobot-logger:            ${loggerRate.toFixed(0)} documents/s`);
  console.log(`ratio logger / raw: ${(loggerRate / rawRate).toFixed(2)}× (goal ≥ 0.7×)`);
  await bus.deleteTopics([topic, `${topic}-dlq`]).catch(() => undefined);
} finally {
  for (const index of indices) await es.indices.delete({ index }, { ignore: [404] }).catch(() => undefined);
  await es.close();
  await bus.close();
}
