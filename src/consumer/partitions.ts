import type { BusRecord, PartitionPosition, TopicPartition } from '../bus/index.ts';
import { PartitionState } from './partition-state.ts';

/** The partitions this member reads, each with its PartitionState; follows the group's assignment. */
export class Partitions {
  readonly #topic: string;
  readonly #states = new Map<number, PartitionState>();
  #signature: string | undefined;

  constructor(topic: string) {
    this.#topic = topic;
  }

  /**
   * Applies the current assignment. Returns what changed, or undefined. A revoked partition's state is
   * dropped: what it held is redelivered to its new owner from the committed position.
   */
  sync(assignment: TopicPartition[]): { assigned: TopicPartition[]; revoked: number[] } | undefined {
    const assigned = assignment
      .filter((tp) => tp.topic === this.#topic)
      .sort((a, b) => a.partition - b.partition);
    const signature = assigned.map((tp) => tp.partition).join(',');
    if (signature === this.#signature) return undefined;
    this.#signature = signature;
    const keep = new Set(assigned.map((tp) => tp.partition));
    const revoked = [...this.#states.keys()].filter((p) => !keep.has(p));
    for (const partition of revoked) this.#states.delete(partition);
    for (const { topic, partition } of assigned) {
      if (!this.#states.has(partition)) this.#states.set(partition, new PartitionState(topic, partition));
    }
    return { assigned, revoked };
  }

  /** Forgets everything (after subscribing again). Returns the partitions that were held. */
  clear(): number[] {
    const held = [...this.#states.keys()];
    this.#states.clear();
    this.#signature = undefined;
    return held;
  }

  has(partition: number): boolean {
    return this.#states.has(partition);
  }

  list(): PartitionState[] {
    return [...this.#states.values()];
  }

  /** Queues polled records; records of partitions not ours (fetched before a rebalance) are dropped. */
  accept(records: BusRecord[]): void {
    for (const record of records) this.#states.get(record.partition)?.accept(record);
  }

  /** Records held and not finished, over all partitions. */
  waiting(): number {
    let waiting = 0;
    for (const state of this.#states.values()) waiting += state.waiting;
    return waiting;
  }

  /** Partitions with records to handle and no outage to wait out. */
  ready(now: number): PartitionState[] {
    return this.list().filter((s) => s.waiting > 0 && !s.isBlocked(now));
  }

  /**
   * How long to wait for records: 0 if an idle partition has work, else until a paused partition or a
   * commit is due. A partition whose chunk is running is woken by the chunk's end, not by this.
   */
  waitMs(
    now: number,
    maxWaitMs: number,
    commitDueAt: number | undefined,
    running: (partition: number) => boolean,
  ): number {
    let wait = maxWaitMs;
    for (const state of this.#states.values()) {
      if (state.waiting > 0 && !running(state.partition)) wait = Math.min(wait, state.blockedUntil - now);
      if (commitDueAt !== undefined && state.uncommitted()) wait = Math.min(wait, commitDueAt - now);
    }
    return Math.max(0, wait);
  }

  uncommitted(): PartitionPosition[] {
    return this.list().flatMap((s) => s.uncommitted() ?? []);
  }

  committed(positions: PartitionPosition[]): void {
    for (const p of positions) this.#states.get(p.partition)?.committed(p.offset);
  }
}
