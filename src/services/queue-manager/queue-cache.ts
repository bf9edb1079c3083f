/**
 * GET /queues/{id} answers, cached. This process is the only writer of queue state, and every write
 * it makes invalidates the queue at once; the time limit bounds staleness should anyone else write.
 * A read that raced a write does not cache what it read (generations).
 */
export class QueueCache<V> {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #generations = new Map<string, number>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (performance.now() - entry.at > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Take before reading the database; pass to set(). */
  generation(key: string): number {
    return this.#generations.get(key) ?? 0;
  }

  set(key: string, value: V, generation: number): void {
    if (this.#ttlMs <= 0 || generation !== this.generation(key)) return;
    if (this.#entries.size > 10_000) this.#entries.clear();
    this.#entries.set(key, { value, at: performance.now() });
  }

  invalidate(key: string): void {
    this.#entries.delete(key);
    this.#generations.set(key, this.generation(key) + 1);
  }
}
