// A local peer that speaks Binance's real spot REST and WebSocket formats, for tests and offline demos:
// klines, aggTrades, exchangeInfo, X-MBX-USED-WEIGHT-1M accounting with per-endpoint weights, 429 with
// Retry-After when the weight is spent, scripted faults (429, 418, 5xx, truncated bodies, resets),
// market streams with pings that must be answered, forced disconnects and serverShutdown events.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MarketData, type MarketDataOptions } from './market-data.ts';
import { BinanceError, route } from './rest-routes.ts';
import { parseStreams, serveStreams, type StreamOptions } from './ws-streams.ts';

export interface BinancePeerOptions extends MarketDataOptions, Partial<StreamOptions> {
  /** Symbols that exist; others get -1121 Invalid symbol. Default BTCUSDT, ETHUSDT. */
  symbols?: string[];
  /** REQUEST_WEIGHT limit per window; default 6000. */
  weightLimit?: number;
  /** Length of the weight window; default 60 s (Binance's 1M). Tests shorten it. */
  weightWindowMs?: number;
  /** Ping every N ms on each WebSocket; default 20 s. */
  pingIntervalMs?: number;
  /** Close a socket whose pong has not come within N ms of a ping; default 60 s. */
  pongTimeoutMs?: number;
  /** Close every socket after N ms (Binance's 24 h cut-off, compressed); default never. */
  maxConnectionMs?: number;
  port?: number;
}

/** A scripted failure for the next matching request(s). */
export interface Fault {
  /** Only requests to this path; default any. */
  path?: string;
  /** HTTP status to answer with (429, 418, 403, 500, 503…), or a transport fault. */
  status?: number;
  kind?: 'status' | 'truncate' | 'reset';
  /** Retry-After seconds sent with the status. */
  retryAfter?: number;
  /** How many requests it hits; default 1. */
  times?: number;
  /** Matching requests to let through first (a fault in the middle of a load); default 0. */
  after?: number;
}

export interface LoggedRequest {
  path: string;
  query: Record<string, string>;
  status: number;
  at: number;
}

export class BinancePeer {
  readonly market: MarketData;
  readonly requests: LoggedRequest[] = [];
  /** Statuses sent by faults or the weight limit: what the client had to get through. */
  readonly faultsServed: number[] = [];
  readonly #options: BinancePeerOptions;
  readonly #symbols: Set<string>;
  readonly #server: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sockets = new Set<WebSocket>();
  readonly #faults: (Fault & { left: number; skip: number })[] = [];
  #window = -1;
  #used = 0;
  /** WebSocket connections accepted, pings sent, pongs received, messages sent. */
  readonly ws = { connections: 0, pings: 0, pongs: 0, messages: 0, closedForMissingPong: 0 };

  constructor(options: BinancePeerOptions = {}) {
    this.#options = options;
    this.market = new MarketData(options);
    this.#symbols = new Set(options.symbols ?? ['BTCUSDT', 'ETHUSDT']);
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://peer');
      const streams = parseStreams(url.pathname, url.searchParams);
      if (!streams) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, streams.names, streams.combined));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** BINANCE_API_URL for the loader. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** BINANCE_WS_URL for the loader. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Scripts failures for the next requests (in order of scripting). */
  fail(fault: Fault): void {
    this.#faults.push({ ...fault, left: fault.times ?? 1, skip: fault.after ?? 0 });
  }

  /** Cuts every open WebSocket at once, without a close frame (a network drop). */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.terminate();
  }

  /** Sends Binance's serverShutdown event on every socket (a planned disconnect). */
  announceShutdown(): void {
    for (const socket of this.#sockets) socket.send(JSON.stringify({ e: 'serverShutdown', E: Date.now() }));
  }

  get openSockets(): number {
    return this.#sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://peer');
    const now = Date.now();
    const log = (status: number): void => {
      this.requests.push({
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status,
        at: now,
      });
    };
    const fault = this.#takeFault(url.pathname);
    if (fault) {
      const status = fault.status ?? 500;
      this.faultsServed.push(fault.kind === 'truncate' || fault.kind === 'reset' ? -1 : status);
      log(status);
      if (fault.kind === 'reset') return void req.socket.destroy();
      if (fault.kind === 'truncate') {
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': '1000' });
        res.write('[[1704067200000,"42314.00","42');
        setTimeout(() => req.socket.destroy(), 5);
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      res.writeHead(status, headers);
      res.end(
        JSON.stringify(
          status === 429
            ? {
                code: -1003,
                msg: 'Too many requests; please use the websocket for live updates to avoid bans.',
              }
            : { code: -1000, msg: `scripted ${status}` },
        ),
      );
      return;
    }
    try {
      const answer = route(url.pathname, url.searchParams, this.market, this.#symbols, now);
      const used = this.#spend(answer.weight, now);
      const limit = this.#options.weightLimit ?? 6000;
      if (used > limit) {
        const windowMs = this.#options.weightWindowMs ?? 60_000;
        const retryAfter = Math.max(1, Math.ceil(((this.#window + 1) * windowMs - now) / 1000));
        this.faultsServed.push(429);
        log(429);
        res.writeHead(429, {
          'content-type': 'application/json;charset=UTF-8',
          'x-mbx-used-weight-1m': String(used),
          'retry-after': String(retryAfter),
        });
        res.end(
          JSON.stringify({
            code: -1003,
            msg: `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE.`,
          }),
        );
        return;
      }
      log(answer.status);
      res.writeHead(answer.status, {
        'content-type': 'application/json;charset=UTF-8',
        'x-mbx-used-weight-1m': String(used),
        'x-mbx-used-weight': String(used),
      });
      res.end(JSON.stringify(answer.body));
    } catch (error) {
      const e = error instanceof BinanceError ? error : new BinanceError(500, -1000, String(error));
      log(e.status);
      res.writeHead(e.status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify({ code: e.code, msg: e.msg }));
    }
  }

  #takeFault(path: string): Fault | undefined {
    const index = this.#faults.findIndex((f) => f.path === undefined || f.path === path);
    if (index < 0) return undefined;
    const fault = this.#faults[index]!;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.left -= 1;
    if (fault.left <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #spend(weight: number, now: number): number {
    const window = Math.floor(now / (this.#options.weightWindowMs ?? 60_000));
    if (window !== this.#window) {
      this.#window = window;
      this.#used = 0;
    }
    this.#used += weight;
    return this.#used;
  }

  #accept(socket: WebSocket, names: string[], combined: boolean): void {
    this.ws.connections += 1;
    this.#sockets.add(socket);
    const stopStreams = serveStreams(
      socket,
      names,
      combined,
      this.market,
      {
        tickMs: this.#options.tickMs ?? 50,
        klineUpdateMs: this.#options.klineUpdateMs ?? 500,
        duplicateEvery: this.#options.duplicateEvery ?? 0,
      },
      () => (this.ws.messages += 1),
    );
    let awaitingPong = false;
    socket.on('pong', () => {
      awaitingPong = false;
      this.ws.pongs += 1;
    });
    const pingEvery = this.#options.pingIntervalMs ?? 20_000;
    const pongTimeout = this.#options.pongTimeoutMs ?? 60_000;
    let lastPing = 0;
    const pinger = setInterval(
      () => {
        if (awaitingPong && Date.now() - lastPing > pongTimeout) {
          this.ws.closedForMissingPong += 1;
          socket.terminate();
          return;
        }
        if (!awaitingPong) {
          awaitingPong = true;
          lastPing = Date.now();
          this.ws.pings += 1;
          socket.ping(String(lastPing));
        }
      },
      Math.min(pingEvery, pongTimeout),
    );
    const cutoff =
      this.#options.maxConnectionMs === undefined
        ? undefined
        : setTimeout(() => socket.close(1000, 'connection lifetime'), this.#options.maxConnectionMs);
    socket.on('close', () => {
      stopStreams();
      clearInterval(pinger);
      if (cutoff) clearTimeout(cutoff);
      this.#sockets.delete(socket);
    });
    socket.on('error', () => undefined);
  }
}
