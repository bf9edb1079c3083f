import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { BusRecord, OutgoingRecord } from '../types.ts';
import { toBuffer } from '../encoding.ts';

/**
 * One partition: the records still kept, the offset of the first of them (`base`: earlier ones were
 * released by retention) and the bytes they hold.
 */
interface Partition {
  base: bigint;
  records: BusRecord[];
  bytes: number;
}

/** What the in-memory bus holds, from its own accounting: records and bytes kept, and released. */
export interface MemoryTopicStats {
  partitions: number;
  /** Records kept in memory. */
  records: number;
  /** Bytes of their keys, values and headers. */
  bytes: number;
  /** Records released by retention since the topic was created. */
  released: number;
}

/**
 * The topics of the in-memory bus: append-only arrays, one per partition. An offset is absolute
 * (base + index), so releasing the front of a partition changes no offset anyone holds.
 */
export class MemoryLog {
  readonly #topics = new Map<string, Partition[]>();
  readonly #released = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  #roundRobin = 0;

  has(topic: string): boolean {
    return this.#topics.has(topic);
  }

  names(): string[] {
    return [...this.#topics.keys()];
  }

  create(topic: string, partitions: number): void {
    if (!this.#topics.has(topic))
      this.#topics.set(
        topic,
        Array.from({ length: partitions }, () => ({ base: 0n, records: [], bytes: 0 })),
      );
  }

  delete(topic: string): void {
    this.#topics.delete(topic);
    this.#released.delete(topic);
  }

  partitionCount(topic: string): number {
    return this.#topics.get(topic)?.length ?? 0;
  }

  endOffset(topic: string, partition: number): bigint {
    const log = this.#topics.get(topic)?.[partition];
    return log ? log.base + BigInt(log.records.length) : 0n;
  }

  append(record: OutgoingRecord): void {
    const partitions = this.#topics.get(record.topic);
    if (!partitions) {
      throw new StreamForgeError(ErrorCodes.BUS_UNKNOWN_TOPIC, `topic "${record.topic}" does not exist`);
    }
    const key = toBuffer(record.key);
    const partition = record.partition ?? this.#choosePartition(key, partitions.length);
    const log = partitions[partition];
    if (!log) {
      throw new StreamForgeError(
        ErrorCodes.BUS_ERROR,
        `topic "${record.topic}" has no partition ${partition} (it has ${partitions.length})`,
      );
    }
    const stored = Object.freeze({
      topic: record.topic,
      partition,
      offset: log.base + BigInt(log.records.length),
      key,
      value: toBuffer(record.value),
      headers: Object.freeze({ ...record.headers }),
      timestamp: Date.now(),
    });
    log.records.push(stored);
    log.bytes += sizeOf(stored);
  }

  /** Wakes every poll waiting for new records. */
  notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Records from `from` on; a position before the first record kept reads from that record. */
  read(topic: string, partition: number, from: bigint, max: number): BusRecord[] {
    const log = this.#topics.get(topic)?.[partition];
    if (!log) return [];
    const start = from > log.base ? Number(from - log.base) : 0;
    return log.records.slice(start, start + max);
  }

  /** The offset of the first record kept (0 until retention released any). */
  startOffset(topic: string, partition: number): bigint {
    return this.#topics.get(topic)?.[partition]?.base ?? 0n;
  }

  /** Releases the records below `offset`; returns how many went. */
  releaseBelow(topic: string, partition: number, offset: bigint): number {
    const log = this.#topics.get(topic)?.[partition];
    if (!log || offset <= log.base) return 0;
    const count = Math.min(Number(offset - log.base), log.records.length);
    if (count === 0) return 0;
    for (let i = 0; i < count; i += 1) log.bytes -= sizeOf(log.records[i]!);
    // A new array, not splice: the old one and the records it held become garbage at once.
    log.records = log.records.slice(count);
    log.base += BigInt(count);
    this.#released.set(topic, (this.#released.get(topic) ?? 0) + count);
    return count;
  }

  stats(topic: string): MemoryTopicStats | undefined {
    const partitions = this.#topics.get(topic);
    if (!partitions) return undefined;
    let records = 0;
    let bytes = 0;
    for (const log of partitions) {
      records += log.records.length;
      bytes += log.bytes;
    }
    return { partitions: partitions.length, records, bytes, released: this.#released.get(topic) ?? 0 };
  }

  /** Resolves on the next append, after `ms`, or when `signal` aborts, whichever comes first. */
  waitForAppend(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  #choosePartition(key: Buffer | null, count: number): number {
    if (key === null) return ((this.#roundRobin++ % count) + count) % count;
    let hash = 0x811c9dc5; // FNV-1a: stable, so one key always lands on one partition.
    for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash % count;
  }
}

/** The payload bytes of a record (key, value, headers): what grows with the data, not V8's overhead. */
function sizeOf(record: BusRecord): number {
  let bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers)) bytes += name.length + value.length;
  return bytes;
}
