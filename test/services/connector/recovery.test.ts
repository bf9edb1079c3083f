// The connector's guarantees on the real broker and PostgreSQL: kill -9 mid-stream and restart gives
// the exact row count with no duplicate; a poison record is dead-lettered and the rest lands; stop
// mid-load ends loader and connector `interrupted`.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { KafkaBus } from '../../../src/bus/index.ts';
import { createCommand, dataTopic, parseTelemetry } from '../../../src/protocol/index.ts';
import { PostgresClient } from '../../../src/store/index.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import { kafkaSkipReason, testKafka } from '../../support/kafka.ts';
import {
  collectTelemetry,
  isolatedQueue,
  runConnector,
  runLoader,
  spawnCli,
} from '../../support/market-jobs.ts';
import { waitFor } from '../../support/wait.ts';

const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('connector recovery', { skip: kafkaSkipReason }, () => {
  let bus: KafkaBus;
  let db: PostgresClient;
  const tables: string[] = [];
  const tableFor = (queueId: string): string => {
    const name = `t_${queueId.replaceAll('-', '_')}`;
    tables.push(name);
    return name;
  };

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

  it('kill -9 mid-stream, restart: exact row count, no duplicate', async () => {
    const queue = await isolatedQueue(bus, 'kill9');
    const collection = tableFor(queue.queueId);
    const total = 60_000;
    const env = {
      ...queue.env,
      ...testKafka().env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'synthetic_candles_1m',
      SYNTHETIC_RECORDS: String(total),
      DATABASE_URL: databaseUrl,
      COLLECTION_NAME: collection,
      CONNECTOR_BATCH_SIZE: '200',
      TELEMETRY_PRODUCER_ID: 'arango-connector__kill9a',
    };
    assert.equal((await runLoader(bus, env)).state, 'finished');
    const first = spawnCli('connector', env);
    const rows = async (): Promise<number> =>
      Number(
        (
          await db
            .query<{ n: string }>(`select count(*)::text as n from "${collection}"`)
            .catch(() => ({ rows: [{ n: '0' }] }))
        ).rows[0]!.n,
      );
    await waitFor('the first connector to store some rows', async () => (await rows()) >= 2000, 60_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const before = await rows();
    assert.ok(before < total, `killed mid-stream (${before} of ${total} rows stored)`);
    const telemetry = await collectTelemetry(bus, queue.events);
    const second = spawnCli('connector', env);
    const [code] = (await once(second, 'exit')) as [number];
    await telemetry.stop();
    assert.equal(code, 0);
    const counted = await db.query<{ n: string; d: string }>(
      `select count(*)::text as n, count(distinct open_time)::text as d from "${collection}"`,
    );
    assert.deepEqual(counted.rows[0], { n: String(total), d: String(total) });
    const finished = telemetry.events.filter(
      (e) => e.event === 'finished' && e.target === 'arango-connector',
    );
    assert.equal(finished.at(-1)?.records_written, total);
  });

  it('dead-letters poison records and stores the rest', async () => {
    const queue = await isolatedQueue(bus, 'poison');
    const collection = tableFor(queue.queueId);
    const topic = dataTopic(queue.queueId, 'synthetic_candles_1m');
    await bus.createTopics([{ name: topic, partitions: 3 }]);
    const good = {
      kind: 'candle',
      symbol: 'BTCUSDT',
      interval: '1m',
      close_time: 1,
      open: '1',
      high: '1',
      low: '1',
      close: '1',
      volume: '1',
      quote_volume: '1',
      trades: 1,
      taker_buy_base_volume: '1',
      taker_buy_quote_volume: '1',
    };
    await bus.produce([
      { topic, key: 'bad-json', value: '{"kind":"candle",', partition: 0 },
      {
        topic,
        key: 'bad-schema',
        value: JSON.stringify({ ...good, open_time: 5, open: 'NaN' }),
        partition: 1,
      },
      // Valid by the schema, refused by PostgreSQL (numeric overflow): only the database can tell.
      {
        topic,
        key: 'bad-in-db',
        value: JSON.stringify({ ...good, open_time: 6, open: '9'.repeat(140_000) }),
        partition: 2,
      },
    ]);
    const env = {
      ...queue.env,
      ...testKafka().env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'synthetic_candles_1m',
      SYNTHETIC_RECORDS: '3000',
      DATABASE_URL: databaseUrl,
      COLLECTION_NAME: collection,
      CONNECTOR_BATCH_SIZE: '100',
      CONNECTOR_MAX_RETRIES: '0',
    };
    assert.equal((await runLoader(bus, env)).state, 'finished');
    const connector = await runConnector(bus, env);
    assert.equal(connector.state, 'finished', connector.error);
    const count = await db.query<{ n: string }>(`select count(*)::text as n from "${collection}"`);
    assert.equal(count.rows[0]!.n, '3000');
    const dlq = await bus.subscribe({ topics: [`${topic}-dlq`], from: 'earliest' });
    const letters = await waitFor('three dead letters', async () => {
      const seen = [];
      for (let i = 0; i < 20 && seen.length < 3; i += 1) seen.push(...(await dlq.poll({ maxWaitMs: 500 })));
      return seen.length >= 3 ? seen : undefined;
    });
    await dlq.close();
    assert.deepEqual(letters.map((r) => r.key?.toString()).sort(), ['bad-in-db', 'bad-json', 'bad-schema']);
  });

  it('stop mid-load ends the loader and the connector `interrupted`', async () => {
    const peer = await new BinancePeer().start();
    try {
      const queue = await isolatedQueue(bus, 'stop');
      const collection = tableFor(queue.queueId);
      const env = {
        ...queue.env,
        ...testKafka().env,
        SYMBOL: 'BTCUSDT',
        TYPE: 'api_candles_1m',
        TIME_RANGE: '2023-01-01:2023-12-31',
        BINANCE_API_URL: peer.apiUrl,
        DATABASE_URL: databaseUrl,
        COLLECTION_NAME: collection,
      };
      const telemetry = await collectTelemetry(bus, queue.events);
      const loader = runLoader(bus, env);
      const connector = runConnector(bus, env);
      await waitFor('loading under way', () =>
        telemetry.events.some(
          (e) => e.event === 'loading' && e.target === 'loader-producer' && (e.records_written ?? 0) > 0,
        ),
      );
      await bus.produce([
        {
          topic: queue.control,
          key: queue.queueId,
          value: JSON.stringify(createCommand('stop', queue.queueId)),
        },
      ]);
      const outcomes = await Promise.all([loader, connector]);
      await telemetry.stop();
      assert.deepEqual(
        outcomes.map((o) => o.state),
        ['interrupted', 'interrupted'],
      );
      const last = telemetry.events
        .filter((e) => e.event === 'interrupted')
        .map((e) => e.target)
        .sort();
      assert.deepEqual(last, ['arango-connector', 'loader-producer']);
      const loaded = telemetry.events.filter((e) => e.target === 'loader-producer').at(-1);
      assert.ok((loaded?.records_written ?? 0) < 365 * 1440, 'stopped before the year was loaded');
      assert.ok(parseTelemetry(JSON.stringify(loaded)).ok);
    } finally {
      await peer.close();
    }
  });
});
