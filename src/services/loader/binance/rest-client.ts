import { ErrorCodes, StreamForgeError, errorMessage } from '../../../protocol/index.ts';
import { backoffMs, sleep } from './backoff.ts';

export interface BinanceRestOptions {
  /** BINANCE_API_URL, e.g. https://data-api.binance.vision (public market data only). */
  baseUrl: string;
  /** REQUEST_WEIGHT per window; default 6000, replaced by exchangeInfo's when `readLimits` runs. */
  weightLimit?: number;
  /** Share of the limit this client spends before waiting for the next window; default 0.8. */
  weightBudget?: number;
  /** Length of the weight window; default 60000 (Binance's X-MBX-USED-WEIGHT-1M). */
  weightWindowMs?: number;
  /** Attempts after a transient failure (5xx, 403, network, truncated body); default 8. */
  maxRetries?: number;
  /** Longest 418 ban the client waits out; longer bans fail the load. Default 300000. */
  maxBanWaitMs?: number;
  /** Per request; default 10000 (Binance's own request timeout). */
  requestTimeoutMs?: number;
  /** Backoff base and cap for transient failures; defaults 250 and 10000 ms. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Told about every wait and retry, so the job can say so in telemetry. */
  onNotice?: (notice: RestNotice) => void;
}

export interface RestNotice {
  kind: 'rate-limited' | 'banned' | 'budget' | 'retry';
  status?: number;
  waitMs: number;
  message: string;
}

type Params = Record<string, string | number | undefined>;

/**
 * GETs Binance's public REST API within its rules: keeps the used weight (from X-MBX-USED-WEIGHT-1M)
 * under a budget, waits out 429/418 for as long as Retry-After says, retries transient failures with
 * jittered backoff, and fails with a message naming the request when it cannot succeed.
 */
export class BinanceRestClient {
  readonly #o: Required<Omit<BinanceRestOptions, 'onNotice'>> & Pick<BinanceRestOptions, 'onNotice'>;
  #limit: number;
  #used = 0;
  #window = -1;
  /** Counts by outcome, for metrics and tests. */
  readonly counts = { requests: 0, rateLimited: 0, retries: 0 };

  constructor(options: BinanceRestOptions) {
    this.#o = Object.freeze({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      weightLimit: options.weightLimit ?? 6000,
      weightBudget: options.weightBudget ?? 0.8,
      weightWindowMs: options.weightWindowMs ?? 60_000,
      maxRetries: options.maxRetries ?? 8,
      maxBanWaitMs: options.maxBanWaitMs ?? 300_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      backoffBaseMs: options.backoffBaseMs ?? 250,
      backoffCapMs: options.backoffCapMs ?? 10_000,
      onNotice: options.onNotice,
    });
    this.#limit = this.#o.weightLimit;
  }

  /** The weight this IP used in the current window, as Binance last said. */
  get usedWeight(): number {
    return this.#used;
  }

  /** Reads REQUEST_WEIGHT from exchangeInfo (instead of trusting a hard-coded 6000) and checks the symbol. */
  async readLimits(symbol: string, signal?: AbortSignal): Promise<void> {
    const info = await this.get<{
      rateLimits?: { rateLimitType: string; interval: string; intervalNum: number; limit: number }[];
    }>('/api/v3/exchangeInfo', { symbol }, 20, signal);
    const weight = info.rateLimits?.find(
      (l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.interval === 'MINUTE' && l.intervalNum === 1,
    );
    if (weight && weight.limit > 0) this.#limit = weight.limit;
  }

  async get<T>(path: string, params: Params, weight: number, signal?: AbortSignal): Promise<T> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const url = `${this.#o.baseUrl}${path}?${query.toString()}`;
    const what = `GET ${path}?${query.toString()}`;
    let failures = 0;
    for (;;) {
      await this.#withinBudget(weight, signal);
      signal?.throwIfAborted();
      this.counts.requests += 1;
      let response: Response;
      let body: string;
      try {
        const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs);
        response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        this.#noteWeight(response.headers.get('x-mbx-used-weight-1m'));
        body = await response.text();
      } catch (error) {
        signal?.throwIfAborted();
        failures = await this.#transient(what, `${errorMessage(error)}`, failures, undefined, signal);
        continue;
      }
      const status = response.status;
      if (status === 429 || status === 418) {
        await this.#rateLimited(what, status, response.headers.get('retry-after'), signal);
        continue;
      }
      if (status >= 500 || status === 403) {
        failures = await this.#transient(
          what,
          `HTTP ${status} ${body.slice(0, 200)}`,
          failures,
          status,
          signal,
        );
        continue;
      }
      if (status !== 200) {
        throw new StreamForgeError(
          ErrorCodes.SOURCE_FAILED,
          `Binance refused ${what}: HTTP ${status} ${describe(body)}`,
        );
      }
      try {
        return JSON.parse(body) as T;
      } catch {
        failures = await this.#transient(
          what,
          `a truncated or invalid JSON body (${body.length} bytes)`,
          failures,
          status,
          signal,
        );
      }
    }
  }

  async #transient(
    what: string,
    reason: string,
    failures: number,
    status: number | undefined,
    signal?: AbortSignal,
  ): Promise<number> {
    if (failures >= this.#o.maxRetries) {
      throw new StreamForgeError(
        ErrorCodes.SOURCE_FAILED,
        `Binance ${what} failed ${failures + 1} times; last: ${reason}. Check BINANCE_API_URL and the network`,
        { canRetry: true },
      );
    }
    const waitMs = backoffMs(failures, this.#o.backoffBaseMs, this.#o.backoffCapMs);
    this.counts.retries += 1;
    this.#o.onNotice?.({
      kind: 'retry',
      status,
      waitMs,
      message: `retrying ${what} in ${waitMs} ms after ${reason}`,
    });
    await sleep(waitMs, signal);
    return failures + 1;
  }

  async #rateLimited(
    what: string,
    status: number,
    retryAfter: string | null,
    signal?: AbortSignal,
  ): Promise<void> {
    this.counts.rateLimited += 1;
    const seconds = Number(retryAfter);
    // Without Retry-After, wait for the next weight window: the limit is per window.
    const waitMs =
      Number.isFinite(seconds) && retryAfter !== null && retryAfter !== ''
        ? seconds * 1000
        : this.#untilNextWindow();
    if (status === 418 && waitMs > this.#o.maxBanWaitMs) {
      throw new StreamForgeError(
        ErrorCodes.SOURCE_BANNED,
        `Binance banned this IP (HTTP 418) for ${Math.round(waitMs / 1000)} s during ${what}; ` +
          `the load cannot wait that long (max ${this.#o.maxBanWaitMs / 1000} s): retry after the ban ends`,
      );
    }
    const label = status === 418 ? 'banned this IP (HTTP 418)' : 'rate-limited this IP (HTTP 429)';
    this.#o.onNotice?.({
      kind: status === 418 ? 'banned' : 'rate-limited',
      status,
      waitMs,
      message: `Binance ${label}: waiting ${Math.round(waitMs / 100) / 10} s as Retry-After says, then repeating ${what}`,
    });
    await sleep(waitMs, signal);
    this.#used = 0;
  }

  async #withinBudget(weight: number, signal?: AbortSignal): Promise<void> {
    const window = Math.floor(Date.now() / this.#o.weightWindowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#used = 0;
    }
    if (this.#used + weight <= this.#limit * this.#o.weightBudget) return;
    const waitMs = this.#untilNextWindow() + 50;
    this.#o.onNotice?.({
      kind: 'budget',
      waitMs,
      message: `used weight ${this.#used} of ${this.#limit}: waiting ${Math.round(waitMs / 100) / 10} s for the next window to stay within ${Math.round(this.#o.weightBudget * 100)}%`,
    });
    await sleep(waitMs, signal);
    this.#window = Math.floor(Date.now() / this.#o.weightWindowMs);
    this.#used = 0;
  }

  #untilNextWindow(): number {
    const w = this.#o.weightWindowMs;
    return (Math.floor(Date.now() / w) + 1) * w - Date.now();
  }

  #noteWeight(header: string | null): void {
    const used = Number(header);
    if (header === null || !Number.isFinite(used)) return;
    this.#window = Math.floor(Date.now() / this.#o.weightWindowMs);
    this.#used = used;
  }
}

function describe(body: string): string {
  try {
    const error = JSON.parse(body) as { code?: number; msg?: string };
    if (error.msg !== undefined) return `${error.code ?? ''} ${error.msg}`.trim();
  } catch {
    // not JSON: show the start of it
  }
  return body.slice(0, 200);
}
