import type { Bus, OutgoingRecord } from '../../../bus/index.ts';

interface Waiting {
  record: OutgoingRecord;
  resolve(): void;
  reject(error: unknown): void;
}

/** Most records in one produce call; the bus splits a call by bytes on its own. */
const MAX_RECORDS_PER_CALL = 1000;

/**
 * Group commit for an idempotent producer. Such a producer has one produce request in flight per
 * broker (the client sets maxInflights to 1 to keep sequence numbers in order), so requests that each
 * produce their own record wait in line for one acknowledgement after another. Here, records that
 * arrive while a produce call is in flight go together in the next call, and each caller's promise
 * settles with the acknowledgement of the call that carried its record: nothing resolves before the
 * broker has it, and nothing waits for a timer (a lone record goes at once).
 */
export class GroupProduce {
  readonly #bus: Bus;
  readonly #onCall: ((records: number) => void) | undefined;
  #waiting: Waiting[] = [];
  #draining = false;

  constructor(bus: Bus, onCall?: (records: number) => void) {
    this.#bus = bus;
    this.#onCall = onCall;
  }

  /** Resolves once the broker acknowledged `record`; rejects with the bus's error when it did not. */
  produce(record: OutgoingRecord): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#waiting.push({ record, resolve: done.resolve, reject: done.reject });
    if (!this.#draining) void this.#drain();
    return done.promise;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length > 0) {
      const call = this.#waiting.splice(0, MAX_RECORDS_PER_CALL);
      this.#onCall?.(call.length);
      try {
        await this.#bus.produce(call.map((w) => w.record));
        for (const w of call) w.resolve();
      } catch (error) {
        // The call failed as a whole: none of its records counts as written.
        for (const w of call) w.reject(error);
      }
    }
    this.#draining = false;
  }
}
