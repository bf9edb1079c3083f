import WebSocket from 'ws';
import { errorMessage, type MarketRecord } from '../../../protocol/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { backoffMs, sleep } from '../binance/backoff.ts';
import type { LoaderOptions } from '../options.ts';
import type { RecordSource } from './source.ts';

/** What differs between the kline and the aggTrade stream. Positions are open times or trade ids. */
export interface LiveKind<R extends MarketRecord> {
  /** `<symbol>@kline_<interval>` or `<symbol>@aggTrade`, symbol lower case. */
  readonly stream: string;
  /** The position just before the first record to deliver (decided when the job starts). */
  initialPosition(signal: AbortSignal): Promise<number>;
  /** The record an event carries, if it is one to keep (closed klines only). */
  fromEvent(event: Record<string, unknown>): R | undefined;
  position(record: R): number;
  /** True when `record` does not directly follow `last`: something is missing in between. */
  gapBefore(last: number, record: R): boolean;
  /** Everything after `last` up to now, over REST. */
  backfill(last: number, signal: AbortSignal): AsyncIterable<R[]>;
}

export interface LiveDeps {
  wsUrl: string;
  options: LoaderOptions;
  logger: Logger;
  onNotice: (message: string) => void;
}

interface Ended {
  reason: string;
  livedMs: number;
  /** Reconnect at once (planned shutdown, lifetime reached) rather than after a backoff. */
  immediate: boolean;
}

/**
 * A Binance market stream that never loses or repeats a record: every (re)connect first buffers the
 * stream, backfills over REST from the last delivered position, then drains the buffer, delivering
 * only positions beyond the last. A jump in the stream itself is backfilled the same way. Reconnects
 * use capped jittered backoff, before the 24 h cut-off, at once on `serverShutdown`, and when the
 * connection goes quiet (no message and no ping); `ws` answers the server's pings.
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
    this.description = `live stream ${kind.stream}`;
  }

  total(): undefined {
    return undefined;
  }

  async *batches(signal: AbortSignal): AsyncIterable<R[]> {
    const out: R[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: Error | undefined;
    const running = this.#run(signal, (r) => {
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

  async #run(signal: AbortSignal, deliver: (record: R) => void): Promise<void> {
    let last = await this.#kind.initialPosition(signal);
    const accept = (record: R): void => {
      const position = this.#kind.position(record);
      if (position <= last) return;
      last = position;
      deliver(record);
    };
    let attempt = 0;
    while (!signal.aborted) {
      const ended = await this.#connect(signal, () => last, accept);
      if (signal.aborted) return;
      if (ended.livedMs >= 10_000) attempt = 0;
      const wait = ended.immediate ? 0 : backoffMs(attempt, 500, this.#deps.options.wsReconnectMaxMs) + 100;
      attempt += 1;
      this.#deps.onNotice(
        `${this.#kind.stream}: ${ended.reason}; reconnecting in ${wait} ms, then backfilling over REST`,
      );
      await sleep(wait, signal).catch(() => undefined);
    }
  }

  /** One connection, from opening to its end (resolves then; rejects only when a backfill fails). */
  #connect(signal: AbortSignal, last: () => number, accept: (record: R) => void): Promise<Ended> {
    const { options, logger } = this.#deps;
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
          for await (const batch of this.#kind.backfill(last(), signal)) batch.forEach(accept);
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
      signal.addEventListener('abort', onAbort, { once: true });
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
