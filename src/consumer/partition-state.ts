import type { BusRecord, PartitionPosition } from '../bus/index.ts';

/**
 * One assigned partition: records fetched but not yet finished, in offset order, and the position
 * that may be committed: the offset after the longest prefix of records handled or dead-lettered.
 * Records finished out of order (other keys, when keys run in parallel) wait in `#done` until the
 * prefix reaches them, so a commit never passes a record that is not finished.
 */
export class PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Wall-clock ms before which the partition is not retried (it hit an outage). */
  blockedUntil = 0;
  /** Consecutive outage failures: the exponent of the backoff. */
  outages = 0;
  #pending: BusRecord[] = [];
  #head = 0;
  readonly #done = new Set<bigint>();
  /** Offset after the last record accepted: a rewind (after a rejoin) redelivers what we hold; skip it. */
  #fetched: bigint | undefined;
  #position: bigint | undefined;
  #committed: bigint | undefined;

  constructor(topic: string, partition: number) {
    this.topic = topic;
    this.partition = partition;
  }

  /** Queues a polled record; false when it is one already held or finished (a redelivery after rewind). */
  accept(record: BusRecord): boolean {
    if (this.#fetched !== undefined && record.offset < this.#fetched) return false;
    this.#pending.push(record);
    this.#fetched = record.offset + 1n;
    return true;
  }

  /** Records waiting (not finished). */
  get waiting(): number {
    return this.#pending.length - this.#head - this.#done.size;
  }

  isBlocked(now: number): boolean {
    return this.blockedUntil > now;
  }

  /** Up to `max` unfinished records from the front, in offset order. */
  next(max: number): BusRecord[] {
    const chunk: BusRecord[] = [];
    for (let i = this.#head; i < this.#pending.length && chunk.length < max; i += 1) {
      const record = this.#pending[i]!;
      if (!this.#done.has(record.offset)) chunk.push(record);
    }
    return chunk;
  }

  /** The record was handled or dead-lettered; the committable position moves over finished records. */
  finish(offset: bigint): void {
    const first = this.#pending[this.#head];
    if (first?.offset === offset && this.#done.size === 0) {
      // The usual case, records finishing in offset order: no bookkeeping of stragglers needed.
      this.#position = offset + 1n;
      this.#head += 1;
      this.#compact();
      return;
    }
    this.#done.add(offset);
    while (this.#head < this.#pending.length) {
      const first = this.#pending[this.#head]!;
      if (!this.#done.delete(first.offset)) break;
      this.#position = first.offset + 1n;
      this.#head += 1;
    }
    this.#compact();
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
      this.#pending = this.#pending.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The position to commit, if it moved since the last commit. */
  uncommitted(): PartitionPosition | undefined {
    if (this.#position === undefined || this.#position === this.#committed) return undefined;
    return { topic: this.topic, partition: this.partition, offset: this.#position };
  }

  committed(offset: bigint): void {
    if (this.#committed === undefined || offset > this.#committed) this.#committed = offset;
  }
}
