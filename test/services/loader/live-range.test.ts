// Live types with a TIME_RANGE against the Binance peer: the past of the range over REST, then the
// stream, every record of the range exactly once, nothing after its end, and the load ends by itself.
// Ranges here are a few seconds (1s candles, fast trades) so the tests finish in seconds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus, type Bus } from '../../../src/bus/index.ts';
import {
  dataTopic,
  openTimeOf,
  parseDataMessage,
  type EndOfStream,
  type MarketRecord,
} from '../../../src/protocol/index.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { BinanceRestClient, readLoaderOptions } from '../../../src/services/loader/index.ts';
import type { RecordSource } from '../../../src/services/loader/sources/source.ts';
import { WsCandlesSource } from '../../../src/services/loader/sources/ws-candles.ts';
import { WsTradesSource } from '../../../src/services/loader/sources/ws-trades.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import { isolatedQueue, runConnector, runLoader } from '../../support/market-jobs.ts';
import { waitFor } from '../../support/wait.ts';

function deps(peer: BinancePeer, range: { startMs: number; endMs: number }, notices: string[] = []) {
  return {
    rest: new BinanceRestClient({ baseUrl: peer.apiUrl }),
    symbol: 'BTCUSDT',
    wsUrl: peer.wsUrl,
    options: readLoaderOptions({ WS_RECONNECT_MAX_SECONDS: '1', WS_STALE_SECONDS: '5' }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    onNotice: (message: string) => notices.push(message),
    range,
  };
}

/** Every record the source yields until it ends by itself; `onBatch` may disturb the peer meanwhile. */
async function drain(source: RecordSource, onBatch: (n: number) => void = () => undefined) {
  const records: MarketRecord[] = [];
  let batches = 0;
  for await (const batch of source.batches(new AbortController().signal)) {
    records.push(...batch);
    onBatch((batches += 1));
  }
  return records;
}

/** Every message on the topic, data records and end-of-stream markers apart. */
async function readTopic(bus: Bus, topic: string) {
  const sub = await bus.subscribe({ topics: [topic], from: 'earliest' });
  const records: MarketRecord[] = [];
  const markers: EndOfStream[] = [];
  for (;;) {
    const polled = await sub.poll({ maxWaitMs: 100, maxRecords: 5000 });
    if (polled.length === 0) break;
    for (const r of polled) {
      const parsed = parseDataMessage(r.value);
      assert.ok(parsed.ok);
      if (parsed.value.kind === 'end') markers.push(parsed.value);
      else records.push(parsed.value);
    }
  }
  await sub.close();
  return { records, markers };
}

describe('live types with a time range', () => {
  it('ws_candles_1s: a range from the past into the near future, every candle once, then ends', async () => {
    const peer = await new BinancePeer({
      pingIntervalMs: 200,
      pongTimeoutMs: 1000,
      klineUpdateMs: 100,
    }).start();
    try {
      const now = Date.now();
      const range = { startMs: openTimeOf('1s', now) - 5000, endMs: now + 3000 };
      const notices: string[] = [];
      const source = new WsCandlesSource({ ...deps(peer, range, notices), interval: '1s' });
      let dropped = false;
      const records = await drain(source, () => {
        // Once the stream has taken over, cut it: the seam after a reconnect must hold too.
        if (!dropped && peer.ws.connections > 0) {
          dropped = true;
          peer.dropConnections();
        }
      });
      const opens = records.map((r) => (r.kind === 'candle' ? r.open_time : -1));
      const expected = peer.market.klines('BTCUSDT', '1s', range.startMs, range.endMs).map((k) => k[0]);
      assert.deepEqual(opens, expected, 'every candle of the range, in order, once');
      assert.ok(expected.length >= 8, `${expected.length} candles in the range`);
      assert.deepEqual(
        records.map((r) => (r.kind === 'candle' ? r.close : '')),
        expected.map((t) => peer.market.kline('BTCUSDT', '1s', t)[4]),
      );
      assert.ok(
        source.connections >= 2,
        `the stream took over, and again after the drop (${source.connections})`,
      );
      assert.ok(
        peer.requests.some((r) => r.path === '/api/v3/klines' && r.query.startTime === String(range.startMs)),
        'the past of the range came over REST from its start',
      );
      await waitFor('the connection to close once the range is complete', () => peer.openSockets === 0);
      assert.equal(source.total(), undefined);
    } finally {
      await peer.close();
    }
  });

  it('ws_trades: a range from the past into the near future, every trade once despite duplicates and a drop', async () => {
    const peer = await new BinancePeer({
      tradesPerMinute: 1200,
      pingIntervalMs: 200,
      pongTimeoutMs: 1000,
      duplicateEvery: 7,
    }).start();
    try {
      const now = Date.now();
      const range = { startMs: now - 3000, endMs: now + 2000 };
      const source = new WsTradesSource(deps(peer, range));
      let dropped = false;
      const records = await drain(source, () => {
        if (!dropped && peer.ws.connections > 0) {
          dropped = true;
          peer.dropConnections();
        }
      });
      const ids = records.map((r) => (r.kind === 'trade' ? r.trade_id : -1));
      const expected = peer.market.aggTrades('BTCUSDT', range.startMs, range.endMs);
      assert.deepEqual(
        ids,
        expected.map((t) => t.a),
        'every trade of the range, in order, once',
      );
      assert.ok(expected.length > 50, `${expected.length} trades in the range`);
      assert.ok(
        records.every((r) => r.kind === 'trade' && r.time >= range.startMs && r.time <= range.endMs),
        'nothing outside the range',
      );
      assert.ok(source.connections >= 2, `reconnected (${source.connections} connections)`);
      await waitFor('the connection to close once the range is complete', () => peer.openSockets === 0);
    } finally {
      await peer.close();
    }
  });

  it('a range wholly in the past is the REST load, then finished with end-of-stream markers', async () => {
    const peer = await new BinancePeer({ tradesPerMinute: 2 }).start();
    const bus = new MemoryBus();
    try {
      const [startMs, endMs] = [Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 3) - 1];
      for (const [type, expected] of [
        ['ws_candles_1h', 48],
        ['ws_trades', peer.market.aggTrades('BTCUSDT', startMs, endMs).length],
      ] as const) {
        const queue = await isolatedQueue(bus, type.replaceAll('_', '-'));
        const outcome = await runLoader(bus, {
          ...queue.env,
          SYMBOL: 'BTCUSDT',
          TYPE: type,
          TIME_RANGE: '2024-06-01:2024-06-02',
          BINANCE_API_URL: peer.apiUrl,
          BINANCE_WS_URL: peer.wsUrl,
        });
        assert.equal(outcome.state, 'finished', outcome.error);
        const { records, markers } = await readTopic(bus, dataTopic(queue.queueId, type));
        assert.equal(records.length, expected, type);
        assert.equal(markers.length, 3, 'one end-of-stream marker per partition');
        assert.ok(markers.every((m) => m.total === expected));
        const times = records.map((r) => (r.kind === 'candle' ? r.open_time : r.time));
        assert.equal(Math.min(...times), startMs);
        assert.ok(Math.max(...times) <= endMs);
        // Its connector (embedded PGlite) sees the markers and ends too, rather than running until stopped.
        const stored = await runConnector(bus, {
          ...queue.env,
          SYMBOL: 'BTCUSDT',
          TYPE: type,
          TIME_RANGE: '2024-06-01:2024-06-02',
        });
        assert.equal(stored.state, 'finished', stored.error);
      }
      assert.equal(peer.ws.connections, 0, 'no stream for a range wholly in the past');
    } finally {
      await bus.close();
      await peer.close();
    }
  });
});
