import { inflateRawSync } from 'node:zlib';
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function invalid(file: string, why: string): StreamForgeError {
  return new StreamForgeError(ErrorCodes.ARCHIVE_INVALID, `${file} is not a readable zip: ${why}`);
}

/**
 * The files of a zip archive (stored or deflated), read from its central directory. Binance's
 * archives hold one CSV each; this reader needs no dependency for that.
 */
export function readZip(buffer: Buffer, file: string): ZipEntry[] {
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 65_535); i -= 1) {
    if (buffer.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalid(file, 'no end-of-central-directory record (truncated download?)');
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n += 1) {
    if (at + 46 > buffer.length || buffer.readUInt32LE(at) !== CENTRAL)
      throw invalid(file, 'a broken central directory');
    const method = buffer.readUInt16LE(at + 10);
    const compressed = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (buffer.readUInt32LE(local) !== LOCAL) throw invalid(file, `no local header for ${name}`);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const raw = buffer.subarray(start, start + compressed);
    if (raw.length !== compressed) throw invalid(file, `${name} is truncated`);
    if (method === 0) entries.push({ name, data: raw });
    else if (method === 8) entries.push({ name, data: inflateRawSync(raw) });
    else
      throw invalid(
        file,
        `${name} uses compression method ${method} (only stored and deflate are supported)`,
      );
  }
  return entries;
}
