import { recordTime, type MarketRecord } from '../../../protocol/index.ts';

/**
 * Where a live feed stands: the last position taken (open time or trade id) and, when it loads a
 * range, whether the range is complete. Records reach it in position order with no gap (the feed
 * backfills gaps before it hands on what follows), so the first record past the end proves that
 * everything up to the end was taken, and so does reaching the range's last position once known.
 */
export class LiveCursor<R extends MarketRecord> {
  readonly #position: (record: R) => number;
  readonly #range: { startMs: number; endMs: number } | undefined;
  #last: number;
  #final: number | undefined;
  #done = false;

  constructor(
    position: (record: R) => number,
    last: number,
    range: { startMs: number; endMs: number } | undefined,
  ) {
    this.#position = position;
    this.#last = last;
    this.#range = range;
  }

  /** The position of the last record taken (or the one just before the first to take). */
  get last(): number {
    return this.#last;
  }

  /** True once every record of the range was taken; never true without a range. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Whether `record` is to be delivered: not a repeat, not past the end. A record before the start
   * still moves the position (the stream runs from before the range) but is not delivered.
   */
  take(record: R): boolean {
    const position = this.#position(record);
    if (this.#done || position <= this.#last) return false;
    const time = recordTime(record);
    if (this.#range && time > this.#range.endMs) {
      this.#done = true;
      return false;
    }
    this.#last = position;
    if (this.#final !== undefined && position >= this.#final) this.#done = true;
    return this.#range === undefined || time >= this.#range.startMs;
  }

  /** The position of the range's last record, once it can be known (its end has passed). */
  settle(final: number): void {
    this.#final = final;
    if (this.#last >= final) this.#done = true;
  }
}
