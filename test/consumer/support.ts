import { after, afterEach, before } from 'node:test';
import type { Bus, BusRecord, OutgoingRecord } from '../../src/bus/index.ts';
import { EventConsumer, type EventConsumerInit } from '../../src/consumer/index.ts';
import { createLogger, type Logger } from '../../src/runtime/index.ts';
import type { BusUnderTest } from '../support/buses.ts';
import { waitFor } from '../support/wait.ts';

export const silent: Logger = createLogger({ service: 'test', level: 'silent' });

let sequence = 0;

/** One event in seed 002's envelope. */
export function envelope(type: string, data: unknown, extra: Record<string, unknown> = {}): string {
  sequence += 1;
  return JSON.stringify({
    id: `evt-${process.pid}-${sequence}`,
    type,
    source: 'test',
    version: '1.0',
    timestamp: new Date(1_700_000_000_000 + sequence).toISOString(),
    data,
    ...extra,
  });
}

export function record(topic: string, key: string, value: string | null): OutgoingRecord {
  return { topic, key, value };
}

/** Reads `count` records of a topic from the start, without a group. */
export async function readTopic(
  bus: Bus,
  topic: string,
  count: number,
  timeoutMs = 15_000,
): Promise<BusRecord[]> {
  const subscription = await bus.subscribe({ topics: [topic], from: 'earliest' });
  try {
    const records: BusRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (records.length < count && Date.now() < deadline) {
      records.push(...(await subscription.poll({ maxWaitMs: 250 })));
    }
    return records;
  } finally {
    await subscription.close();
  }
}

/** Sum of end offsets of a topic: how many records it holds. */
export async function topicSize(bus: Bus, topic: string): Promise<number> {
  let total = 0n;
  for (const end of (await bus.endOffsets(topic)).values()) total += end;
  return Number(total);
}

/** The value of one sample of a metric in the registry's text, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').at(-1));
  }
  return undefined;
}

export interface ConsumerSuite {
  /** The bus of the describe block; there from its before() on. */
  readonly bus: Bus;
  /**
   * Starts an EventConsumer on the bus, silent, with options that keep a test quick (fetch what is
   * there, wait 100 ms at most, commit every 100 ms) under `init.options`; it is stopped after the test.
   */
  start(init: Omit<EventConsumerInit, 'bus' | 'logger'>): Promise<EventConsumer>;
}

/**
 * For a describe block of framework tests on one bus (busesUnderTest): registers its hooks, which
 * open the bus before the tests, stop the consumers a test started after it, and close the bus.
 */
export function consumerSuite(target: BusUnderTest): ConsumerSuite {
  let bus: Bus | undefined;
  const running: EventConsumer[] = [];
  before(async () => {
    bus = target.create();
    await bus.connect();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });
  after(() => bus?.close());
  return {
    get bus(): Bus {
      if (!bus) throw new Error('the bus opens in before(): use it inside a test');
      return bus;
    },
    async start(init) {
      const consumer = new EventConsumer({
        ...init,
        bus: this.bus,
        logger: silent,
        options: { minBytes: 1, maxWaitMs: 100, commitIntervalMs: 100, ...init.options },
      });
      running.push(consumer);
      await consumer.start();
      return consumer;
    },
  };
}

/** Waits until `group` has committed every partition of `topic` up to its end. */
export function waitForCommittedToEnd(
  bus: Bus,
  group: string,
  topic: string,
  timeoutMs?: number,
): Promise<true> {
  return waitFor(
    'committed to the end',
    async () => {
      const committed = await bus.committedOffsets(group, topic);
      return [...(await bus.endOffsets(topic))].every(([p, end]) => committed.get(p) === end);
    },
    timeoutMs,
  );
}
