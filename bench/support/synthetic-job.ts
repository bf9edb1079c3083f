import type { Bus } from '../../src/bus/index.ts';
import type { CandleRecord } from '../../src/protocol/index.ts';
import { SyntheticSource } from '../../src/services/loader/sources/synthetic.ts';

export interface SyntheticJobOptions {
  /** Unique per round: Kafka deletes topics in the background, so a reused name could meet old records. */
  queueId: string;
  bootstrap: string;
  databaseUrl: string;
  collection: string;
  records: number;
  partitions: number;
}

/**
 * Creates a queue's topics for `streamforge loader` (synthetic 1m candles) and `streamforge connector`,
 * and returns the environment both run with and the topics to delete afterwards.
 */
export async function syntheticCandleJob(
  bus: Bus,
  o: SyntheticJobOptions,
): Promise<{ env: Record<string, string>; topics: string[] }> {
  const control = `${o.queueId}.control`;
  const events = `${o.queueId}.events`;
  const data = `${o.queueId}.data`;
  await bus.createTopics([{ name: control }, { name: events }, { name: data, partitions: o.partitions }]);
  const env = {
    KAFKA_BOOTSTRAP_SERVERS: o.bootstrap,
    QUEUE_ID: o.queueId,
    QUEUE_CONTROL_TOPIC: control,
    QUEUE_EVENTS_TOPIC: events,
    KAFKA_TOPIC: data,
    SYMBOL: 'BTCUSDT',
    TYPE: 'synthetic_candles_1m',
    SYNTHETIC_RECORDS: String(o.records),
    TIME_RANGE: '2020-01-01:2020-01-01',
    DATABASE_URL: o.databaseUrl,
    COLLECTION_NAME: o.collection,
    LOADING_INTERVAL_SECONDS: '5',
  };
  return { env, topics: [control, events, data, `${data}-dlq`] };
}

/** The candles `streamforge loader` makes for syntheticCandleJob: its own synthetic source, same seed. */
export async function syntheticCandles(count: number): Promise<CandleRecord[]> {
  const source = new SyntheticSource({
    symbol: 'BTCUSDT',
    kind: 'candle',
    interval: '1m',
    seed: 1,
    startMs: Date.UTC(2020, 0, 1),
    endMs: Date.UTC(2020, 0, 1),
    count,
  });
  const out: CandleRecord[] = [];
  for await (const batch of source.batches(new AbortController().signal))
    out.push(...(batch as CandleRecord[]));
  return out;
}
