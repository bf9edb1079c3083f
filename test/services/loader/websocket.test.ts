// Live streams through the real broker into PostgreSQL while the peer drops connections, announces
// serverShutdown and cuts connections at their (compressed) lifetime: no gap, no duplicate, pings answered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaBus, type Bus } from '../../../src/bus/index.ts';
import {
  createCommand,
  dataTopic,
  parseDataMessage,
  type MarketRecord,
} from '../../../src/protocol/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import { isolatedQueue, runConnector, runLoader } from '../../support/market-jobs.ts';
import { waitFor } from '../../support/wait.ts';

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Every data record on the topic, in no particular order. */
async function readTopic(bus: Bus, topic: string): Promise<{ keys: string[]; records: MarketRecord[] }> {
  const end = await bus.endOffsets(topic);
  const wanted = [...end.values()].reduce((a, b) => a + b, 0n);
  const sub = await bus.subscribe({ topics: [topic], from: 'earliest' });
  const keys: string[] = [];
  const records: MarketRecord[] = [];
  let read = 0n;
  for (let i = 0; i < 100 && read < wanted; i += 1) {
    for (const r of await sub.poll({ maxWaitMs: 500, maxRecords: 5000 })) {
      read += 1n;
      const parsed = parseDataMessage(r.value);
      if (parsed.ok && parsed.value.kind !== 'end') {
        keys.push(r.key!.toString());
        records.push(parsed.value);
      }
    }
  }
  await sub.close();
  return { keys, records };
}

describe('live streams with disconnects', { skip: kafkaSkipReason }, () => {
  let bus: KafkaBus;
  let db: PostgresClient;
  const tables: string[] = [];

  before(async () => {
    bus = new KafkaBus(testKafka().options);
    await bus.connect();
    db = new PostgresClient({ connectionString: databaseUrl });
  });
  after(async () => {
    for (const table of tables) await db.query(`drop table if exists "${table}"`);
    await db
      .query(`delete from streamforge_collections where name = any($1)`, [tables])
      .catch(() => undefined);
    await db.close();
    await bus.close();
  });

  async function live(type: string, peer: BinancePeer, disrupt: () => Promise<void>) {
    const queue = await isolatedQueue(bus, type.replaceAll('_', '-'));
    const collection = `t_${queue.queueId.replaceAll('-', '_')}`;
    tables.push(collection);
    const env = {
      ...queue.env,
      ...testKafka().env,
      SYMBOL: 'BTCUSDT',
      TYPE: type,
      BINANCE_API_URL: peer.apiUrl,
      BINANCE_WS_URL: peer.wsUrl,
      DATABASE_URL: databaseUrl,
      COLLECTION_NAME: collection,
      WS_RECONNECT_MAX_SECONDS: '1',
      WS_STALE_SECONDS: '5',
      WS_MAX_CONNECTION_SECONDS: '3',
    };
    const loader = runLoader(bus, env);
    const connector = runConnector(bus, env);
    const stop = (target: string) =>
      bus.produce([
        {
          topic: queue.control,
          key: queue.queueId,
          value: JSON.stringify(createCommand('stop', queue.queueId, { target })),
        },
      ]);
    await disrupt();
    // Stop the loader first, let the connector store everything it produced, then stop the connector.
    await stop('loader-producer');
    assert.equal((await loader).state, 'interrupted');
    const topic = dataTopic(queue.queueId, type);
    const onTopic = await readTopic(bus, topic);
    await waitFor('the connector to store every record on the topic', async () => {
      const n = await db.query<{ n: string }>(`select count(*)::text as n from "${collection}"`);
      return Number(n.rows[0]!.n) === onTopic.keys.length;
    });
    await stop('arango-connector');
    assert.equal((await connector).state, 'interrupted');
    return { ...onTopic, collection };
  }

  it('ws_trades: drops, serverShutdown and lifetime cut-offs leave no gap and no duplicate', async () => {
    const peer = await new BinancePeer({
      tradesPerMinute: 1200,
      pingIntervalMs: 200,
      pongTimeoutMs: 1000,
      duplicateEvery: 7,
    }).start();
    try {
      const { keys, records, collection } = await live('ws_trades', peer, async () => {
        await sleep(1500);
        peer.dropConnections();
        await sleep(1500);
        peer.announceShutdown();
        await sleep(1500);
        peer.dropConnections();
        await sleep(4000); // one more cut-off at the 3 s lifetime
      });
      assert.ok(peer.ws.connections >= 4, `reconnected (${peer.ws.connections} connections)`);
      assert.ok(peer.ws.pongs > 0 && peer.ws.closedForMissingPong === 0, 'pings answered');
      assert.equal(new Set(keys).size, keys.length, 'no duplicate on the topic');
      const ids = records.map((r) => (r.kind === 'trade' ? r.trade_id : -1)).sort((a, b) => a - b);
      assert.ok(ids.length > 100, `${ids.length} trades streamed`);
      assert.equal(ids.at(-1)! - ids[0]! + 1, ids.length, 'no gap between the first and the last trade');
      const rows = await db.query<{ a: string; p: string; t: string }>(
        `select trade_id::text as a, price::text as p, (extract(epoch from time) * 1000)::bigint::text as t from "${collection}" order by trade_id`,
      );
      assert.deepEqual(
        rows.rows,
        ids.map((a) => {
          const t = peer.market.aggTrade('BTCUSDT', a);
          return { a: String(a), p: t.p, t: String(t.T) };
        }),
      );
    } finally {
      await peer.close();
    }
  });

  it('ws_candles_1s: closed candles only, no gap and no duplicate across drops', async () => {
    const peer = await new BinancePeer({
      pingIntervalMs: 200,
      pongTimeoutMs: 1000,
      klineUpdateMs: 100,
    }).start();
    try {
      const { keys, records, collection } = await live('ws_candles_1s', peer, async () => {
        await sleep(2500);
        peer.dropConnections();
        await sleep(2200); // a candle or two close while disconnected: backfilled over REST
        peer.dropConnections();
        await sleep(2500);
      });
      assert.equal(new Set(keys).size, keys.length, 'no duplicate on the topic');
      const opens = records.map((r) => (r.kind === 'candle' ? r.open_time : -1)).sort((a, b) => a - b);
      assert.ok(opens.length >= 5, `${opens.length} candles streamed`);
      assert.equal(
        (opens.at(-1)! - opens[0]!) / 1000 + 1,
        opens.length,
        'one candle per second, none missing',
      );
      assert.ok(opens.at(-1)! + 999 < Date.now(), 'only closed candles');
      const rows = await db.query<{ t: string; c: string }>(
        `select (extract(epoch from open_time) * 1000)::bigint::text as t, close::text as c from "${collection}" order by open_time`,
      );
      assert.deepEqual(
        rows.rows,
        opens.map((t) => ({ t: String(t), c: peer.market.kline('BTCUSDT', '1s', t)[4] })),
      );
    } finally {
      await peer.close();
    }
  });
});
