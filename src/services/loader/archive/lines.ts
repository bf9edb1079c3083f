import { StringDecoder } from 'node:string_decoder';
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';

/** Longer than any Binance CSV row by far: a file without line breaks is not one. */
const MAX_LINE = 1 << 20;

/**
 * The lines of a UTF-8 byte stream (LF or CRLF; a CR is left for the caller's trim), one chunk's
 * worth at a time: only a chunk and an unfinished line are ever held, and the next chunk is read
 * only when the caller asks (the stream's backpressure).
 */
export async function* lineChunks(
  stream: AsyncIterable<Buffer | string>,
  file: string,
): AsyncIterable<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const lines = (rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk))).split('\n');
    rest = lines.pop() ?? '';
    if (rest.length > MAX_LINE) {
      throw new StreamForgeError(
        ErrorCodes.ARCHIVE_INVALID,
        `${file} has a line longer than ${MAX_LINE} bytes: not a Binance CSV`,
      );
    }
    if (lines.length > 0) yield lines;
  }
  const last = rest + decoder.end();
  if (last !== '') yield [last];
}
