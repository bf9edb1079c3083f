import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { BusRecord, OutgoingRecord } from '../types.ts';
import { toBuffer } from '../encoding.ts';

/** The topics of the in-memory bus: append-only arrays, one per partition; offset = index. */
export class MemoryLog {
  readonly #topics = new Map<string, BusRecord[][]>();
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
        Array.from({ length: partitions }, () => []),
      );
  }

  delete(topic: string): void {
    this.#topics.delete(topic);
  }

  partitionCount(topic: string): number {
    return this.#topics.get(topic)?.length ?? 0;
  }

  endOffset(topic: string, partition: number): bigint {
    return BigInt(this.#topics.get(topic)?.[partition]?.length ?? 0);
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
    log.push(
      Object.freeze({
        topic: record.topic,
        partition,
        offset: BigInt(log.length),
        key,
        value: toBuffer(record.value),
        headers: Object.freeze({ ...record.headers }),
        timestamp: Date.now(),
      }),
    );
  }

  /** Wakes every poll waiting for new records. */
  notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  read(topic: string, partition: number, from: bigint, max: number): BusRecord[] {
    const log = this.#topics.get(topic)?.[partition] ?? [];
    return log.slice(Number(from), Number(from) + max);
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
