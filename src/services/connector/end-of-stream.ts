import type { Bus } from '../../bus/index.ts';
import { ErrorCodes, StreamForgeError, parseDataMessage, type EndOfStream } from '../../protocol/index.ts';

export interface EndOfStreamOptions {
  /** Partitions of the data topic: a run ends the stream once it has a marker on each. */
  partitions: number;
  /**
   * The telemetry_id of the loader whose markers end the stream (UPSTREAM_PRODUCER). Markers of other
   * producers, and markers without a run identity (older loaders), are ignored. Undefined (a connector
   * started by hand): the first run whose markers cover every partition ends it, old markers included.
   */
  follow: string | undefined;
}

/** What became of one marker. */
export type MarkerVerdict =
  { kind: 'accepted' } | { kind: 'ignored'; reason: string } | { kind: 'mismatch'; error: StreamForgeError };

/**
 * Which partitions of the data topic have delivered the end-of-stream marker of the run the connector
 * follows. A marker ends its partition only when it belongs to that run and its count agrees with the
 * topic: between the run's first offset and the marker there are exactly `records` data records (other
 * markers excepted). A restarted connector whose group already committed past a marker does not read it
 * again, so on start it looks at the last record of every fully committed partition.
 */
export class EndOfStreamTracker {
  readonly #o: EndOfStreamOptions;
  /** Markers by run, then by partition. */
  readonly #runs = new Map<string, Map<number, EndOfStream>>();
  /** Offsets of every marker read, per partition: they are not data records when counting. */
  readonly #markerOffsets = new Map<number, bigint[]>();
  #ended: string | undefined;
  #read = 0;

  constructor(options: EndOfStreamOptions) {
    this.#o = options;
  }

  /** Judges the marker read at `offset` of `partition`. */
  mark(partition: number, offset: bigint, marker: EndOfStream): MarkerVerdict {
    const offsets = this.#markerOffsets.get(partition) ?? [];
    if (!offsets.includes(offset)) {
      offsets.push(offset);
      this.#read += 1;
    }
    this.#markerOffsets.set(partition, offsets);
    const who = `${marker.producer}${marker.run === undefined ? '' : ` (run ${marker.run})`}`;
    const { follow, partitions } = this.#o;
    if (follow !== undefined && marker.producer !== follow)
      return { kind: 'ignored', reason: `a marker of ${who}, not of ${follow}` };
    if (follow !== undefined && marker.run === undefined)
      return { kind: 'ignored', reason: `a marker of ${who} without a run identity (an older loader)` };
    const mismatch = (detail: string): MarkerVerdict => ({
      kind: 'mismatch',
      error: new StreamForgeError(
        ErrorCodes.END_OF_STREAM_MISMATCH,
        `partition ${partition} of the data topic: the end-of-stream marker of ${who} at offset ${offset} ${detail}`,
      ),
    });
    if (marker.partition !== partition || marker.partitions !== partitions) {
      return mismatch(
        `says partition ${marker.partition} of ${marker.partitions}, but the topic has ${partitions}`,
      );
    }
    if (marker.first_offset !== undefined) {
      const first = BigInt(marker.first_offset);
      const between = offsets.filter((o) => o >= first && o < offset).length;
      const held = Number(offset - first) - between;
      if (held !== marker.records) {
        return mismatch(
          `counts ${marker.records} records, but the topic holds ${held} between offset ${first} and the marker`,
        );
      }
    }
    const run = marker.run ?? marker.producer;
    const markers = this.#runs.get(run) ?? new Map<number, EndOfStream>();
    markers.set(partition, marker);
    this.#runs.set(run, markers);
    if (this.#ended === undefined && markers.size === partitions) this.#ended = run;
    return { kind: 'accepted' };
  }

  /** Partitions the leading run (the ending one, else the one furthest along) has ended. */
  get seen(): number {
    return this.#leading()?.size ?? 0;
  }

  /** Every marker read, of any run: none of them is a data record. */
  get markersRead(): number {
    return this.#read;
  }

  allDone(): boolean {
    return this.#ended !== undefined;
  }

  /** Records the followed run put on the topic: the sum of its markers' per-partition counts. */
  total(): number {
    let total = 0;
    for (const marker of this.#leading()?.values() ?? []) total += marker.records;
    return total;
  }

  #leading(): Map<number, EndOfStream> | undefined {
    if (this.#ended !== undefined) return this.#runs.get(this.#ended);
    let best: Map<number, EndOfStream> | undefined;
    for (const markers of this.#runs.values()) if (markers.size > (best?.size ?? 0)) best = markers;
    return best;
  }

  /**
   * Judges the last record of every partition whose group position is at the end, when it is a marker.
   * Markers of other runs before it were not read again, so its count may be off if they sit in its range.
   */
  async recover(bus: Bus, topic: string, groupId: string): Promise<MarkerVerdict[]> {
    const verdicts: MarkerVerdict[] = [];
    const [end, committed] = await Promise.all([bus.endOffsets(topic), bus.committedOffsets(groupId, topic)]);
    const positions = [...end]
      .filter(([p, offset]) => offset > 0n && committed.get(p) === offset)
      .map(([partition, offset]) => ({ topic, partition, offset: offset - 1n }));
    if (positions.length === 0) return verdicts;
    const subscription = await bus.subscribe({ topics: [topic], from: positions, maxWaitMs: 200 });
    try {
      const deadline = Date.now() + 10_000;
      const wanted = new Set(positions.map((p) => p.partition));
      while (wanted.size > 0 && Date.now() < deadline) {
        for (const record of await subscription.poll({ maxWaitMs: 500 })) {
          const position = positions.find((p) => p.partition === record.partition);
          if (!position || record.offset !== position.offset) continue;
          wanted.delete(record.partition);
          const parsed = parseDataMessage(record.value);
          if (parsed.ok && parsed.value.kind === 'end')
            verdicts.push(this.mark(record.partition, record.offset, parsed.value));
        }
      }
    } finally {
      await subscription.close();
    }
    return verdicts;
  }
}
