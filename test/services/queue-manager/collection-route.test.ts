// GET /collections/{name} on PostgreSQL, the distributed store: the stats of a collection a connector
// sink wrote (with a gap), 404 SF_NOT_FOUND for an unknown one, 400 for an invalid name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryBus } from '../../../src/bus/index.ts';
import { InlineLauncher } from '../../../src/launcher/index.ts';
import type { CandleRecord } from '../../../src/protocol/index.ts';
import { CANDLES_T0 as T0, testCandle } from '../../support/candles.ts';
import { createLogger } from '../../../src/runtime/index.ts';
import { PostgresSink } from '../../../src/services/connector/index.ts';
import { createJobCatalog } from '../../../src/services/job-catalogue.ts';
import type { QueueManager } from '../../../src/services/queue-manager/index.ts';
import type { PostgresClient } from '../../../src/store/index.ts';
import { api, startManager, testConfig, testSchema } from './harness.ts';

const candle = (minute: number): CandleRecord => testCandle(T0 + minute * 60_000);

describe('GET /collections/{name} (PostgreSQL)', () => {
  const name = 'btcusdt_api_candles_1m_2024_08_01';
  let schema: Awaited<ReturnType<typeof testSchema>>;
  let sql: PostgresClient;
  let bus: MemoryBus;
  let manager: QueueManager;
  let http: ReturnType<typeof api>;

  before(async () => {
    schema = await testSchema();
    sql = await schema.open();
    const sink = new PostgresSink(sql);
    await sink.ensureCollection({ name, kind: 'candle', symbol: 'BTCUSDT', interval: '1m' });
    // 00:00–00:29 without 00:10–00:12: 27 candles, one gap of 3.
    await sink.upsert(
      name,
      [...Array.from({ length: 30 }, (_, m) => m)].filter((m) => m < 10 || m > 12).map(candle),
    );
    const config = testConfig();
    const catalog = createJobCatalog({ simulation: config.simulation });
    bus = new MemoryBus();
    const logger = createLogger({ service: 'job', level: 'silent' });
    const launcher = new InlineLauncher({ bus, catalog, logger });
    manager = await startManager({ config, sql, bus, launcher, catalog, collections: sink });
    http = api(manager);
  });
  after(async () => {
    await manager.close();
    await bus.close();
    await sql.close();
    await schema.drop();
  });

  it('answers what `streamforge collection --json` prints', async () => {
    const { status, body } = await http.get(`/collections/${name}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, {
      name,
      kind: 'candle',
      rows: 27,
      firstTime: T0,
      lastTime: T0 + 29 * 60_000,
      gaps: [{ symbol: 'BTCUSDT', after: T0 + 9 * 60_000, before: T0 + 13 * 60_000, missing: 3 }],
      missing: 3,
      gapsKnown: true,
    });
  });

  it('404 SF_NOT_FOUND for an unknown collection, 400 SF_INVALID_REQUEST for an invalid name', async () => {
    const unknown = await http.get('/collections/btcusdt_nothing');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'SF_NOT_FOUND');
    assert.match(unknown.body.message, /no collection named "btcusdt_nothing"/);
    const invalid = await http.get(`/collections/${'x'.repeat(59)}`);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.code, 'SF_INVALID_REQUEST');
  });
});
