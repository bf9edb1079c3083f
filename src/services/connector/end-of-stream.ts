import type { Bus } from '../../bus/index.ts';
import { parseDataMessage, type EndOfStream } from '../../protocol/index.ts';

/**
 * Which partitions of the data topic have delivered their end-of-stream marker. A restarted connector
 * whose group already committed past a marker does not read it again, so on start it looks at the
 * last record of every fully committed partition.
 */
export class EndOfStreamTracker {
  readonly #partitions: number;
  readonly #markers = new Map<number, EndOfStream>();

  constructor(partitions: number) {
    this.#partitions = partitions;
  }

  mark(partition: number, marker: EndOfStream): void {
    this.#markers.set(partition, marker);
  }

  get seen(): number {
    return this.#markers.size;
  }

  allDone(): boolean {
    for (let p = 0; p < this.#partitions; p += 1) if (!this.#markers.has(p)) return false;
    return true;
  }

  /** Records the loader put on the topic: the sum of the markers' per-partition counts. */
  total(): number {
    let total = 0;
    for (const marker of this.#markers.values()) total += marker.records;
    return total;
  }

  /** Marks partitions whose group position is at the end and whose last record is a marker. */
  async recover(bus: Bus, topic: string, groupId: string): Promise<void> {
    const [end, committed] = await Promise.all([bus.endOffsets(topic), bus.committedOffsets(groupId, topic)]);
    const positions = [...end]
      .filter(([p, offset]) => offset > 0n && committed.get(p) === offset)
      .map(([partition, offset]) => ({ topic, partition, offset: offset - 1n }));
    if (positions.length === 0) return;
    const subscription = await bus.subscribe({ topics: [topic], from: positions, maxWaitMs: 200 });
    try {
      const deadline = Date.now() + 10_000;
      const wanted = new Set(positions.map((p) => p.partition));
      while (wanted.size > 0 && Date.now() < deadline) {
        for (const record of await subscription.poll({ maxWaitMs: 500 })) {
          const position = positions.find((p) => p.partition === record.partition);
          if (!position || record.offset !== position.offset) continue;
          wanted.delete(record.partition);
          const parsed = parseDataMessage(record.value);
          if (parsed.ok && parsed.value.kind === 'end') this.mark(record.partition, parsed.value);
        }
      }
    } finally {
      await subscription.close();
    }
  }
}
