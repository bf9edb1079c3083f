/**
 * The chunks in flight, at most one per partition. The consumer loop starts them without awaiting and
 * goes on polling; it is woken when one ends (its partition may have more to start on) and waits for
 * all of them before it commits for the last time or subscribes again.
 */
export class ChunkTracker {
  readonly #inFlight = new Map<number, Promise<void>>();
  #ended = new AbortController();
  #failure: { error: unknown } | undefined;

  /** Whether a chunk of this partition is running. */
  readonly running = (partition: number): boolean => this.#inFlight.has(partition);

  start(partition: number, run: () => Promise<void>): void {
    const chunk = run()
      .catch((error: unknown) => {
        // Chunk runners handle their own failures; anything that escapes is a bug: end the loop with it.
        this.#failure ??= { error };
      })
      .finally(() => {
        this.#inFlight.delete(partition);
        const ended = this.#ended;
        this.#ended = new AbortController();
        ended.abort();
      });
    this.#inFlight.set(partition, chunk);
  }

  /** Aborts when the next chunk ends; never, while none is running. */
  nextEnd(): AbortSignal {
    return this.#ended.signal;
  }

  /** Resolves when the next chunk ends; never, while none is running. */
  nextEndPromise(): Promise<void> {
    const signal = this.#ended.signal;
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Resolves once no chunk is running. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight.values());
  }
}
