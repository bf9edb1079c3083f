// Binance archive files: zip or csv, with or without a header, ms or µs timestamps: the same records.
// Then one archive through loader and connector on the embedded stack (memory bus, PGlite).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { MemoryBus } from '../../../src/bus/index.ts';
import { ErrorCodes, isStreamForgeError, type MarketRecord } from '../../../src/protocol/index.ts';
import { PGliteClient } from '../../../src/store/index.ts';
import { PostgresSink } from '../../../src/services/connector/index.ts';
import { ArchiveSource } from '../../../src/services/loader/sources/archive.ts';
import { MarketData } from '../../support/binance-peer/market-data.ts';
import { isolatedQueue, runConnector, runLoader } from '../../support/market-jobs.ts';
import { zipOf } from '../../support/zip-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'sf-archive-'));
const market = new MarketData({ tradesPerMinute: 60 });
const day = Date.UTC(2024, 11, 31);
const klines = market.klines('BTCUSDT', '1m', day, day + 86_400_000 - 1);
const trades = market.aggTrades('BTCUSDT', day, day + 3_600_000 - 1);
const KLINE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';

function klineCsv(unit: 'ms' | 'us', header: boolean): string {
  const t = (ms: number): string =>
    unit === 'ms' ? String(ms) : `${ms}${ms % 1000 === 999 ? '999' : '000'}`;
  const rows = klines.map((k) =>
    [t(k[0]), k[1], k[2], k[3], k[4], k[5], t(k[6]), k[7], k[8], k[9], k[10], k[11]].join(','),
  );
  return `${header ? `${KLINE_HEADER}\n` : ''}${rows.join('\n')}\n`;
}

function aggTradeCsv(unit: 'ms' | 'us'): string {
  const cap = (b: boolean): string => (b ? 'True' : 'False');
  return trades
    .map((x) =>
      [x.a, x.p, x.q, x.f, x.l, unit === 'ms' ? x.T : x.T * 1000 + 866, cap(x.m), cap(x.M)].join(','),
    )
    .join('\r\n');
}

async function read(path: string, kind: MarketRecord['kind']): Promise<MarketRecord[]> {
  const source = new ArchiveSource({
    path,
    symbol: 'BTCUSDT',
    kind,
    interval: kind === 'candle' ? '1m' : undefined,
  });
  const out: MarketRecord[] = [];
  for await (const batch of source.batches(new AbortController().signal)) out.push(...batch);
  assert.equal(source.total(), out.length);
  return out;
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('archive files', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads ms csv, µs zip and a futures csv with a header as the same candles', async () => {
    const ms = await read(write('BTCUSDT-1m-2024-12-31.csv', klineCsv('ms', false)), 'candle');
    const zip = zipOf('BTCUSDT-1m-2025-01-01.csv', Buffer.from(klineCsv('us', false)));
    const zipPath = write('BTCUSDT-1m-2025-01-01.zip', zip);
    write(
      'BTCUSDT-1m-2025-01-01.zip.CHECKSUM',
      `${createHash('sha256').update(zip).digest('hex')}  BTCUSDT-1m-2025-01-01.zip\n`,
    );
    const us = await read(zipPath, 'candle');
    const headed = await read(write('um-BTCUSDT-1m.csv', klineCsv('ms', true)), 'candle');
    assert.equal(ms.length, 1440);
    assert.deepEqual(us, ms);
    assert.deepEqual(headed, ms);
    assert.deepEqual(ms[0], {
      kind: 'candle',
      symbol: 'BTCUSDT',
      interval: '1m',
      open_time: klines[0]![0],
      close_time: klines[0]![6],
      open: klines[0]![1],
      high: klines[0]![2],
      low: klines[0]![3],
      close: klines[0]![4],
      volume: klines[0]![5],
      quote_volume: klines[0]![7],
      trades: klines[0]![8],
      taker_buy_base_volume: klines[0]![9],
      taker_buy_quote_volume: klines[0]![10],
    });
  });

  it('reads aggTrades in ms and µs (True/False, CRLF) as the same trades', async () => {
    const ms = await read(write('BTCUSDT-aggTrades-2024-12-31.csv', aggTradeCsv('ms')), 'trade');
    const us = await read(
      write('BTCUSDT-aggTrades-2025-01-01.zip', zipOf('a.csv', Buffer.from(aggTradeCsv('us')))),
      'trade',
    );
    assert.equal(ms.length, trades.length);
    assert.deepEqual(us, ms);
  });

  it('refuses a zip whose CHECKSUM does not match, and a row of the wrong shape, naming the file', async () => {
    const path = write('BTCUSDT-1m-bad.zip', zipOf('x.csv', Buffer.from(klineCsv('ms', false))));
    write('BTCUSDT-1m-bad.zip.CHECKSUM', `${'0'.repeat(64)}  BTCUSDT-1m-bad.zip\n`);
    await assert.rejects(read(path, 'candle'), /does not match its CHECKSUM/);
    const broken = write('broken.csv', `${klines[0]!.join(',')}\n1704067260000,abc\n`);
    await assert.rejects(read(broken, 'candle'), /broken\.csv line 2/);
  });

  it('refuses a zip whose deflated data is corrupt, naming the file', async () => {
    const zip = zipOf('c.csv', Buffer.from(klineCsv('ms', false)));
    zip.fill(0xff, 200, 400);
    await assert.rejects(read(write('BTCUSDT-1m-corrupt.zip', zip), 'candle'), (error: Error) => {
      assert.ok(isStreamForgeError(error) && error.code === ErrorCodes.ARCHIVE_INVALID, String(error));
      assert.match(error.message, /BTCUSDT-1m-corrupt\.zip/);
      return true;
    });
  });

  it('streams a large zip: 200k rows load in a process whose heap is capped below the CSV size', async () => {
    const rows = 200_000;
    const start = Date.UTC(2024, 0, 1);
    const lines: string[] = [];
    for (let i = 0; i < rows; i += 1) lines.push(market.kline('BTCUSDT', '1m', start + i * 60_000).join(','));
    const csv = Buffer.from(`${lines.join('\n')}\n`);
    const path = write('BTCUSDT-1m-large.zip', zipOf('BTCUSDT-1m-large.csv', csv));
    // Reading the whole CSV (let alone parsing all of it first) needs several times this; a stream
    // holds a batch and a read buffer. A small young generation keeps the heap near what is live.
    const capMb = 24;
    assert.ok(csv.length > capMb * 1024 * 1024, `the CSV (${csv.length} bytes) is larger than the cap`);
    const source = pathToFileURL(
      join(import.meta.dirname, '../../../src/services/loader/sources/archive.ts'),
    );
    const script = `
      const { ArchiveSource } = await import(${JSON.stringify(source.href)});
      const source = new ArchiveSource({ path: ${JSON.stringify(path)}, symbol: 'BTCUSDT', kind: 'candle', interval: '1m' });
      let count = 0, first, last;
      for await (const batch of source.batches(new AbortController().signal)) {
        first ??= batch[0].open_time;
        last = batch.at(-1).open_time;
        count += batch.length;
      }
      console.log(JSON.stringify({ count, total: source.total(), first, last }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [`--max-old-space-size=${capMb}`, '--max-semi-space-size=1', '--input-type=module', '-e', script],
      { maxBuffer: 1 << 20 },
    );
    assert.deepEqual(JSON.parse(stdout), {
      count: rows,
      total: rows,
      first: start,
      last: start + (rows - 1) * 60_000,
    });
  });

  it('loads an archive through loader and connector on the embedded stack (memory bus, PGlite)', async () => {
    const bus = new MemoryBus();
    const store = await PGliteClient.open();
    try {
      const queue = await isolatedQueue(bus, 'archive');
      const env = {
        ...queue.env,
        SYMBOL: 'BTCUSDT',
        TYPE: 'archive_candles_1m',
        ARCHIVE_PATH: join(dir, 'BTCUSDT-1m-2025-01-01.zip'),
        COLLECTION_NAME: 'btcusdt_archive_candles_1m_2024_12_31',
      };
      const sink = new PostgresSink(store);
      const [loader, connector] = await Promise.all([runLoader(bus, env), runConnector(bus, env, sink)]);
      assert.equal(loader.state, 'finished', loader.error);
      assert.equal(connector.state, 'finished', connector.error);
      const stats = await sink.stats('btcusdt_archive_candles_1m_2024_12_31');
      assert.equal(stats.rows, 1440);
      assert.equal(stats.firstTime, day);
      assert.equal(stats.missing, 0);
      await store.query(
        `delete from "btcusdt_archive_candles_1m_2024_12_31" where open_time = to_timestamp($1 / 1000.0)`,
        [day + 600_000],
      );
      const holed = await sink.stats('btcusdt_archive_candles_1m_2024_12_31');
      assert.equal(holed.missing, 1);
      assert.deepEqual(holed.gaps[0], {
        symbol: 'BTCUSDT',
        after: day + 540_000,
        before: day + 660_000,
        missing: 1,
      });
    } finally {
      await store.close();
      await bus.close();
    }
  });
});
