/**
 * Whether the consumer is alive: its loop came round recently and no handler has run too long. A
 * hung handler or a loop that stopped polling makes it false, so the liveness probe restarts the pod.
 */
export class Liveness {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #beat: number;
  #nextCall = 0;
  readonly #inFlight = new Map<number, number>();

  constructor(timeoutMs: number, now: () => number = Date.now) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
    this.#beat = now();
  }

  beat(): void {
    this.#beat = this.#now();
  }

  /** Marks a handler call as started; call the result when it settles. */
  enter(): () => void {
    const id = (this.#nextCall += 1);
    this.#inFlight.set(id, this.#now());
    return () => {
      this.#inFlight.delete(id);
      this.beat();
    };
  }

  /** Why the consumer is not live, or undefined when it is. */
  problem(): string | undefined {
    const now = this.#now();
    if (now - this.#beat > this.#timeoutMs)
      return `the consumer loop has not polled for ${now - this.#beat} ms`;
    for (const started of this.#inFlight.values()) {
      if (now - started > this.#timeoutMs) return `a handler has been running for ${now - started} ms`;
    }
    return undefined;
  }
}
