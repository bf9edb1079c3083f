// Every way PostgresSink writes (COPY straight in, the staging merge a COPY falls back to, unnest and
// multi-row VALUES) stores the same records and reads back exactly what was written, on the real server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  MAX_RECORD_MILLIS,
  type CandleRecord,
  type MarketRecord,
  type StreamForgeError,
  type TradeRecord,
} from '../../../../src/protocol/index.ts';
import { PostgresSink, type UpsertMethod } from '../../../../src/services/connector/index.ts';
import type { PostgresClient } from '../../../../src/store/index.ts';
import { uniqueName } from '../../../support/kafka.ts';
import { openTestDatabase } from '../../../support/postgres.ts';

const candle = (i: number, close: string): CandleRecord => ({
  kind: 'candle',
  symbol: 'BTCUSDT',
  interval: '1m',
  open_time: Date.UTC(2024, 1, 29, 23, 58) + i * 60_000,
  close_time: Date.UTC(2024, 1, 29, 23, 58) + i * 60_000 + 59_999,
  open: '42000.10',
  high: '42010.00',
  low: '0.00000001',
  close,
  volume: '12.34567890',
  quote_volume: '518493.123456',
  trades: i === 0 ? 0 : 1000 + i,
  taker_buy_base_volume: '6.1',
  taker_buy_quote_volume: '259246.5',
});

const trade = (i: number, price: string): TradeRecord => ({
  kind: 'trade',
  symbol: 'ETHUSDT',
  trade_id: i === 0 ? 0 : Number.MAX_SAFE_INTEGER - 10 + i,
  price,
  quantity: '0.5',
  first_trade_id: i,
  last_trade_id: i + 1,
  time: 1_700_000_000_000 + i * 7,
  is_buyer_maker: i % 2 === 0,
  is_best_match: i % 3 !== 0,
});

async function readBack(
  db: PostgresClient,
  table: string,
  kind: MarketRecord['kind'],
): Promise<MarketRecord[]> {
  const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::bigint::text as ${column}`;
  if (kind === 'candle') {
    const { rows } = await db.query<Record<string, string>>(
      `select symbol, interval, ${ms('open_time')}, ${ms('close_time')}, open::text, high::text, low::text, close::text,
        volume::text, quote_volume::text, trades::text, taker_buy_base_volume::text, taker_buy_quote_volume::text
       from "${table}" order by open_time`,
    );
    return rows.map((r) => ({
      ...(r as unknown as CandleRecord),
      kind: 'candle',
      open_time: Number(r.open_time),
      close_time: Number(r.close_time),
      trades: Number(r.trades),
    }));
  }
  const { rows } = await db.query<Record<string, string | boolean>>(
    `select symbol, trade_id::text, price::text, quantity::text, first_trade_id::text, last_trade_id::text,
      ${ms('time')}, is_buyer_maker, is_best_match from "${table}" order by trade_id`,
  );
  return rows.map((r) => ({
    kind: 'trade',
    symbol: r.symbol as string,
    trade_id: Number(r.trade_id),
    price: r.price as string,
    quantity: r.quantity as string,
    first_trade_id: Number(r.first_trade_id),
    last_trade_id: Number(r.last_trade_id),
    time: Number(r.time),
    is_buyer_maker: r.is_buyer_maker as boolean,
    is_best_match: r.is_best_match as boolean,
  }));
}

describe('PostgresSink on PostgreSQL', () => {
  let db: PostgresClient;
  const tables: string[] = [];

  before(async () => {
    db = await openTestDatabase();
  });
  after(async () => {
    for (const table of tables) await db.query(`drop table if exists "${table}"`);
    await db.query(`delete from streamforge_collections where name = any($1)`, [tables]);
    await db.close();
  });

  for (const method of ['copy', 'unnest', 'values'] as UpsertMethod[]) {
    for (const kind of ['candle', 'trade'] as const) {
      it(`${method}: ${kind}s read back exactly, and a replay with a corrected record replaces it`, async () => {
        const table = uniqueName(`sink_${method}_${kind}`).replaceAll('-', '_');
        tables.push(table);
        const sink = new PostgresSink(db, { method });
        assert.equal(sink.method, method);
        await sink.ensureCollection({ name: table, kind });
        const make = kind === 'candle' ? candle : trade;
        const first = Array.from({ length: 5 }, (_, i) => make(i, `${100 + i}.25`));
        await sink.upsert(table, first);
        assert.deepEqual(await readBack(db, table, kind), first);
        // Rows already there, and one key twice in the batch: COPY fails as a whole and the merge takes over.
        const replay = [...first.slice(2), make(5, '7.5'), make(3, '999.00000001')];
        await sink.upsert(table, replay);
        const expected = [...first.slice(0, 3), make(3, '999.00000001'), first[4]!, make(5, '7.5')];
        assert.deepEqual(await readBack(db, table, kind), expected);
      });
    }
  }

  it('every method stores the last instant the record schema admits', async () => {
    // Regression: the schema admitted times up to 8.64e15 ms, which COPY wrote as `+275760-…` and
    // PostgreSQL refused; the bound is now the end of year 9999.
    for (const method of ['copy', 'unnest', 'values'] as UpsertMethod[]) {
      const table = uniqueName(`sink_max_${method}`).replaceAll('-', '_');
      tables.push(table);
      const sink = new PostgresSink(db, { method });
      await sink.ensureCollection({ name: table, kind: 'trade' });
      const last = { ...trade(1, '1.5'), time: MAX_RECORD_MILLIS };
      await sink.upsert(table, [last]);
      assert.deepEqual(await readBack(db, table, 'trade'), [last], method);
    }
  });

  it('refuses a collection of another symbol or interval: its records would mix in', async () => {
    const table = uniqueName('sink_scope').replaceAll('-', '_');
    tables.push(table);
    const sink = new PostgresSink(db);
    const spec = { name: table, kind: 'candle', symbol: 'BTCUSDT', interval: '1m' } as const;
    await sink.ensureCollection(spec);
    await sink.ensureCollection(spec);
    for (const other of [
      { ...spec, symbol: 'ETHUSDT' },
      { ...spec, interval: '5m' },
    ]) {
      await assert.rejects(sink.ensureCollection(other), (error: StreamForgeError) => {
        assert.equal(error.code, 'SF_INVALID_CONFIG');
        assert.match(error.message, /holds BTCUSDT 1m candles, not .*: choose another COLLECTION_NAME/);
        return true;
      });
    }
  });
});
