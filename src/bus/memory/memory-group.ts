import type { TopicPartition } from '../types.ts';

/** A consumer group of the in-memory bus: committed positions and the members sharing partitions. */
export class MemoryGroup {
  readonly committed = new Map<string, bigint>();
  readonly #members: object[] = [];

  /** No member and nothing committed: nothing left to remember. */
  get idle(): boolean {
    return this.#members.length === 0 && this.committed.size === 0;
  }

  join(member: object): void {
    this.#members.push(member);
  }

  leave(member: object): void {
    const at = this.#members.indexOf(member);
    if (at >= 0) this.#members.splice(at, 1);
  }

  /** Round-robin assignment over the partitions in a stable order, as Kafka's round-robin assignor. */
  assigned(member: object, partitions: TopicPartition[]): TopicPartition[] {
    const index = this.#members.indexOf(member);
    if (index < 0) return [];
    return partitions.filter((_, i) => i % this.#members.length === index);
  }
}
