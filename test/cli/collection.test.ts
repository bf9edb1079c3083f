// `streamforge collection <name>` as a user runs it, against an ArangoDB-backed collection (ARANGO_URL):
// row count, coverage and the gap, in text and as JSON.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CandleRecord } from '../../src/protocol/index.ts';
import { CANDLES_T0 as T0, testCandle } from '../support/candles.ts';
import { ArangoSink } from '../../src/services/connector/index.ts';
import { ArangoPeer } from '../support/arango-peer/arango-peer.ts';
import { startCli } from '../support/cli.ts';

const candle = (minute: number): CandleRecord => testCandle(T0 + minute * 60_000);

describe('streamforge collection', () => {
  let peer: ArangoPeer;
  const name = 'btcusdt_api_candles_1m_2024_08_01';

  const collection = async (args: string[]) => {
    const cli = startCli(['collection', ...args], {
      ARANGO_URL: peer.url,
      ARANGO_DB: 'market',
      ARANGO_USER: 'loader',
      ARANGO_PASSWORD: 'secret',
    });
    return { code: await cli.exit, output: cli.output() };
  };

  before(async () => {
    peer = await new ArangoPeer({ user: 'loader', password: 'secret' }).start();
    const sink = new ArangoSink({ url: peer.url, database: 'market', user: 'loader', password: 'secret' });
    await sink.ensureCollection({ name, kind: 'candle' });
    // 00:00–00:59 without 00:10–00:14: 55 candles, one gap of 5.
    const minutes = Array.from({ length: 60 }, (_, m) => m).filter((m) => m < 10 || m > 14);
    await sink.upsert(name, minutes.map(candle));
    await sink.close();
  });
  after(() => peer.close());

  it('shows an ArangoDB collection’s rows, coverage and gap', async () => {
    const run = await collection([name]);
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(run.output.trimEnd().split('\n'), [
      `collection  ${name} (candles)`,
      'rows        55',
      'covers      2024-08-01T00:00:00.000Z … 2024-08-01T00:59:00.000Z',
      'gaps        5 candles missing',
      '  BTCUSDT  after 2024-08-01T00:09:00.000Z  before 2024-08-01T00:15:00.000Z  (5 missing)',
    ]);
  });

  it('--json prints the same stats as JSON', async () => {
    const run = await collection([name, '--json']);
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(JSON.parse(run.output), {
      name,
      kind: 'candle',
      rows: 55,
      firstTime: T0,
      lastTime: T0 + 59 * 60_000,
      gaps: [{ symbol: 'BTCUSDT', after: T0 + 9 * 60_000, before: T0 + 15 * 60_000, missing: 5 }],
      missing: 5,
      gapsKnown: true,
    });
  });

  it('names a collection that does not exist (SF_NOT_FOUND) and exits 1', async () => {
    const run = await collection(['btcusdt_nothing']);
    assert.equal(run.code, 1);
    assert.match(run.output, /no collection named "btcusdt_nothing".*\[SF_NOT_FOUND\]/);
  });
});
