// The connector's guarantees on the real broker and PostgreSQL: kill -9 mid-stream and restart gives
// the exact row count with no duplicate; poison and foreign records are dead-lettered, counted in
// `finished`, and the rest lands; stop
// mid-load ends loader and connector `interrupted`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaBus } from '../../../src/bus/index.ts';
import { DeadLetterHeaders } from '../../../src/consumer/index.ts';
import { createCommand, dataTopic, parseTelemetry } from '../../../src/protocol/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { TestBackends } from '../../support/backends.ts';
import { BinancePeer } from '../../support/binance-peer/binance-peer.ts';
import { startCli } from '../../support/cli.ts';
import { deadLetterTopic, kafkaSkipReason } from '../../support/kafka.ts';
import { collectTelemetry, queueIntoTable, runConnector, runLoader } from '../../support/market-jobs.ts';
import { countRows } from '../../support/postgres.ts';
import { waitFor, waitForCount } from '../../support/wait.ts';

describe('connector recovery', { skip: kafkaSkipReason }, () => {
  let backends: TestBackends;
  let bus: KafkaBus;
  let db: PostgresClient;

  before(async () => {
    backends = await TestBackends.open();
    ({ bus, db } = backends);
  });
  after(() => backends.close());

  it('kill -9 mid-stream, restart: exact row count, no duplicate', async () => {
    const queue = await queueIntoTable(backends, 'kill9');
    const total = 60_000;
    const env = {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'synthetic_candles_1m',
      SYNTHETIC_RECORDS: String(total),
      CONNECTOR_BATCH_SIZE: '200',
      TELEMETRY_PRODUCER_ID: 'arango-connector__kill9a',
    };
    const connectorProcess = () => {
      const running = startCli(['connector'], { METRICS_PORT: '0', ...env });
      backends.defer(() => running.stop('SIGKILL'));
      return running;
    };
    assert.equal((await runLoader(bus, env)).state, 'finished');
    const first = connectorProcess();
    await waitForCount(
      'the first connector to store some rows',
      () => countRows(db, queue.collection),
      { atLeast: 2000 },
      60_000,
    );
    await first.stop('SIGKILL');
    const before = await countRows(db, queue.collection);
    assert.ok(before < total, `killed mid-stream (${before} of ${total} rows stored)`);
    const telemetry = await collectTelemetry(bus, queue.events);
    const second = connectorProcess();
    const code = await second.exit;
    await telemetry.close();
    assert.equal(code, 0);
    const counted = await db.query<{ n: string; d: string }>(
      `select count(*)::text as n, count(distinct open_time)::text as d from "${queue.collection}"`,
    );
    assert.deepEqual(counted.rows[0], { n: String(total), d: String(total) });
    const finished = telemetry.ofTarget('arango-connector', 'finished');
    assert.equal(finished.at(-1)?.records_written, total);
  });

  it('dead-letters poison and foreign records, stores the rest, and `finished` counts both', async () => {
    const queue = await queueIntoTable(backends, 'poison');
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
      // Valid candles of another symbol and of another interval: not this collection's (BTCUSDT 1m).
      {
        topic,
        key: 'other-symbol',
        value: JSON.stringify({ ...good, symbol: 'ETHUSDT', open_time: 7 }),
        partition: 0,
      },
      {
        topic,
        key: 'other-interval',
        value: JSON.stringify({ ...good, interval: '5m', open_time: 8 }),
        partition: 1,
      },
    ]);
    const env = {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'synthetic_candles_1m',
      SYNTHETIC_RECORDS: '3000',
      CONNECTOR_BATCH_SIZE: '100',
      CONNECTOR_MAX_RETRIES: '0',
    };
    assert.equal((await runLoader(bus, env)).state, 'finished');
    const telemetry = await collectTelemetry(bus, queue.events);
    const connector = await runConnector(bus, env);
    await telemetry.close();
    assert.equal(connector.state, 'finished', connector.error);
    const stored = await db.query<{ symbol: string; interval: string; n: number }>(
      `select symbol, interval, count(*)::int as n from "${queue.collection}" group by 1, 2`,
    );
    assert.deepEqual(stored.rows, [{ symbol: 'BTCUSDT', interval: '1m', n: 3000 }]);
    const dlq = await bus.subscribe({ topics: [deadLetterTopic(topic)], from: 'earliest' });
    const letters = await waitFor('five dead letters', async () => {
      const seen = [];
      for (let i = 0; i < 20 && seen.length < 5; i += 1) seen.push(...(await dlq.poll({ maxWaitMs: 500 })));
      return seen.length >= 5 ? seen : undefined;
    });
    await dlq.close();
    assert.deepEqual(letters.map((r) => r.key?.toString()).sort(), [
      'bad-in-db',
      'bad-json',
      'bad-schema',
      'other-interval',
      'other-symbol',
    ]);
    const foreign = letters.filter((r) => r.key?.toString().startsWith('other-'));
    assert.deepEqual(
      foreign.map((r) => r.headers[DeadLetterHeaders.errorCode]),
      ['SF_FOREIGN_RECORD', 'SF_FOREIGN_RECORD'],
    );
    const finished = telemetry.ofTarget('arango-connector', 'finished').at(-1);
    assert.equal(finished?.records_written, 3000);
    assert.equal(finished?.records_total, 3000);
    assert.equal(finished?.records_dead_lettered, 5);
    assert.match(finished?.message ?? '', /3000 records .* stored, 5 dead-lettered to /);
  });

  it('`finished` does not claim dead-lettered records as stored', async () => {
    const queue = await queueIntoTable(backends, 'claims');
    const env = {
      ...queue.env,
      SYMBOL: 'BTCUSDT',
      TYPE: 'synthetic_candles_1m',
      SYNTHETIC_RECORDS: '500',
    };
    assert.equal((await runLoader(bus, env)).state, 'finished');
    // A connector set up for another symbol on the same topic: every record the loader wrote is foreign.
    const telemetry = await collectTelemetry(bus, queue.events);
    const connector = await runConnector(bus, { ...env, SYMBOL: 'ETHUSDT' });
    await telemetry.close();
    assert.equal(connector.state, 'finished', connector.error);
    assert.equal(await countRows(db, queue.collection), 0);
    const finished = telemetry.ofTarget('arango-connector', 'finished').at(-1);
    assert.deepEqual(
      [finished?.records_written, finished?.records_total, finished?.records_dead_lettered],
      [0, 500, 500],
    );
    assert.match(finished?.message ?? '', /: 0 records .* stored, 500 dead-lettered to /);
  });

  it('stop mid-load ends the loader and the connector `interrupted`', async () => {
    const peer = await new BinancePeer().start();
    try {
      const queue = await queueIntoTable(backends, 'stop');
      const env = {
        ...queue.env,
        SYMBOL: 'BTCUSDT',
        TYPE: 'api_candles_1m',
        TIME_RANGE: '2023-01-01:2023-12-31',
        BINANCE_API_URL: peer.apiUrl,
      };
      const telemetry = await collectTelemetry(bus, queue.events);
      const loader = runLoader(bus, env);
      const connector = runConnector(bus, env);
      await waitFor('loading under way', () =>
        telemetry.ofTarget('loader-producer', 'loading').some((e) => (e.records_written ?? 0) > 0),
      );
      await bus.produce([
        {
          topic: queue.control,
          key: queue.queueId,
          value: JSON.stringify(createCommand('stop', queue.queueId)),
        },
      ]);
      const outcomes = await Promise.all([loader, connector]);
      await telemetry.close();
      assert.deepEqual(
        outcomes.map((o) => o.state),
        ['interrupted', 'interrupted'],
      );
      const last = telemetry.events
        .filter((e) => e.event === 'interrupted')
        .map((e) => e.target)
        .sort();
      assert.deepEqual(last, ['arango-connector', 'loader-producer']);
      // The connector's last word counts what this run stored and dead-lettered before it stopped.
      const stopped = telemetry.ofTarget('arango-connector', 'interrupted').at(-1);
      assert.equal(typeof stopped?.records_written, 'number');
      assert.equal(stopped?.records_dead_lettered, 0);
      assert.match(stopped?.message ?? '', /^stopped: .*records written, 0 dead-lettered this run/);
      const loaded = telemetry.ofTarget('loader-producer').at(-1);
      assert.ok((loaded?.records_written ?? 0) < 365 * 1440, 'stopped before the year was loaded');
      assert.ok(parseTelemetry(JSON.stringify(loaded)).ok);
    } finally {
      await peer.close();
    }
  });
});
