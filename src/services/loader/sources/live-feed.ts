import WebSocket from 'ws';
import { errorMessage, type MarketRecord, type TimeRange } from '../../../protocol/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { backoffMs, sleep } from '../binance/backoff.ts';
import type { BinanceRestClient } from '../binance/rest-client.ts';
import type { LoaderOptions } from '../options.ts';
import { iso } from './api-candles.ts';
import { LiveCursor } from './live-cursor.ts';
import type { RecordSource } from './source.ts';

/** What differs between the kline and the aggTrade stream. Positions are open times or trade ids. */
export interface LiveKind<R extends MarketRecord> {
  /** `<symbol>@kline_<interval>` or `<symbol>@aggTrade`, symbol lower case. */
  readonly stream: string;
  /** The position just before the first record to deliver: the range's start, else now (decided when the job starts). */
  initialPosition(signal: AbortSignal): Promise<number>;
  /** The record an event carries, if it is one to keep (closed klines only). */
  fromEvent(event: Record<string, unknown>): R | undefined;
  position(record: R): number;
  /** True when `record` does not directly follow `last`: something is missing in between. */
  gapBefore(last: number, record: R): boolean;
  /** Everything after `last` up to now, over REST, in pages; it may stop once a page passes `untilMs`. */
  backfill(last: number, untilMs: number, signal: AbortSignal): AsyncIterable<R[]>;
  /** When REST's view of everything up to `endMs` is final (the last candle closed; trades a moment later). */
  settledAt(endMs: number): number;
  /** The position of the last record at or before `endMs`; asked only once `settledAt(endMs)` has passed. */
  finalPosition(endMs: number, signal: AbortSignal): Promise<number>;
}

export interface LiveDeps {
  wsUrl: string;
  options: LoaderOptions;
  logger: Logger;
  onNotice: (message: string) => void;
  /**
   * TIME_RANGE: deliver the records of [startMs, endMs] (the past part over REST, the rest from the
   * stream) and end once the range is complete. Undefined: from now until stopped.
   */
  range?: Pick<TimeRange, 'startMs' | 'endMs'> | undefined;
}

/** What the kinds need besides: REST for backfills, and the symbol. */
export interface LiveSourceDeps extends LiveDeps {
  rest: BinanceRestClient;
  symbol: string;
}

interface Ended {
  reason: string;
  livedMs: number;
  /** Reconnect at once (planned shutdown, lifetime reached) rather than after a backoff. */
  immediate: boolean;
}

/** setTimeout holds at most 2^31−1 ms (about 24.8 days): longer waits go in steps. */
const LONGEST_SLEEP_MS = 3_600_000;

/**
 * A Binance market stream that never loses or repeats a record: every (re)connect first buffers the
 * stream, backfills over REST from the last delivered position, then drains the buffer, delivering
 * only positions beyond the last. A jump in the stream itself is backfilled the same way. Reconnects
 * use capped jittered backoff, before the 24 h cut-off, at once on `serverShutdown`, and when the
 * connection goes quiet (no message and no ping); `ws` answers the server's pings.
 *
 * With a range, the part of it already past is loaded over REST first (page by page, at the pace the
 * caller takes them, before any connection), then the stream takes over from the last position, and
 * the feed ends once the range is complete: a range wholly in the past never opens a connection.
 */
export class LiveFeed<R extends MarketRecord> implements RecordSource {
  readonly description: string;
  readonly #kind: LiveKind<R>;
  readonly #deps: LiveDeps;
  /** Connections opened; reconnects = connections − 1. */
  connections = 0;

  constructor(kind: LiveKind<R>, deps: LiveDeps) {
    this.#kind = kind;
    this.#deps = deps;
    const range = deps.range;
    this.description = range
      ? `${kind.stream} from ${iso(range.startMs)} to ${iso(range.endMs)} (REST, then the live stream)`
      : `live stream ${kind.stream}`;
  }

  /** Unknown: exchange downtime leaves candles out, and trades after now are not counted yet. */
  total(): undefined {
    return undefined;
  }

  async *batches(signal: AbortSignal): AsyncIterable<R[]> {
    const { range } = this.#deps;
    const kind = this.#kind;
    const cursor = new LiveCursor<R>((r) => kind.position(r), await kind.initialPosition(signal), range);
    if (range) {
      const past = Date.now() >= kind.settledAt(range.endMs);
      if (past) cursor.settle(await kind.finalPosition(range.endMs, signal));
      for await (const page of kind.backfill(cursor.last, range.endMs, signal)) {
        const kept = page.filter((r) => cursor.take(r));
        if (kept.length > 0) yield kept;
        if (cursor.done) return;
      }
      // REST's view of a past range is final: what it did not have does not exist.
      if (past || signal.aborted) return;
    }
    yield* this.#live(signal, cursor);
  }

  async *#live(signal: AbortSignal, cursor: LiveCursor<R>): AsyncIterable<R[]> {
    const out: R[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: Error | undefined;
    const running = this.#run(signal, cursor, (r) => {
      out.push(r);
      wake?.();
    })
      .catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        done = true;
        wake?.();
      });
    try {
      while (!done || out.length > 0) {
        if (out.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        // Let a burst (a backfill page, a busy second) gather into one batch.
        await sleep(20).catch(() => undefined);
        yield out.splice(0, out.length);
      }
      if (failure !== undefined && !signal.aborted) throw failure;
    } finally {
      await running;
    }
  }

  /** Connects and reconnects until stopped or, with a range, until the range is complete. */
  async #run(signal: AbortSignal, cursor: LiveCursor<R>, deliver: (record: R) => void): Promise<void> {
    const complete = new AbortController();
    const live = AbortSignal.any([signal, complete.signal]);
    const accept = (record: R): void => {
      if (cursor.take(record)) deliver(record);
      if (cursor.done) complete.abort();
    };
    let failure: Error | undefined;
    const settling = this.#settle(cursor, live).then(
      () => {
        if (cursor.done) complete.abort();
      },
      (error: unknown) => {
        if (live.aborted) return;
        failure = error instanceof Error ? error : new Error(String(error));
        complete.abort();
      },
    );
    try {
      let attempt = 0;
      while (!live.aborted) {
        const ended = await this.#connect(live, () => cursor.last, accept);
        if (live.aborted) break;
        if (ended.livedMs >= 10_000) attempt = 0;
        const wait = ended.immediate ? 0 : backoffMs(attempt, 500, this.#deps.options.wsReconnectMaxMs) + 100;
        attempt += 1;
        this.#deps.onNotice(
          `${this.#kind.stream}: ${ended.reason}; reconnecting in ${wait} ms, then backfilling over REST`,
        );
        await sleep(wait, live).catch(() => undefined);
      }
    } finally {
      complete.abort();
      await settling;
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * With a range: once REST's view of its end is final, learn the position of its last record, so a
   * quiet market (no record after the end for a while) still ends the feed.
   */
  async #settle(cursor: LiveCursor<R>, signal: AbortSignal): Promise<void> {
    const { range } = this.#deps;
    if (!range) return;
    const at = this.#kind.settledAt(range.endMs);
    while (Date.now() < at) await sleep(Math.min(at - Date.now(), LONGEST_SLEEP_MS), signal);
    cursor.settle(await this.#kind.finalPosition(range.endMs, signal));
  }

  /** One connection, from opening to its end (resolves then; rejects only when a backfill fails). */
  #connect(signal: AbortSignal, last: () => number, accept: (record: R) => void): Promise<Ended> {
    const { options, logger } = this.#deps;
    const untilMs = this.#deps.range?.endMs ?? Number.POSITIVE_INFINITY;
    const url = `${this.#deps.wsUrl.replace(/\/+$/, '')}/stream?streams=${this.#kind.stream}`;
    this.connections += 1;
    return new Promise<Ended>((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: 10_000 });
      const startedAt = Date.now();
      let lastActivity = startedAt;
      let immediate = false;
      let reason = 'connection closed';
      let filling: Promise<void> | undefined;
      const buffer: R[] = [];
      const fill = (): void => {
        filling = (async () => {
          for await (const batch of this.#kind.backfill(last(), untilMs, signal)) {
            batch.forEach(accept);
            if (signal.aborted) break;
          }
          buffer.sort((a, b) => this.#kind.position(a) - this.#kind.position(b)).forEach(accept);
          buffer.length = 0;
          filling = undefined;
        })();
        filling.catch((error: unknown) => {
          reason = `backfill failed: ${errorMessage(error)}`;
          socket.terminate();
          if (!signal.aborted) reject(error instanceof Error ? error : new Error(String(error)));
        });
      };
      const onMessage = (raw: WebSocket.RawData): void => {
        lastActivity = Date.now();
        const text = Buffer.isBuffer(raw)
          ? raw.toString('utf8')
          : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]).toString('utf8');
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(text) as Record<string, unknown>;
        } catch {
          logger.warn({ raw: text.slice(0, 200) }, 'skipping a stream message that is not JSON');
          return;
        }
        const event = (typeof message.stream === 'string' ? message.data : message) as
          Record<string, unknown> | undefined;
        if (event?.e === 'serverShutdown' || message.stream === '!serverShutdown') {
          reason = 'Binance announced serverShutdown';
          immediate = true;
          socket.close(1000);
          return;
        }
        const record = event ? this.#kind.fromEvent(event) : undefined;
        if (!record) return;
        if (filling) buffer.push(record);
        else if (this.#kind.gapBefore(last(), record)) {
          buffer.push(record);
          fill();
        } else accept(record);
      };
      const watchdog = setInterval(() => {
        const now = Date.now();
        if (now - lastActivity > options.wsStaleMs) {
          reason = `no message or ping for ${Math.round((now - lastActivity) / 1000)} s`;
          socket.terminate();
        } else if (now - startedAt > options.wsMaxConnectionMs) {
          reason = 'connection lifetime reached (Binance cuts at 24 h)';
          immediate = true;
          socket.close(1000);
        }
      }, 1000);
      const onAbort = (): void => socket.close(1000);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      socket.on('open', () => {
        lastActivity = Date.now();
        filling = Promise.resolve();
        fill();
      });
      socket.on('message', onMessage);
      socket.on('ping', () => (lastActivity = Date.now()));
      socket.on('error', (error) => (reason = `connection error: ${error.message}`));
      socket.on('close', (code) => {
        clearInterval(watchdog);
        signal.removeEventListener('abort', onAbort);
        const ended = { reason: `${reason} (code ${code})`, livedMs: Date.now() - startedAt, immediate };
        // A backfill in progress finishes first, so two never run at once.
        void Promise.resolve(filling)
          .catch(() => undefined)
          .then(() => resolve(ended));
      });
    });
  }
}
