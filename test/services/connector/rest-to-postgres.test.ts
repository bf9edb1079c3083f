// A month of 1m candles and a day of trades through the fake Binance, the real broker and the
// connector into real PostgreSQL tables, row for row what the peer served; a 429 mid-load is waited out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus } from '../../../src/bus/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import { kafkaSkipReason } from '../../support/kafka.ts';
import { collectTelemetry, queueIntoTable, runConnector, runLoader } from '../../support/market-jobs.ts';

describe('REST → Kafka → PostgreSQL', { skip: kafkaSkipReason }, () => {
  let peer: BinancePeer;
  let backends: TestBackends;
  let bus: KafkaBus;
  let db: PostgresClient;

  before(async () => {
    peer = await new BinancePeer({ tradesPerMinute: 30 }).start();
    backends = await TestBackends.open();
    ({ bus, db } = backends);
  });
  after(async () => {
    await backends.close();
    await peer.close();
  });

  it('loads a month of 1m candles row for row, waiting out a 429 in the middle', async () => {
    const queue = await queueIntoTable(backends, 'candles-month');
    peer.fail({ path: '/api/v3/klines', status: 429, retryAfter: 1, after: 20 });
    const env = {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'api_candles_1m',
      TIME_RANGE: '2024-01-01:2024-01-31',
      BINANCE_API_URL: peer.apiUrl,
    };
    const telemetry = await collectTelemetry(bus, queue.events);
    const [loader, connector] = await Promise.all([runLoader(bus, env), runConnector(bus, env)]);
    await telemetry.close();
    assert.equal(loader.state, 'finished', loader.error);
    assert.equal(connector.state, 'finished', connector.error);
    assert.ok(peer.faultsServed.includes(429), 'the peer answered 429 once');
    const loading = telemetry.ofTarget('loader-producer', 'loading');
    assert.ok(
      loading.some((e) => /429/.test(e.message ?? '')),
      'a loading event says the loader waited out the 429',
    );
    const [done] = telemetry.ofTarget('arango-connector', 'finished');
    assert.equal(done?.records_written, 31 * 1440);

    const expected = peer.market.klines('BTCUSDT', '1m', Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1) - 1);
    const rows = await db.query<Record<string, string>>(
      `select (extract(epoch from open_time) * 1000)::bigint::text as t, open::text, high::text, low::text, close::text,
         volume::text, (extract(epoch from close_time) * 1000)::bigint::text as ct, quote_volume::text, trades::text,
         taker_buy_base_volume::text as tb, taker_buy_quote_volume::text as tq
       from "${queue.collection}" order by open_time`,
    );
    assert.equal(rows.rows.length, expected.length);
    const served = expected.map((k) => [
      String(k[0]),
      k[1],
      k[2],
      k[3],
      k[4],
      k[5],
      String(k[6]),
      k[7],
      String(k[8]),
      k[9],
      k[10],
    ]);
    assert.deepEqual(
      rows.rows.map((r) => [
        r.t,
        r.open,
        r.high,
        r.low,
        r.close,
        r.volume,
        r.ct,
        r.quote_volume,
        r.trades,
        r.tb,
        r.tq,
      ]),
      served,
    );
  });

  it('loads a day of aggTrades row for row, paging by fromId', async () => {
    const queue = await queueIntoTable(backends, 'trades-day');
    const env = {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'api_trades',
      TIME_RANGE: '2024-01-02:2024-01-02',
      BINANCE_API_URL: peer.apiUrl,
    };
    const [loader, connector] = await Promise.all([runLoader(bus, env), runConnector(bus, env)]);
    assert.equal(loader.state, 'finished', loader.error);
    assert.equal(connector.state, 'finished', connector.error);
    const expected = peer.market.aggTrades('BTCUSDT', Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3) - 1);
    assert.ok(expected.length > 40_000);
    const rows = await db.query<Record<string, string | boolean>>(
      `select trade_id::text as a, price::text as p, quantity::text as q, first_trade_id::text as f, last_trade_id::text as l,
         (extract(epoch from time) * 1000)::bigint::text as t, is_buyer_maker as m, is_best_match as bm
       from "${queue.collection}" order by trade_id`,
    );
    assert.deepEqual(
      rows.rows.map((r) => [r.a, r.p, r.q, r.f, r.l, r.t, r.m, r.bm]),
      expected.map((t) => [String(t.a), t.p, t.q, String(t.f), String(t.l), String(t.T), t.m, t.M]),
    );
    const paged = peer.requests.filter((r) => r.path === '/api/v3/aggTrades' && r.query.fromId !== undefined);
    assert.ok(paged.length >= 40, 'pages after the first go by fromId');
  });
});
