import {
  ErrorCodes,
  StreamForgeError,
  type CandleRecord,
  type MarketRecord,
  type TradeRecord,
} from '../../../protocol/index.ts';

const TAB = 9;
const NEWLINE = 10;
const DIGIT_0 = 48;
const MS_PER_DAY = 86_400_000;

/**
 * Records as rows in COPY text format, written byte by byte into one buffer: the bytes the connector
 * sends PostgreSQL for every record it stores. Built as strings instead (a template per row, joined),
 * the rows were a third of the connector's allocations (every `${…}` makes a string piece) and were
 * copied once more into UTF-8 on the way to the socket (bench/pipeline).
 *
 * Nothing needs escaping: the record schemas admit only [A-Z0-9] symbols, interval names, decimal
 * strings, integers and booleans. The writer checks that instead of trusting it, byte by byte, and
 * refuses any other character rather than write a row PostgreSQL would read differently.
 */
export function copyRows(records: readonly MarketRecord[]): Buffer {
  let bytes = 0;
  for (const r of records) bytes += rowBytesAtMost(r);
  const writer = new RowWriter(Buffer.allocUnsafe(bytes));
  for (const r of records) {
    if (r.kind === 'candle') writer.candle(r);
    else writer.trade(r);
  }
  return writer.written();
}

const TIME_BYTES = 32; // `YYYY-MM-DDTHH:MM:SS.mmmZ`, or `+YYYYYY-…` past year 9999
const INTEGER_BYTES = 16; // a safe integer
const BOOLEAN_BYTES = 1;

function rowBytesAtMost(r: MarketRecord): number {
  return r.kind === 'candle'
    ? r.symbol.length +
        r.interval.length +
        2 * TIME_BYTES +
        r.open.length +
        r.high.length +
        r.low.length +
        r.close.length +
        r.volume.length +
        r.quote_volume.length +
        INTEGER_BYTES +
        r.taker_buy_base_volume.length +
        r.taker_buy_quote_volume.length +
        13 // separators
    : r.symbol.length +
        3 * INTEGER_BYTES +
        r.price.length +
        r.quantity.length +
        TIME_BYTES +
        2 * BOOLEAN_BYTES +
        9;
}

/** Writes rows into a buffer sized for them (rowBytesAtMost). One per call: the rows are in flight on a socket afterwards. */
class RowWriter {
  readonly #buffer: Buffer;
  #at = 0;
  /** The day the cached date prefix (`YYYY-MM-DDT`) belongs to: records come in time order. */
  #day = Number.NaN;
  #dayPrefix = '';

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  written(): Buffer {
    return this.#buffer.subarray(0, this.#at);
  }

  candle(r: CandleRecord): void {
    this.#text(r.symbol);
    this.#text(r.interval);
    this.#time(r.open_time);
    this.#time(r.close_time);
    this.#text(r.open);
    this.#text(r.high);
    this.#text(r.low);
    this.#text(r.close);
    this.#text(r.volume);
    this.#text(r.quote_volume);
    this.#integer(r.trades);
    this.#text(r.taker_buy_base_volume);
    this.#last(r.taker_buy_quote_volume);
  }

  trade(r: TradeRecord): void {
    this.#text(r.symbol);
    this.#integer(r.trade_id);
    this.#text(r.price);
    this.#text(r.quantity);
    this.#integer(r.first_trade_id);
    this.#integer(r.last_trade_id);
    this.#time(r.time);
    this.#text(r.is_buyer_maker ? 't' : 'f');
    this.#last(r.is_best_match ? 't' : 'f');
  }

  /** A column and the tab after it. */
  #text(value: string): void {
    this.#chars(value);
    this.#buffer[this.#at++] = TAB;
  }

  /** The row's last column and its newline. */
  #last(value: string): void {
    this.#chars(value);
    this.#buffer[this.#at++] = NEWLINE;
  }

  #chars(value: string): void {
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < value.length; i += 1) {
      const code = value.charCodeAt(i);
      // Printable ASCII but the backslash, COPY's escape character.
      if (code < 0x20 || code > 0x7e || code === 0x5c) throw unwritable(value);
      buffer[at++] = code;
    }
    this.#at = at;
  }

  /** A non-negative safe integer (the schemas' only kind), in decimal. */
  #integer(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw unwritable(String(value));
    const buffer = this.#buffer;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    let at = this.#at + digits;
    this.#at = at + 1;
    buffer[at] = TAB;
    let rest = value;
    do {
      const next = Math.floor(rest / 10);
      buffer[--at] = DIGIT_0 + (rest - next * 10);
      rest = next;
    } while (rest > 0);
  }

  /** Epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`, by arithmetic: Date#toISOString per value was a tenth of the connector's CPU. */
  #time(ms: number): void {
    const day = Math.floor(ms / MS_PER_DAY);
    if (day !== this.#day) {
      const date = new Date(day * MS_PER_DAY).toISOString();
      this.#dayPrefix = date.slice(0, date.indexOf('T') + 1);
      this.#day = day;
    }
    this.#chars(this.#dayPrefix);
    let rest = ms - day * MS_PER_DAY;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    const buffer = this.#buffer;
    let at = this.#at;
    at = twoDigits(buffer, at, hours);
    buffer[at++] = 0x3a; // :
    at = twoDigits(buffer, at, minutes);
    buffer[at++] = 0x3a;
    at = twoDigits(buffer, at, seconds);
    buffer[at++] = 0x2e; // .
    buffer[at++] = DIGIT_0 + Math.floor(millis / 100);
    at = twoDigits(buffer, at, millis % 100);
    buffer[at++] = 0x5a; // Z
    buffer[at++] = TAB;
    this.#at = at;
  }
}

function twoDigits(buffer: Buffer, at: number, value: number): number {
  const tens = Math.floor(value / 10);
  buffer[at] = DIGIT_0 + tens;
  buffer[at + 1] = DIGIT_0 + (value - tens * 10);
  return at + 2;
}

function unwritable(value: string): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.INVALID_MESSAGE,
    `cannot write ${JSON.stringify(value.slice(0, 40))} into a COPY row: only printable ASCII without backslashes is expected in market records`,
  );
}
