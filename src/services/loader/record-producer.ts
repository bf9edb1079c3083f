import type { Bus, OutgoingRecord } from '../../bus/index.ts';
import {
  END_OF_STREAM_KEY,
  errorMessage,
  recordKey,
  type EndOfStream,
  type MarketRecord,
} from '../../protocol/index.ts';
import { backoffMs, sleep } from './binance/backoff.ts';

export interface RecordProducerOptions {
  bus: Bus;
  topic: string;
  /** Partitions of the topic (every one gets an end-of-stream marker). */
  partitions: number;
  /** Names the loader (its telemetry_id) in end-of-stream markers. */
  producer: string;
  /** Identifies this run in the markers: unique per run, and its JOB_ATTEMPT. */
  run: string;
  attempt: number;
  /** Each partition's end offset before this run wrote to it: its records follow it (the marker says so). */
  firstOffsets: ReadonlyMap<number, bigint>;
  /** Produce calls awaiting acknowledgement at once; default 4. Order does not matter: keys are unique. */
  maxInFlight?: number;
  /** Retries of a batch the bus calls retryable (the producer is idempotent; the sink upserts). Default 5. */
  retries?: number;
  onRetry?: (message: string) => void;
}

/** FNV-1a of the key: the same key always lands on the same partition, and we know which one. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return hash % partitions;
}

/**
 * Keys and JSON values of a batch as slices of two buffers: one encode of the whole batch instead of
 * two per record (per-record Buffer.from was a tenth of the loader's CPU in bench/pipeline). Market
 * records are ASCII; a batch that is not falls back to one buffer per record.
 */
export function encodeBatch(
  records: readonly MarketRecord[],
  topic: string,
  partitions: number,
): OutgoingRecord[] {
  const keys = records.map(recordKey);
  const values = records.map((record) => JSON.stringify(record));
  const keyText = keys.join('');
  const valueText = values.join('');
  const ascii =
    Buffer.byteLength(keyText) === keyText.length && Buffer.byteLength(valueText) === valueText.length;
  const keyBytes = ascii ? Buffer.from(keyText, 'latin1') : undefined;
  const valueBytes = ascii ? Buffer.from(valueText, 'latin1') : undefined;
  let keyAt = 0;
  let valueAt = 0;
  return keys.map((key, i) => {
    const value = values[i]!;
    const record: OutgoingRecord = {
      topic,
      key: keyBytes ? keyBytes.subarray(keyAt, (keyAt += key.length)) : key,
      value: valueBytes ? valueBytes.subarray(valueAt, (valueAt += value.length)) : value,
      partition: partitionOf(key, partitions),
    };
    return record;
  });
}

/**
 * Produces records keyed by natural key, batch by batch, several batches in flight, and counts what
 * each partition received so the end-of-stream marker can say it. A produce failure is never dropped:
 * a retryable one is retried, anything else fails the load.
 */
export class RecordProducer {
  readonly #o: RecordProducerOptions;
  readonly #perPartition: number[];
  readonly #inFlight = new Set<Promise<void>>();
  #failure: Error | undefined;
  #acked = 0;

  constructor(options: RecordProducerOptions) {
    this.#o = options;
    this.#perPartition = Array.from({ length: options.partitions }, () => 0);
  }

  /** Records acknowledged by the bus so far. */
  get written(): number {
    return this.#acked;
  }

  async send(records: readonly MarketRecord[]): Promise<void> {
    this.#throwIfFailed();
    if (records.length === 0) return;
    const { topic, partitions } = this.#o;
    const outgoing = encodeBatch(records, topic, partitions);
    for (const { partition } of outgoing) this.#perPartition[partition!]! += 1;
    const sending = this.#produce(outgoing).then(
      () => {
        this.#acked += outgoing.length;
      },
      (error: unknown) => {
        this.#failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    this.#inFlight.add(sending);
    void sending.finally(() => this.#inFlight.delete(sending));
    while (this.#inFlight.size >= (this.#o.maxInFlight ?? 4)) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Resolves when everything sent is acknowledged; rejects with the first failure. */
  async flush(): Promise<void> {
    await Promise.all(this.#inFlight);
    this.#throwIfFailed();
  }

  /**
   * After a complete load: flushes, then one end-of-stream marker per partition, after its last record,
   * naming the run and counting its records there (a connector checks the count against the offsets).
   */
  async finish(): Promise<void> {
    await this.flush();
    const { topic, partitions, producer, run, attempt, firstOffsets } = this.#o;
    const markers: OutgoingRecord[] = this.#perPartition.map((records, partition) => {
      const marker: EndOfStream = {
        kind: 'end',
        producer,
        run,
        attempt,
        partition,
        partitions,
        records,
        total: this.#acked,
        first_offset: Number(firstOffsets.get(partition) ?? 0n),
      };
      return { topic, key: END_OF_STREAM_KEY, value: JSON.stringify(marker), partition };
    });
    await this.#produce(markers);
  }

  async #produce(records: OutgoingRecord[]): Promise<void> {
    const retries = this.#o.retries ?? 5;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.#o.bus.produce(records);
        return;
      } catch (error) {
        const canRetry = (error as { canRetry?: unknown }).canRetry === true;
        if (!canRetry || attempt >= retries) throw error;
        const wait = backoffMs(attempt, 200, 5000);
        this.#o.onRetry?.(
          `producing ${records.length} records failed (${errorMessage(error)}); retrying in ${wait} ms`,
        );
        await sleep(wait);
      }
    }
  }
}
