import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  ErrorCodes,
  StreamForgeError,
  recordTime,
  type CandleInterval,
  type MarketRecord,
} from '../../../protocol/index.ts';
import { candleFromRow, isHeader, tradeFromRow, type RowParser } from '../archive/rows.ts';
import { readZip } from '../archive/zip.ts';
import type { RecordSource } from './source.ts';

export interface ArchiveOptions {
  /** ARCHIVE_PATH: one .zip or .csv, or a directory of them (read in name order). */
  path: string;
  symbol: string;
  kind: MarketRecord['kind'];
  interval: CandleInterval | undefined;
  /** Keep only records within [startMs, endMs] when given. */
  range?: { startMs: number; endMs: number };
  batchSize?: number;
}

/**
 * Binance public-data archive files (data.binance.vision layout): zip or csv, with or without a header
 * row, timestamps in ms or µs (detected per value). A zip with a `.CHECKSUM` beside it is verified.
 */
export class ArchiveSource implements RecordSource {
  readonly description: string;
  readonly #o: ArchiveOptions;
  readonly #files: string[];
  readonly #parse: RowParser;
  #total: number | undefined;

  constructor(options: ArchiveOptions) {
    this.#o = options;
    this.#files = listFiles(options.path);
    this.#parse =
      options.kind === 'candle'
        ? (f, where) => candleFromRow(options.symbol, options.interval!, f, where)
        : (f, where) => tradeFromRow(options.symbol, f, where);
    this.description = `${options.symbol} ${options.kind}s from ${this.#files.length} archive file(s) in ${options.path}`;
  }

  total(): number | undefined {
    return this.#total;
  }

  async *batches(signal: AbortSignal): AsyncIterable<MarketRecord[]> {
    const parsed = this.#files.flatMap((file) => readTexts(file).map((text) => this.#records(file, text)));
    this.#total = parsed.reduce((sum, records) => sum + records.length, 0);
    const size = this.#o.batchSize ?? 5000;
    for (const records of parsed) {
      for (let i = 0; i < records.length && !signal.aborted; i += size) {
        yield records.slice(i, i + size);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  #records(file: string, text: string): MarketRecord[] {
    const range = this.#o.range;
    const out: MarketRecord[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      const fields = line.split(',');
      if (i === 0 && isHeader(fields)) continue;
      const record = this.#parse(fields, `${basename(file)} line ${i + 1}`);
      const t = recordTime(record);
      if (range && (t < range.startMs || t > range.endMs)) continue;
      out.push(record);
    }
    return out;
  }
}

function listFiles(path: string): string[] {
  if (!existsSync(path))
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `ARCHIVE_PATH ${path} does not exist`);
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((name) => /\.(zip|csv)$/i.test(name))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0)
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `ARCHIVE_PATH ${path} has no .zip or .csv files`);
  return files;
}

/** The CSV texts of a file: itself, or every .csv inside a zip (each may have its own header). */
function readTexts(file: string): string[] {
  const buffer = readFileSync(file);
  if (!/\.zip$/i.test(file)) return [buffer.toString('utf8')];
  verifyChecksum(file, buffer);
  const entries = readZip(buffer, file).filter((e) => /\.csv$/i.test(e.name));
  if (entries.length === 0)
    throw new StreamForgeError(ErrorCodes.ARCHIVE_INVALID, `${file} holds no .csv file`);
  return entries.map((e) => e.data.toString('utf8'));
}

/** `<file>.CHECKSUM` holds "sha256  name", as Binance publishes it next to every zip. */
function verifyChecksum(file: string, buffer: Buffer): void {
  const checksumFile = `${file}.CHECKSUM`;
  if (!existsSync(checksumFile)) return;
  const expected = readFileSync(checksumFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase();
  const actual = createHash('sha256').update(buffer).digest('hex');
  if (expected !== actual) {
    throw new StreamForgeError(
      ErrorCodes.ARCHIVE_INVALID,
      `${file} does not match its CHECKSUM (expected sha256 ${expected}, got ${actual}): download it again`,
    );
  }
}
