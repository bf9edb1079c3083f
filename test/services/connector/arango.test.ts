// The ArangoDB adapter against a local peer of ArangoDB's HTTP document API: collections and _key from
// the natural key, replays are upserts, an outage is retryable, and a connector job fills a collection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { ErrorCodes, isStreamForgeError, type CandleRecord } from '../../../src/protocol/index.ts';
import { ArangoSink } from '../../../src/services/connector/index.ts';
import { ArangoPeer } from '../../support/arango-peer/arango-peer.ts';
import { isolatedQueue, runConnector, runLoader } from '../../support/market-jobs.ts';

const candle = (open_time: number, close: string): CandleRecord => ({
  kind: 'candle',
  symbol: 'BTCUSDT',
  interval: '1m',
  open_time,
  close_time: open_time + 59_999,
  open: '1.00',
  high: '2.00',
  low: '0.50',
  close,
  volume: '10.00000000',
  quote_volume: '15.00000000',
  trades: 3,
  taker_buy_base_volume: '5.00000000',
  taker_buy_quote_volume: '7.50000000',
});

describe('ArangoDB adapter', () => {
  let peer: ArangoPeer;
  const options = () => ({ url: peer.url, database: 'streamforge', user: 'root', password: 'secret' });

  before(async () => {
    peer = await new ArangoPeer({ password: 'secret' }).start();
  });
  after(() => peer.close());

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
