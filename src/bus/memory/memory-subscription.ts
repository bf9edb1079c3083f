import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { partitionKey } from '../encoding.ts';
import type {
  BusRecord,
  PartitionPosition,
  PollOptions,
  SubscribeOptions,
  Subscription,
  TopicPartition,
} from '../types.ts';
import type { MemoryGroup } from './memory-group.ts';
import type { MemoryLog } from './memory-log.ts';

/** One reader of the in-memory bus; positions live here, committed positions in the group. */
export class MemorySubscription implements Subscription {
  readonly #log: MemoryLog;
  readonly #options: SubscribeOptions;
  readonly #group: MemoryGroup | undefined;
  readonly #positions = new Map<string, bigint>();
  #closed = false;

  readonly #onClose: () => void;
  readonly #onCommit: (positions: PartitionPosition[]) => void;

  constructor(
    log: MemoryLog,
    options: SubscribeOptions,
    group: MemoryGroup | undefined,
    hooks: { onClose: () => void; onCommit: (positions: PartitionPosition[]) => void },
  ) {
    this.#log = log;
    this.#onClose = hooks.onClose;
    this.#onCommit = hooks.onCommit;
    this.#options = options;
    this.#group = group;
    group?.join(this);
    if (Array.isArray(options.from)) {
      for (const p of options.from) this.#positions.set(partitionKey(p.topic, p.partition), p.offset);
    } else {
      // A subscription reading from the end starts where the end is now, not where it is at the first poll.
      for (const tp of this.assignment()) this.#positionOf(tp);
    }
  }

  assignment(): TopicPartition[] {
    const all = this.#options.topics.flatMap((topic) =>
      Array.from({ length: this.#log.partitionCount(topic) }, (_, partition) => ({ topic, partition })),
    );
    return this.#group ? this.#group.assigned(this, all) : all;
  }

  async poll(options: PollOptions = {}): Promise<BusRecord[]> {
    const maxRecords = options.maxRecords ?? 500;
    const deadline = Date.now() + (options.maxWaitMs ?? 1000);
    for (;;) {
      if (this.#closed) throw new StreamForgeError(ErrorCodes.BUS_CLOSED, 'subscription is closed');
      const batch = this.#take(maxRecords);
      const remaining = deadline - Date.now();
      if (batch.length > 0 || remaining <= 0 || options.signal?.aborted) return batch;
      await this.#log.waitForAppend(remaining, options.signal);
    }
  }

  #take(maxRecords: number): BusRecord[] {
    const batch: BusRecord[] = [];
    const assigned = this.assignment();
    if (this.#group) this.#forgetRevoked(assigned);
    for (const tp of assigned) {
      const key = partitionKey(tp.topic, tp.partition);
      const from = this.#positionOf(tp);
      const records = this.#log.read(tp.topic, tp.partition, from, maxRecords - batch.length);
      if (records.length === 0) continue;
      batch.push(...records);
      this.#positions.set(key, from + BigInt(records.length));
      if (batch.length >= maxRecords) break;
    }
    return batch;
  }

  /** A partition handed to another member and back resumes from the committed position, as in Kafka. */
  #forgetRevoked(assigned: TopicPartition[]): void {
    const keep = new Set(assigned.map((tp) => partitionKey(tp.topic, tp.partition)));
    for (const key of this.#positions.keys()) if (!keep.has(key)) this.#positions.delete(key);
  }

  #positionOf(tp: TopicPartition): bigint {
    const key = partitionKey(tp.topic, tp.partition);
    let position = this.#positions.get(key) ?? this.#group?.committed.get(key);
    if (position === undefined) {
      position = this.#options.from === 'earliest' ? 0n : this.#log.endOffset(tp.topic, tp.partition);
    }
    this.#positions.set(key, position);
    return position;
  }

  /**
   * The lowest offset this reader may still need on a partition, for retention: a group member's
   * committed position (a successor resumes there), else its start ('earliest': 0); a plain reader's
   * next position; undefined when it does not read that topic.
   */
  neededFrom(topic: string, partition: number): bigint | undefined {
    if (this.#closed || !this.#options.topics.includes(topic)) return undefined;
    const key = partitionKey(topic, partition);
    if (!this.#group) return this.#positions.get(key) ?? (this.#options.from === 'earliest' ? 0n : undefined);
    const committed = this.#group.committed.get(key);
    if (committed !== undefined) return committed;
    // A group that never committed restarts a member at its start position, whatever this one read.
    return this.#options.from === 'earliest' ? 0n : this.#positions.get(key);
  }

  commit(positions: PartitionPosition[]): Promise<void> {
    if (this.#closed)
      return Promise.reject(new StreamForgeError(ErrorCodes.BUS_CLOSED, 'subscription is closed'));
    if (!this.#group) return Promise.resolve();
    for (const p of positions) this.#group.committed.set(partitionKey(p.topic, p.partition), p.offset);
    this.#onCommit(positions);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#group?.leave(this);
    this.#onClose();
    return Promise.resolve();
  }
}
