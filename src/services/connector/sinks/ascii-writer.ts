/** Writes ASCII text straight into a growing buffer, a byte at a time (copyRows says why). */
export class AsciiWriter {
  #buffer: Buffer;
  #at = 0;

  constructor(initialBytes: number) {
    this.#buffer = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

  /** What was written, as a view of the writer's buffer. */
  written(): Buffer {
    return this.#buffer.subarray(0, this.#at);
  }

  /** Makes room for `bytes` more; call before writing a record (the other methods do not check). */
  reserve(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
  }

  byte(value: number): void {
    this.#buffer[this.#at++] = value;
  }

  /** Pre-encoded bytes. */
  bytes(value: Uint8Array): void {
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < value.length; i += 1) buffer[at++] = value[i]!;
    this.#at = at;
  }

  /**
   * A string of printable ASCII (0x20–0x7e) other than `forbidden`, byte for byte. False, with the
   * position unspecified, when the string has any other character.
   */
  text(value: string, forbidden: number): boolean {
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < value.length; i += 1) {
      const code = value.charCodeAt(i);
      if (code < 0x20 || code > 0x7e || code === forbidden) return false;
      buffer[at++] = code;
    }
    this.#at = at;
    return true;
  }

  /** A safe integer in decimal; false (nothing written) for anything else. */
  integer(value: number): boolean {
    if (!Number.isSafeInteger(value)) return false;
    if (value < 0) {
      this.byte(0x2d); // -
      value = -value;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    const buffer = this.#buffer;
    let at = this.#at + digits;
    this.#at = at;
    do {
      const next = Math.floor(value / 10);
      // Parenthesized: 48 + a value near 2^53 would round before the subtraction.
      buffer[--at] = DIGIT_0 + (value - next * 10);
      value = next;
    } while (value > 0);
    return true;
  }

  /** `value` as exactly two digits (0–99). */
  twoDigits(value: number): void {
    const tens = Math.floor(value / 10);
    this.#buffer[this.#at++] = DIGIT_0 + tens;
    this.#buffer[this.#at++] = DIGIT_0 + (value - tens * 10);
  }
}

const DIGIT_0 = 48;

/** Most bytes AsciiWriter#integer writes: a sign and 16 digits. */
export const MAX_INTEGER_BYTES = 17;
