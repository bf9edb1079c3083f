import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';

/** One file in a zip, as its central directory describes it (the data itself is not read). */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 65_535;
/** A 32-bit field at its maximum means the real value is in a zip64 record. */
const ZIP64 = 0xffffffff;

function invalid(file: string, why: string): StreamForgeError {
  return new StreamForgeError(ErrorCodes.ARCHIVE_INVALID, `${file} is not a readable zip: ${why}`);
}

function zip64(file: string): StreamForgeError {
  return invalid(
    file,
    'it is a zip64 archive (over 4 GB), which this reader does not support: unzip it and set ARCHIVE_PATH to the .csv',
  );
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * The files of a zip archive, from its central directory, read from the end of the file with a few
 * positioned reads (never the whole file). Binance's archives hold one CSV each; this reader needs
 * no dependency for that.
 */
export async function readZipDirectory(file: string): Promise<ZipEntry[]> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i -= 1) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw invalid(file, 'no end-of-central-directory record (truncated download?)');
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryAt = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directoryAt === ZIP64 || directorySize === ZIP64) throw zip64(file);
    if (directoryAt + directorySize > size)
      throw invalid(file, 'a central directory past its end (truncated download?)');
    const directory = await readAt(handle, directoryAt, directorySize);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let n = 0; n < count; n += 1) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL)
        throw invalid(file, 'a broken central directory');
      const method = directory.readUInt16LE(at + 10);
      const compressedSize = directory.readUInt32LE(at + 20);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const localHeaderOffset = directory.readUInt32LE(at + 42);
      const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (name.endsWith('/')) continue;
      if (compressedSize === ZIP64 || localHeaderOffset === ZIP64) throw zip64(file);
      if (method !== 0 && method !== 8) {
        throw invalid(
          file,
          `${name} uses compression method ${method} (only stored and deflate are supported)`,
        );
      }
      entries.push({ name, method, compressedSize, localHeaderOffset });
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of one entry, decompressed as they are read: only a read buffer and the inflate window
 * are ever in memory, whatever the entry's size.
 */
export async function openZipEntry(file: string, entry: ZipEntry): Promise<Readable> {
  const handle = await open(file, 'r');
  let start: number;
  try {
    const size = (await handle.stat()).size;
    const local = await readAt(handle, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL)
      throw invalid(file, `no local header for ${entry.name}`);
    start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (start + entry.compressedSize > size) throw invalid(file, `${entry.name} is truncated`);
  } finally {
    await handle.close();
  }
  if (entry.compressedSize === 0) return Readable.from([]);
  const raw = createReadStream(file, { start, end: start + entry.compressedSize - 1 });
  if (entry.method === 0) return raw;
  // A failure of either side destroys both; the reader of the result sees it.
  return pipeline(raw, createInflateRaw(), () => undefined);
}
