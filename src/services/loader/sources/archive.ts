import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  ErrorCodes,
  StreamForgeError,
  errorMessage,
  isStreamForgeError,
  recordTime,
  type CandleInterval,
  type MarketRecord,
} from '../../../protocol/index.ts';
import { lineChunks } from '../archive/lines.ts';
import { candleFromRow, isHeader, tradeFromRow, type RowParser } from '../archive/rows.ts';
import { openZipEntry, readZipDirectory } from '../archive/zip.ts';
import type { RecordSource } from './source.ts';

export interface ArchiveOptions {
  /** ARCHIVE_PATH: one .zip or .csv, or a directory of them (read in name order). */
  path: string;
  symbol: string;
  kind: MarketRecord['kind'];
  interval: CandleInterval | undefined;
  /** Keep only records within [startMs, endMs] when given. */
  range?: { startMs: number; endMs: number };
  /** Records per batch; default 5000. */
  batchSize?: number;
}

/**
 * Binance public-data archive files (data.binance.vision layout): zip or csv, with or without a header
 * row, timestamps in ms or µs (detected per value). A file with a `.CHECKSUM` beside it is verified
 * before any of its rows is read.
 *
 * Streams: one file at a time, a zip's CSV inflated as it is read, rows parsed and yielded in batches
 * as they come, the next bytes read only when the caller takes the batch. Memory stays at a batch and
 * a read buffer whatever the archive's size, so the total is known only once every file was read.
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

  /** Undefined until every file was read (counting first would mean reading everything twice). */
  total(): number | undefined {
    return this.#total;
  }

  async *batches(signal: AbortSignal): AsyncIterable<MarketRecord[]> {
    const size = this.#o.batchSize ?? 5000;
    let count = 0;
    let batch: MarketRecord[] = [];
    for (const file of this.#files) {
      try {
        for await (const csv of csvTexts(file)) {
          const at = { line: 0 };
          for await (const lines of csv) {
            for (const record of this.#records(file, lines, at)) {
              batch.push(record);
              if (batch.length < size) continue;
              count += batch.length;
              yield batch;
              batch = [];
              if (signal.aborted) return;
            }
          }
        }
      } catch (error) {
        if (isStreamForgeError(error)) throw error;
        throw new StreamForgeError(
          ErrorCodes.ARCHIVE_INVALID,
          `${file} could not be read: ${errorMessage(error)}`,
          { cause: error },
        );
      }
    }
    if (batch.length > 0) {
      count += batch.length;
      yield batch;
    }
    this.#total = count;
  }

  /** The records of some lines of one CSV text that fall within the range; `at` counts its lines. */
  #records(file: string, lines: string[], at: { line: number }): MarketRecord[] {
    const range = this.#o.range;
    const out: MarketRecord[] = [];
    for (const raw of lines) {
      at.line += 1;
      const line = raw.trim();
      if (line === '') continue;
      const fields = line.split(',');
      if (at.line === 1 && isHeader(fields)) continue;
      const record = this.#parse(fields, `${basename(file)} line ${at.line}`);
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

/** The CSV texts of a file as line streams: itself, or every .csv inside a zip (each may have its own header). */
async function* csvTexts(file: string): AsyncIterable<AsyncIterable<string[]>> {
  await verifyChecksum(file);
  if (!/\.zip$/i.test(file)) {
    yield lineChunks(createReadStream(file), file);
    return;
  }
  const entries = (await readZipDirectory(file)).filter((e) => /\.csv$/i.test(e.name));
  if (entries.length === 0)
    throw new StreamForgeError(ErrorCodes.ARCHIVE_INVALID, `${file} holds no .csv file`);
  for (const entry of entries) yield lineChunks(await openZipEntry(file, entry), file);
}

/** `<file>.CHECKSUM` holds "sha256  name", as Binance publishes it next to every zip; hashed as a stream. */
async function verifyChecksum(file: string): Promise<void> {
  const checksumFile = `${file}.CHECKSUM`;
  if (!existsSync(checksumFile)) return;
  const expected = readFileSync(checksumFile, 'utf8').trim().split(/\s+/)[0]?.toLowerCase();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const actual = hash.digest('hex');
  if (expected !== actual) {
    throw new StreamForgeError(
      ErrorCodes.ARCHIVE_INVALID,
      `${file} does not match its CHECKSUM (expected sha256 ${expected}, got ${actual}): download it again`,
    );
  }
}
