// The ArangoDB adapter against a local peer of ArangoDB's HTTP API: collections and _key from the
// natural key, replays are upserts, an outage is retryable, a connector job fills a collection, and
// stats (count, coverage, gaps) computed with AQL equal what the PostgreSQL sink computes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Database } from 'arangojs';
import { MemoryBus } from '../../../src/bus/index.ts';
import {
  ErrorCodes,
  isStreamForgeError,
  type CandleInterval,
  type CandleRecord,
  type MarketRecord,
  type TradeRecord,
} from '../../../src/protocol/index.ts';
import { ArangoSink, PostgresSink } from '../../../src/services/connector/index.ts';
import { SUMMARY_AQL } from '../../../src/services/connector/sinks/arango-stats.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { ArangoPeer } from '../../support/arango-peer/arango-peer.ts';
import { testCandle } from '../../support/candles.ts';
import { isolatedQueue, runConnector, runLoader } from '../../support/market-jobs.ts';

const candle = (openTime: number, close: string): CandleRecord => testCandle(openTime, { close });

const MINUTE = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

const candleOf = (symbol: string, interval: CandleInterval, open_time: number): CandleRecord => ({
  ...candle(open_time, '1.00'),
  symbol,
  interval,
  close_time: open_time + 59_999,
});

const trade = (trade_id: number, time: number): TradeRecord => ({
  kind: 'trade',
  symbol: 'ETHUSDT',
  trade_id,
  price: '3000.10',
  quantity: '0.50000000',
  first_trade_id: trade_id,
  last_trade_id: trade_id,
  time,
  is_buyer_maker: false,
  is_best_match: true,
});

/** 1m candles 00:00–00:09 with 00:03–00:05 missing, and 1h candles 00:00–05:00 with 02:00 missing. */
const CANDLES: CandleRecord[] = [
  ...[0, 1, 2, 6, 7, 8, 9].map((m) => candleOf('BTCUSDT', '1m', T0 + m * MINUTE)),
  ...[0, 1, 3, 4, 5].map((h) => candleOf('BTCUSDT', '1h', T0 + h * HOUR)),
];

/** Trade ids 1001, 1003, …, 3501 (1250 holes of one id: more than a cursor batch), then 3510. */
const TRADES: TradeRecord[] = [
  ...Array.from({ length: 1251 }, (_, i) => trade(1001 + 2 * i, T0 + i * 1000)),
  trade(3510, T0 + 2_000_000),
];

describe('ArangoDB adapter', () => {
  let peer: ArangoPeer;
  const options = () => ({ url: peer.url, database: 'streamforge', user: 'root', password: 'secret' });

  let store: PGliteClient;
  /** The same records through the PostgreSQL sink (PGlite): the stats the ArangoDB sink must match. */
  const postgresStats = async (name: string, kind: MarketRecord['kind'], records: MarketRecord[]) => {
    const sink = new PostgresSink(store);
    await sink.ensureCollection({ name, kind });
    await sink.upsert(name, records);
    return sink.stats(name);
  };

  before(async () => {
    store = await PGliteClient.open();
    peer = await new ArangoPeer({ password: 'secret' }).start();
  });
  after(async () => {
    await peer.close();
    await store.close();
  });

  it('creates the database and collection, keys documents by natural key, and replays as upserts', async () => {
    const sink = new ArangoSink(options());
    await sink.ensureCollection({ name: 'btcusdt_api_candles_1m_2024_01_01', kind: 'candle' });
    await sink.ensureCollection({ name: 'btcusdt_api_candles_1m_2024_01_01', kind: 'candle' });
    await sink.upsert('btcusdt_api_candles_1m_2024_01_01', [candle(0, '1.10'), candle(60_000, '1.20')]);
    await sink.upsert('btcusdt_api_candles_1m_2024_01_01', [
      candle(60_000, '1.30'),
      candle(120_000, '1.40'),
      candle(120_000, '1.50'),
    ]);
    const docs = peer.collection('streamforge', 'btcusdt_api_candles_1m_2024_01_01')!;
    assert.deepEqual([...docs.keys()].sort(), ['BTCUSDT:1m:0', 'BTCUSDT:1m:120000', 'BTCUSDT:1m:60000']);
    assert.equal(docs.get('BTCUSDT:1m:60000')!.close, '1.30');
    assert.equal(docs.get('BTCUSDT:1m:120000')!.close, '1.50', 'the last of a key in a batch wins');
    assert.equal((await sink.stats('btcusdt_api_candles_1m_2024_01_01')).rows, 3);
    await sink.close();
  });

  it('refuses to put trades into a collection of candles, naming the collection', async () => {
    const sink = new ArangoSink(options());
    await sink.ensureCollection({ name: 'btcusdt_candles_only', kind: 'candle' });
    await sink.upsert('btcusdt_candles_only', [candle(0, '1.10')]);
    const refused = await new ArangoSink(options())
      .ensureCollection({ name: 'btcusdt_candles_only', kind: 'trade' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(
      isStreamForgeError(refused) && refused.code === ErrorCodes.INVALID_CONFIG && !refused.canRetry,
      String(refused),
    );
    assert.match(refused.message, /"btcusdt_candles_only" holds candles, not trades/);
    await sink.ensureCollection({ name: 'btcusdt_candles_only', kind: 'candle' });
    await sink.close();
  });

  it('reports an unreachable ArangoDB as a retryable outage and bad credentials as not retryable', async () => {
    const down = new ArangoSink({ ...options(), url: 'http://127.0.0.1:9' });
    const outage = await down.upsert('x', [candle(0, '1.0')]).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(
      isStreamForgeError(outage) && outage.code === ErrorCodes.STORE_UNAVAILABLE && outage.canRetry,
      String(outage),
    );
    const wrong = new ArangoSink({ ...options(), password: 'wrong' });
    const refused = await wrong.ensureCollection({ name: 'y', kind: 'candle' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isStreamForgeError(refused) && !refused.canRetry, String(refused));
  });

  it('stats: rows, coverage and candle gaps computed with AQL, as the PostgreSQL sink computes them', async () => {
    const sink = new ArangoSink(options());
    const name = 'btcusdt_candles_with_holes';
    await sink.ensureCollection({ name, kind: 'candle' });
    await sink.upsert(name, CANDLES.slice(0, 6));
    await sink.upsert(name, CANDLES.slice(6));
    const stats = await sink.stats(name);
    assert.deepEqual(stats, {
      name,
      kind: 'candle',
      rows: 12,
      firstTime: T0,
      lastTime: T0 + 5 * HOUR,
      gaps: [
        // Ordered by symbol, interval ('1h' before '1m'), time.
        { symbol: 'BTCUSDT', after: T0 + 1 * HOUR, before: T0 + 3 * HOUR, missing: 1 },
        { symbol: 'BTCUSDT', after: T0 + 2 * MINUTE, before: T0 + 6 * MINUTE, missing: 3 },
      ],
      missing: 4,
      gapsKnown: true,
    });
    assert.deepEqual(stats, await postgresStats(name, 'candle', CANDLES));
    await sink.close();
  });

  it('stats: trade id gaps across cursor batches, the first 20 listed and all counted', async () => {
    const sink = new ArangoSink(options());
    const name = 'ethusdt_trades_with_holes';
    await sink.ensureCollection({ name, kind: 'trade' });
    await sink.upsert(name, TRADES);
    const before = peer.requests.filter((r) => r.path.includes('/_api/cursor/')).length;
    const stats = await sink.stats(name);
    assert.ok(
      peer.requests.filter((r) => r.path.includes('/_api/cursor/')).length > before,
      '1251 gaps take more than one batch of the cursor',
    );
    assert.equal(stats.kind, 'trade');
    assert.equal(stats.rows, 1252);
    assert.deepEqual([stats.firstTime, stats.lastTime], [T0, T0 + 2_000_000]);
    assert.equal(stats.missing, 1250 + 8);
    assert.equal(stats.gaps.length, 20);
    assert.deepEqual(stats.gaps[0], { symbol: 'ETHUSDT', after: 1001, before: 1003, missing: 1 });
    assert.deepEqual(stats.gaps[19], { symbol: 'ETHUSDT', after: 1039, before: 1041, missing: 1 });
    assert.deepEqual(stats, await postgresStats(name, 'trade', TRADES));
    // Gaps are listed in id order, not in the order of the ids' text.
    const shortIds = [trade(9, T0), trade(11, T0), trade(100, T0)];
    await sink.ensureCollection({ name: 'ethusdt_trades_short_ids', kind: 'trade' });
    await sink.upsert('ethusdt_trades_short_ids', shortIds);
    const short = await sink.stats('ethusdt_trades_short_ids');
    assert.deepEqual(
      short.gaps.map((g) => [g.after, g.before, g.missing]),
      [
        [9, 11, 1],
        [11, 100, 88],
      ],
    );
    // Regression: postgres-stats.ts ordered gaps by the text of their ids ('100' before '9').
    assert.deepEqual(short, await postgresStats('ethusdt_trades_short_ids', 'trade', shortIds));
    await sink.close();
  });

  it('stats: a new process reads the kind from the documents; empty and unknown collections', async () => {
    const writer = new ArangoSink(options());
    await writer.ensureCollection({ name: 'empty_trades', kind: 'trade' });
    const empty = await writer.stats('empty_trades');
    assert.deepEqual(
      [empty.kind, empty.rows, empty.firstTime, empty.lastTime, empty.missing],
      ['trade', 0, undefined, undefined, 0],
    );
    await writer.close();
    const reader = new ArangoSink(options());
    const trades = await reader.stats('ethusdt_trades_with_holes');
    assert.deepEqual([trades.kind, trades.rows, trades.missing], ['trade', 1252, 1258]);
    const unknown = await reader.stats('no_such_collection').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(
      isStreamForgeError(unknown) &&
        unknown.code === ErrorCodes.NOT_FOUND &&
        /no collection named "no_such_collection"/.test(unknown.message),
      String(unknown),
    );
    await reader.close();
  });

  it('stats queries bind the collection (@@collection) and every value', () => {
    const stats = peer.queries.filter((q) => JSON.stringify(q.bindVars).includes('_with_holes'));
    assert.ok(stats.length >= 4, `${stats.length} stats queries`);
    for (const { query, bindVars } of stats) {
      assert.match(String(query), /@@collection/);
      assert.doesNotMatch(String(query), /_with_holes|BTCUSDT|ETHUSDT|60000/);
      assert.equal(typeof (bindVars as Record<string, unknown>)['@collection'], 'string');
    }
  });

  it('the peer refuses a query it does not know as ArangoDB refuses one it cannot parse', async () => {
    const db = new Database({
      url: peer.url,
      databaseName: 'streamforge',
      auth: { username: 'root', password: 'secret' },
    });
    const refusal = (query: string, bindVars?: Record<string, unknown>) =>
      db.query(query, bindVars).then(
        () => assert.fail(`the peer answered ${query}`),
        (e: { code?: number; errorNum?: number; message?: string }) => [e.code, e.errorNum],
      );
    assert.deepEqual(
      await refusal('FOR d IN @@collection RETURN d', { '@collection': 'empty_trades' }),
      [400, 1501],
    );
    assert.deepEqual(await refusal(SUMMARY_AQL), [400, 1551], 'a declared bind parameter without a value');
    assert.deepEqual(await refusal(SUMMARY_AQL, { '@collection': 'empty_trades', extra: 1 }), [400, 1552]);
    assert.deepEqual(await refusal(SUMMARY_AQL, { '@collection': 'nothing_here' }), [404, 1203]);
    db.close();
  });

  it('a connector job with ARANGO_URL fills the collection', async () => {
    const bus = new MemoryBus();
    try {
      const queue = await isolatedQueue(bus, 'arango');
      const env = {
        ...queue.env,
        SYMBOL: 'ETHUSDT',
        TYPE: 'synthetic_trades',
        SYNTHETIC_RECORDS: '2500',
        ARANGO_URL: peer.url,
        ARANGO_DB: 'streamforge',
        ARANGO_PASSWORD: 'secret',
        COLLECTION_NAME: 'ethusdt_synthetic_trades',
      };
      const [loader, connector] = await Promise.all([runLoader(bus, env), runConnector(bus, env)]);
      assert.equal(loader.state, 'finished', loader.error);
      assert.equal(connector.state, 'finished', connector.error);
      const docs = peer.collection('streamforge', 'ethusdt_synthetic_trades')!;
      assert.equal(docs.size, 2500);
      assert.equal(docs.get('ETHUSDT:1')!.trade_id, 1);
    } finally {
      await bus.close();
    }
  });
});
