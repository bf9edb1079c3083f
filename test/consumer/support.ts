import type { Bus, BusRecord, OutgoingRecord } from '../../src/bus/index.ts';
import { createLogger, type Logger } from '../../src/runtime/index.ts';

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
