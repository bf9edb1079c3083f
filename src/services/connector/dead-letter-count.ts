import type { Bus } from '../../bus/index.ts';
import { DeadLetterHeaders } from '../../consumer/index.ts';

/** Longest the count reads the dead-letter topic; it is small unless the data was mostly bad. */
const READ_DEADLINE_MS = 30_000;

/**
 * Records of `topic` that the group `groupId` dead-lettered, over every run of the job: the dead
 * letters on `deadLetterTopic` from this group and topic, each source record counted once (a run
 * killed before its commit dead-letters the same record again when the next run reads it).
 * Undefined when the topic could not be read to its end in time.
 */
export async function countDeadLetters(
  bus: Bus,
  deadLetterTopic: string,
  groupId: string,
  topic: string,
): Promise<number | undefined> {
  const ends = await bus.endOffsets(deadLetterTopic);
  const unread = new Map([...ends].filter(([, end]) => end > 0n));
  if (unread.size === 0) return 0;
  const sources = new Set<string>();
  const subscription = await bus.subscribe({ topics: [deadLetterTopic], from: 'earliest', maxWaitMs: 200 });
  try {
    const deadline = Date.now() + READ_DEADLINE_MS;
    while (unread.size > 0 && Date.now() < deadline) {
      for (const record of await subscription.poll({ maxWaitMs: 500 })) {
        const h = record.headers;
        if (h[DeadLetterHeaders.group] === groupId && h[DeadLetterHeaders.topic] === topic)
          sources.add(`${h[DeadLetterHeaders.partition]}:${h[DeadLetterHeaders.offset]}`);
        if (record.offset + 1n >= (unread.get(record.partition) ?? 0n)) unread.delete(record.partition);
      }
    }
  } finally {
    await subscription.close();
  }
  return unread.size === 0 ? sources.size : undefined;
}
