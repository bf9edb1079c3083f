// The fast reader of loader-written records must agree with JSON.parse and the schemas: it may decline
// any text (the general path then decides) but never accept one the schema refuses, nor read one
// differently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  CandleRecordSchema,
  MAX_RECORD_MILLIS,
  TradeRecordSchema,
  parseDataMessage,
  readCanonicalCandle,
  readCanonicalTrade,
  type CandleRecord,
  type TradeRecord,
} from '../../src/protocol/index.ts';
import { SyntheticSource } from '../../src/services/loader/sources/synthetic.ts';

const candle: CandleRecord = {
  kind: 'candle',
  symbol: 'BTCUSDT',
  interval: '1M',
  open_time: 1_717_200_000_000,
  close_time: 1_719_791_999_999,
  open: '67472.41',
  high: '71980.00',
  low: '-0.5',
  close: '62772.01',
  volume: '0',
  quote_volume: '63839019049.62184760',
  trades: 0,
  taker_buy_base_volume: '488131.41513000',
  taker_buy_quote_volume: '31933812512.71085010',
};
const trade: TradeRecord = {
  kind: 'trade',
  symbol: '1000SATSUSDT',
  trade_id: -1,
  price: '0.0003712',
  quantity: '26938',
  first_trade_id: 0,
  last_trade_id: Number.MAX_SAFE_INTEGER,
  time: MAX_RECORD_MILLIS,
  is_buyer_maker: false,
  is_best_match: true,
};

async function synthetic(kind: 'candle' | 'trade', count: number) {
  const source = new SyntheticSource({
    symbol: 'ETHBTC',
    kind,
    interval: kind === 'candle' ? '15m' : undefined,
    seed: 7,
    startMs: Date.UTC(2024, 0, 1),
    endMs: Date.UTC(2024, 0, 1),
    count,
  });
  const out = [];
  for await (const batch of source.batches(new AbortController().signal)) out.push(...batch);
  return out;
}

const readers = [
  { kind: 'candle', read: readCanonicalCandle, check: TypeCompiler.Compile(CandleRecordSchema) },
  { kind: 'trade', read: readCanonicalTrade, check: TypeCompiler.Compile(TradeRecordSchema) },
] as const;

/** What the general path makes of `json`: the parsed value if the schema admits it. */
function generalPath(json: string, check: (typeof readers)[number]['check']): unknown {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  return check.Check(value) ? value : undefined;
}

/** The same candle with `kind` last instead of first. */
const { kind: _kind, ...withoutKind } = candle;

describe('canonical record readers', () => {
  it('read what the loader writes exactly as JSON.parse does, edge values included', async () => {
    for (const { kind, read } of readers) {
      const records = [kind === 'candle' ? candle : trade, ...(await synthetic(kind, 2000))];
      for (const record of records) {
        const json = JSON.stringify(record);
        assert.deepEqual(read(json), JSON.parse(json), json);
      }
    }
  });

  it('decline other spellings of valid records, which the general path still reads', () => {
    const spellings = {
      candle: [
        JSON.stringify({ ...candle, extra: 1 }),
        JSON.stringify(candle, null, 1),
        JSON.stringify({ ...withoutKind, kind: 'candle' }),
        JSON.stringify(candle).replace('"trades":0', '"trades":0e0'),
        JSON.stringify(candle).replace('BTCUSDT', '\\u0042TCUSDT'),
      ],
      trade: [
        JSON.stringify({ ...trade, last_trade_id: 12, extra: null }),
        JSON.stringify(trade).replace('"trade_id":-1', '"trade_id":-1.0'),
      ],
    };
    for (const { kind, read, check } of readers) {
      for (const json of spellings[kind]) {
        assert.equal(read(json), undefined, json);
        assert.notEqual(generalPath(json, check), undefined, `the schema admits ${json}`);
      }
    }
  });

  it('the schema refuses what PostgreSQL or a JavaScript number cannot hold, naming the field', () => {
    // Regression: open_time up to 8.64e15 passed and PostgreSQL refused it; trades 1e20 passed and was
    // dead-lettered later with a message about the COPY row, not the field.
    const refused = [
      [{ ...candle, open_time: MAX_RECORD_MILLIS + 1 }, /253402300799999 at \/open_time/],
      [{ ...candle, close_time: 8_640_000_000_000_000 }, /at \/close_time/],
      [{ ...candle, trades: 1e20 }, /9007199254740991 at \/trades/],
      [{ ...trade, time: MAX_RECORD_MILLIS + 1 }, /at \/time/],
    ] as const;
    for (const [record, reason] of refused) {
      const parsed = parseDataMessage(JSON.stringify(record));
      assert.equal(parsed.ok, false, JSON.stringify(record));
      if (!parsed.ok) assert.match(parsed.error.message, reason);
    }
    assert.equal(parseDataMessage(JSON.stringify({ ...candle, open_time: MAX_RECORD_MILLIS })).ok, true);
  });

  it('decline values out of the schema’s bounds', () => {
    const outOfBounds = [
      readCanonicalCandle(JSON.stringify({ ...candle, open_time: MAX_RECORD_MILLIS + 1 })),
      readCanonicalCandle(JSON.stringify({ ...candle, interval: '2m' })),
      readCanonicalCandle(JSON.stringify({ ...candle, symbol: 'btcusdt' })),
      readCanonicalCandle(JSON.stringify({ ...candle, open: '1.' })),
      readCanonicalTrade(JSON.stringify({ ...trade, trade_id: -2 })),
      readCanonicalTrade(JSON.stringify({ ...trade, first_trade_id: Number.MAX_SAFE_INTEGER + 1 })),
      readCanonicalTrade(JSON.stringify({ ...trade, price: 1 })),
    ];
    assert.deepEqual(
      outOfBounds,
      outOfBounds.map(() => undefined),
    );
  });

  it('on 40,000 random one-character edits: never accept what the schema refuses, never read differently', async () => {
    const alphabet = '0123456789-.",:{}[] eE+AZaztrufls\\';
    let random = 12345;
    const next = (n: number): number => {
      random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0;
      return random % n;
    };
    for (const { kind, read, check } of readers) {
      let accepted = 0;
      for (const record of await synthetic(kind, 200)) {
        const json = JSON.stringify(record);
        for (let i = 0; i < 100; i += 1) {
          const at = next(json.length);
          const char = alphabet[next(alphabet.length)]!;
          const edit = [
            json.slice(0, at) + char + json.slice(at + 1),
            json.slice(0, at) + json.slice(at + 1),
            json.slice(0, at) + char + json.slice(at),
          ][next(3)]!;
          const fast = read(edit);
          if (fast === undefined) continue;
          accepted += 1;
          assert.deepEqual(fast, generalPath(edit, check), edit);
        }
      }
      // Edits of digits inside values keep a record valid: the check above ran on many of them.
      assert.ok(accepted > 2000, `${kind}: only ${accepted} edits were read`);
    }
  });
});
