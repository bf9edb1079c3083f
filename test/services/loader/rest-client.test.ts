// The Binance REST client against the peer: weight budget, 429/418 with Retry-After, transient faults
// retried, refusals and long bans failing with a message that says what happened.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { ErrorCodes, isStreamForgeError } from '../../../src/protocol/index.ts';
import { BinanceRestClient, type RestNotice } from '../../../src/services/loader/index.ts';
import { ApiCandlesSource } from '../../../src/services/loader/sources/api-candles.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';

/** The peer's weight window, short so a test can fill one and see the next. */
const WINDOW_MS = 1000;

describe('Binance REST client', () => {
  let peer: BinancePeer;
  before(async () => {
    peer = await new BinancePeer({ weightLimit: 100, weightWindowMs: WINDOW_MS }).start();
  });
  after(() => peer.close());

  const client = (notices: RestNotice[] = [], extra = {}) =>
    new BinanceRestClient({
      baseUrl: peer.apiUrl,
      backoffBaseMs: 5,
      backoffCapMs: 20,
      onNotice: (n) => notices.push(n),
      ...extra,
    });
  const klines = { symbol: 'BTCUSDT', interval: '1m', startTime: 1704067200000, limit: 10 };

  it('stays within the weight budget of X-MBX-USED-WEIGHT-1M instead of running into 429', async () => {
    const notices: RestNotice[] = [];
    const rest = client(notices, { weightLimit: 100, weightWindowMs: WINDOW_MS });
    const before = peer.faultsServed.length;
    // Start just after a window opens: 60 requests that straddled a window boundary could split into
    // two windows below the budget each, and the test failed now and then without a fault.
    await setTimeout(WINDOW_MS - (Date.now() % WINDOW_MS) + 5);
    for (let i = 0; i < 60; i += 1) await rest.get('/api/v3/klines', klines, 2);
    assert.ok(
      notices.some((n) => n.kind === 'budget'),
      'waited for the next window at least once',
    );
    assert.deepEqual(peer.faultsServed.slice(before), [], 'the peer never had to answer 429');
  });

  it('waits out 429 and 418 as long as Retry-After says, and reports it', async () => {
    const notices: RestNotice[] = [];
    peer.fail({ path: '/api/v3/klines', status: 429, retryAfter: 0 });
    peer.fail({ path: '/api/v3/klines', status: 418, retryAfter: 0 });
    const page = await client(notices).get<unknown[]>('/api/v3/klines', klines, 2);
    assert.equal(page.length, 10);
    assert.deepEqual(
      notices.map((n) => [n.kind, n.status]),
      [
        ['rate-limited', 429],
        ['banned', 418],
      ],
    );
    assert.match(notices[0]!.message, /Retry-After/);
  });

  it('fails at once on a 418 ban longer than it may wait', async () => {
    peer.fail({ path: '/api/v3/klines', status: 418, retryAfter: 3600 });
    const error = await client([], { maxBanWaitMs: 1000 })
      .get('/api/v3/klines', klines, 2)
      .catch((e: unknown) => e);
    assert.ok(isStreamForgeError(error) && error.code === ErrorCodes.SOURCE_BANNED, String(error));
    assert.match((error as Error).message, /3600 s/);
  });

  it('retries 5xx, resets and truncated bodies with backoff, then succeeds', async () => {
    const notices: RestNotice[] = [];
    peer.fail({ path: '/api/v3/klines', status: 503 });
    peer.fail({ path: '/api/v3/klines', kind: 'reset' });
    peer.fail({ path: '/api/v3/klines', kind: 'truncate' });
    const page = await client(notices).get<unknown[]>('/api/v3/klines', klines, 2);
    assert.equal(page.length, 10);
    assert.equal(notices.filter((n) => n.kind === 'retry').length, 3);
  });

  it("gives up after maxRetries, naming the request, and refuses bad requests with Binance's message", async () => {
    peer.fail({ path: '/api/v3/klines', status: 500, times: 5 });
    const exhausted = await client([], { maxRetries: 2 })
      .get('/api/v3/klines', klines, 2)
      .catch((e: unknown) => e);
    assert.ok(
      isStreamForgeError(exhausted) && exhausted.code === ErrorCodes.SOURCE_FAILED && exhausted.canRetry,
    );
    assert.match((exhausted as Error).message, /GET \/api\/v3\/klines\?symbol=BTCUSDT.* failed 3 times/);
    const refused = await client()
      .get('/api/v3/klines', { ...klines, symbol: 'NOPE' }, 2)
      .catch((e: unknown) => e);
    assert.match(String(refused), /-1121 Invalid symbol/);
  });

  it('pages klines by last open time + 1 for every interval, calendar months included', async () => {
    const rest = client([], { weightLimit: 100_000 });
    for (const [interval, start, end, count] of [
      ['1M', Date.UTC(2020, 0, 1), Date.UTC(2023, 11, 31, 23, 59), 48],
      ['1w', Date.UTC(2024, 0, 1), Date.UTC(2024, 11, 31), 53],
      ['3m', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8) - 1, 3360],
    ] as const) {
      const source = new ApiCandlesSource(rest, 'BTCUSDT', interval, { startMs: start, endMs: end });
      const opens: number[] = [];
      for await (const batch of source.batches(new AbortController().signal))
        opens.push(...batch.map((c) => c.open_time));
      assert.equal(opens.length, count, interval);
      assert.equal(new Set(opens).size, opens.length, `${interval}: no duplicate`);
      assert.equal(source.total(), count, `${interval}: records_total`);
      const expected = peer.market.klines('BTCUSDT', interval, start, end).map((k) => k[0]);
      assert.deepEqual(opens, expected, `${interval}: every open time once, in order`);
    }
  });
});
