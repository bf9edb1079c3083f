// Made-up 5m candles and their trades for graph-builder tests, stored the way the connector stores
// them (PostgresSink: catalog row, table, natural keys), on PostgreSQL or PGlite.
import type { CandleRecord, TradeRecord } from '../../../src/protocol/index.ts';
import { PostgresSink } from '../../../src/services/connector/index.ts';
import { quoteIdent } from '../../../src/services/connector/sinks/postgres-sql.ts';
import type { SqlClient } from '../../../src/store/index.ts';
import type { WindowRow } from '../../../src/services/graph-builder/window-reader.ts';

export const T0 = Date.UTC(2024, 5, 1);
export const FIVE_MINUTES = 300_000;

export interface Market {
  candles: CandleRecord[];
  trades: TradeRecord[];
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cents = (n: number): string => (n / 100).toFixed(2);

/**
 * `windows` 5m candles from T0 of a random walk; `tradesPerWindow` trades in each (0 for none), whose
 * prices lie in the candle's range. `skip` leaves those window indexes out (a gap in the data).
 */
export function makeMarket(
  windows: number,
  options: { seed?: number; tradesPerWindow?: number; skip?: number[] } = {},
): Market {
  const next = random(options.seed ?? 7);
  const candles: CandleRecord[] = [];
  const trades: TradeRecord[] = [];
  let price = 6_000_000;
  let tradeId = 1;
  for (let w = 0; w < windows; w += 1) {
    const open = price;
    price = Math.max(100_000, price + Math.floor((next() - 0.5) * 40_000));
    const close = price;
    const high = Math.max(open, close) + Math.floor(next() * 5000);
    const low = Math.min(open, close) - Math.floor(next() * 5000);
    if (options.skip?.includes(w)) continue;
    const openTime = T0 + w * FIVE_MINUTES;
    const volume = 1 + next() * 100;
    candles.push({
      kind: 'candle',
      symbol: 'BTCUSDT',
      interval: '5m',
      open_time: openTime,
      close_time: openTime + FIVE_MINUTES - 1,
      open: cents(open),
      high: cents(high),
      low: cents(low),
      close: cents(close),
      volume: volume.toFixed(8),
      quote_volume: ((volume * close) / 100).toFixed(8),
      trades: 10,
      taker_buy_base_volume: (volume * next()).toFixed(8),
      taker_buy_quote_volume: '0.00000000',
    });
    const perWindow = options.tradesPerWindow ?? 0;
    for (let i = 0; i < perWindow; i += 1) {
      trades.push({
        kind: 'trade',
        symbol: 'BTCUSDT',
        trade_id: tradeId,
        price: cents(low + Math.floor(next() * (high - low))),
        quantity: (0.001 + next()).toFixed(8),
        first_trade_id: tradeId,
        last_trade_id: tradeId,
        // The first and last trades sit on the window's edges: both ends are inclusive.
        time:
          openTime +
          (i === 0 ? 0 : i === perWindow - 1 ? FIVE_MINUTES - 1 : Math.floor(next() * FIVE_MINUTES)),
        is_buyer_maker: next() < 0.5,
        is_best_match: true,
      });
      tradeId += 1;
    }
  }
  return { candles, trades };
}

let counter = 0;

/** A collection name of this test run only (tests share the PostgreSQL server). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`.toLowerCase();
}

/** Stores the market as the connector would; returns the collection names (trades only if any). */
export async function storeMarket(
  sql: SqlClient,
  market: Market,
  names: { candles: string; trades?: string },
): Promise<void> {
  const sink = new PostgresSink(sql);
  await sink.ensureCollection({ name: names.candles, kind: 'candle', symbol: 'BTCUSDT', interval: '5m' });
  await sink.upsert(names.candles, market.candles);
  if (names.trades !== undefined) {
    await sink.ensureCollection({ name: names.trades, kind: 'trade', symbol: 'BTCUSDT' });
    for (let i = 0; i < market.trades.length; i += 20_000) {
      await sink.upsert(names.trades, market.trades.slice(i, i + 20_000));
    }
  }
}

/** Drops what a test stored: input collections (and catalog rows) and graph tables (and catalog row). */
export async function dropCollections(sql: SqlClient, inputs: string[], graphs: string[]): Promise<void> {
  for (const name of inputs) {
    await sql.query(`drop table if exists ${quoteIdent(name)}`);
    await sql.query(`delete from streamforge_collections where name = $1`, [name]).catch(() => undefined);
  }
  for (const name of graphs) {
    await sql.query(`drop table if exists ${quoteIdent(`${name}_nodes`)}`);
    await sql.query(`drop table if exists ${quoteIdent(`${name}_edges`)}`);
    await sql.query(`delete from streamforge_graphs where name = $1`, [name]).catch(() => undefined);
  }
}

/**
 * The windows the reader should return, computed here in JavaScript from the records (the test's
 * reference for the SQL aggregation): trades with time in [open_time, close_time], or the candle's own
 * fields when there is no trade collection.
 */
export function windowsOf(market: Market, withTrades: boolean): WindowRow[] {
  let at = 0;
  return market.candles.map((c) => {
    const base = {
      openTime: c.open_time,
      closeTime: c.close_time,
      open: Number(c.open),
      high: Number(c.high),
      low: Number(c.low),
      close: Number(c.close),
      volume: Number(c.volume),
      quoteVolume: Number(c.quote_volume),
    };
    if (!withTrades) {
      return {
        ...base,
        trades: c.trades,
        tradeVolume: Number(c.volume),
        buyVolume: Number(c.taker_buy_base_volume),
        notional: Number(c.quote_volume),
      };
    }
    while (at < market.trades.length && market.trades[at]!.time < c.open_time) at += 1;
    let trades = 0;
    let tradeVolume = 0;
    let buyVolume = 0;
    let notional = 0;
    for (let i = at; i < market.trades.length && market.trades[i]!.time <= c.close_time; i += 1) {
      const t = market.trades[i]!;
      trades += 1;
      tradeVolume += Number(t.quantity);
      if (!t.is_buyer_maker) buyVolume += Number(t.quantity);
      notional += Number(t.price) * Number(t.quantity);
    }
    return { ...base, trades, tradeVolume, buyVolume, notional };
  });
}
