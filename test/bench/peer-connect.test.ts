// The cheap, deterministic parts of bench/peer-connect (the bench itself is too slow for npm test): the
// assembly script's argument checks, the JsonConverter envelopes it feeds Kafka Connect, and the
// row-for-row comparison of two tables on the real PostgreSQL.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CandleRecord } from '../../src/protocol/index.ts';
import { createTableSql } from '../../src/services/connector/sinks/postgres-sql.ts';
import type { PostgresClient } from '../../src/store/index.ts';
import { compareTables, describeComparison } from '../../bench/peer-connect/compare-tables.ts';
import { candleEnvelope } from '../../bench/peer-connect/envelopes.ts';
import { openTestDatabase } from '../support/postgres.ts';

const assemble = resolve(import.meta.dirname, '../../bench/peer-connect/assemble.sh');

const candle: CandleRecord = {
  kind: 'candle',
  symbol: 'BTCUSDT',
  interval: '1m',
  open_time: Date.UTC(2020, 0, 1),
  close_time: Date.UTC(2020, 0, 1) + 59_999,
  open: '7195.24',
  high: '7196.25',
  low: '7183.14',
  close: '7186.68',
  volume: '51.64281200',
  quote_volume: '371211.390812',
  trades: 537,
  taker_buy_base_volume: '0.00000001',
  taker_buy_quote_volume: '0.100000',
};

describe('bench/peer-connect/assemble.sh', () => {
  it('refuses an unknown argument and a --cache-dir without a directory, before fetching anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-assemble-'));
    try {
      const cache = join(dir, 'cache');
      for (const args of [
        ['--bogus'],
        ['--cache-dir'],
        ['--cache-dir', '--bogus'],
        ['--cache-dir', cache, 'extra'],
      ]) {
        const run = spawnSync('bash', [assemble, ...args], { encoding: 'utf8' });
        assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, /usage:/);
        assert.equal(run.stdout, '', 'no jar folder is printed');
      }
      assert.equal(existsSync(cache), false, 'nothing was fetched into the cache dir');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('candleEnvelope', () => {
  it('declares exactly the columns of the connector table and carries the decimals digit for digit', () => {
    const text = candleEnvelope(candle);
    const envelope = JSON.parse(text) as { schema: { fields: { field: string }[] }; payload: object };
    const ddl = createTableSql('candle', 't')[0]!;
    const columns = [...ddl.matchAll(/^\s+(\w+) \w+ not null/gm)].map((m) => m[1]);
    assert.deepEqual(
      envelope.schema.fields.map((f) => f.field),
      columns,
    );
    assert.deepEqual(Object.keys(envelope.payload), columns);
    // JsonConverter reads a JSON number into a Decimal with the digits as written: trailing zeros count.
    assert.match(text, /"volume":51\.64281200,/);
    assert.match(text, /"taker_buy_base_volume":0\.00000001,/);
    assert.match(text, /"taker_buy_quote_volume":0\.100000}/);
    assert.match(text, /"close_time":1577836859999,/);
  });
});

describe('compareTables', () => {
  let db: PostgresClient;
  const ours = `test_peer_ours_${process.pid}`;
  const theirs = `test_peer_theirs_${process.pid}`;
  const insert = (table: string, openMinute: number, closeTime: string, close = '1.00') =>
    db.query(
      `insert into "${table}" values ('BTCUSDT', '1m', to_timestamp(${openMinute * 60}), $1::timestamptz, 1, 1, 1, $2, 1, 1, 1, 1, 1)`,
      [closeTime, close],
    );

  before(async () => {
    db = await openTestDatabase();
    for (const table of [ours, theirs]) {
      await db.query(`drop table if exists "${table}"`);
      for (const sql of createTableSql('candle', table)) await db.query(sql);
    }
  });
  after(async () => {
    for (const table of [ours, theirs]) await db.query(`drop table if exists "${table}"`);
    await db.close();
  });

  it('says identical tables are identical', async () => {
    await insert(ours, 0, '1970-01-01 00:00:59.999+00');
    await insert(theirs, 0, '1970-01-01 00:00:59.999+00');
    const result = await compareTables(db, ours, theirs);
    assert.deepEqual(result, { ours: 1, theirs: 1, onlyOurs: 0, onlyTheirs: 0, columns: [] });
    assert.match(describeComparison(result)[0]!, /identical on every column/);
  });

  it('names the column that differs, with an example, and the rows only one side has', async () => {
    await insert(ours, 1, '1970-01-01 00:01:59.999+00');
    await insert(theirs, 1, '1970-01-01 00:01:59+00'); // milliseconds truncated
    await insert(ours, 2, '1970-01-01 00:02:59.999+00', '2.00');
    await insert(theirs, 2, '1970-01-01 00:02:59.999+00', '2.5');
    await insert(ours, 3, '1970-01-01 00:03:59.999+00'); // only ours
    const result = await compareTables(db, ours, theirs);
    assert.equal(result.ours, 4);
    assert.equal(result.theirs, 3);
    assert.equal(result.onlyOurs, 3);
    assert.equal(result.onlyTheirs, 2);
    assert.deepEqual(
      result.columns.map((c) => [c.column, c.rows]),
      [
        ['close_time', 1],
        ['close', 1],
      ],
    );
    assert.match(result.columns[0]!.example, /ours .*00:01:59\.999\+00, Connect .*00:01:59\+00/);
  });
});
