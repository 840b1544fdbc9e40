// A growable UTF-8 byte buffer for the Zipkin JSON encoder. Writing bytes directly costs one pass
// per string, where building the body by string concatenation leaves a rope of thousands of
// pieces that V8 must walk and copy again when the transport turns it into bytes.

const HEX = '0123456789abcdef';
const INITIAL_BYTES = 64 * 1024;
/** A scratch buffer that grew past this is dropped after use, so one huge batch does not pin memory. */
const KEEP_BYTES = 4 * 1024 * 1024;

/**
 * Writes JSON text as UTF-8 into one reusable buffer. Encoding is synchronous, so a single
 * module-level instance can serve every call.
 */
export class JsonWriter {
  bytes: Uint8Array = new Uint8Array(INITIAL_BYTES);
  position = 0;

  reset(): void {
    if (this.bytes.length > KEEP_BYTES) this.bytes = new Uint8Array(INITIAL_BYTES);
    this.position = 0;
  }

  /** Makes room for `count` more bytes. */
  private ensure(count: number): void {
    const needed = this.position + count;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.position));
    this.bytes = grown;
  }

  /** Appends text known to be ASCII and to need no escaping: constants, hex ids, digits. */
  ascii(text: string): void {
    const length = text.length;
    this.ensure(length);
    const bytes = this.bytes;
    let position = this.position;
    for (let i = 0; i < length; i++) bytes[position++] = text.charCodeAt(i);
    this.position = position;
  }

  /** Appends a non-negative integer below 2^53 in decimal, without making a string of it. */
  integer(value: number): void {
    this.ensure(16);
    const bytes = this.bytes;
    const start = this.position;
    let position = start;
    do {
      const quotient = Math.floor(value / 10);
      bytes[position++] = 0x30 + (value - quotient * 10);
      value = quotient;
    } while (value > 0);
    // Digits came out least significant first.
    for (let left = start, right = position - 1; left < right; left++, right--) {
      const swap = bytes[left] as number;
      bytes[left] = bytes[right] as number;
      bytes[right] = swap;
    }
    this.position = position;
  }

  /**
   * Appends the inside of a JSON string literal for `text` (RFC 8259 §7), UTF-8 encoded, in one
   * pass. Printable ASCII is copied as is; quotes, backslashes and control characters are escaped;
   * lone surrogates are written as `\udxxx` (as the well-formed `JSON.stringify` does), so the
   * output is always valid UTF-8.
   */
  string(text: string): void {
    const length = text.length;
    // Worst case: every UTF-16 unit becomes a 6-byte \uXXXX escape.
    this.ensure(length * 6);
    const bytes = this.bytes;
    let position = this.position;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x20 && code < 0x80) {
        if (code === 0x22 || code === 0x5c) bytes[position++] = 0x5c;
        bytes[position++] = code;
      } else if (code < 0x20) {
        position = writeControlEscape(bytes, position, code);
      } else if (code < 0x800) {
        bytes[position++] = 0xc0 | (code >> 6);
        bytes[position++] = 0x80 | (code & 0x3f);
      } else if (code < 0xd800 || code > 0xdfff) {
        bytes[position++] = 0xe0 | (code >> 12);
        bytes[position++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[position++] = 0x80 | (code & 0x3f);
      } else {
        const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          bytes[position++] = 0xf0 | (point >> 18);
          bytes[position++] = 0x80 | ((point >> 12) & 0x3f);
          bytes[position++] = 0x80 | ((point >> 6) & 0x3f);
          bytes[position++] = 0x80 | (point & 0x3f);
          i++;
        } else {
          position = writeUnicodeEscape(bytes, position, code);
        }
      }
    }
    this.position = position;
  }

  /** A copy of what was written (the scratch buffer is reused by the next call). */
  copy(): Uint8Array {
    return this.bytes.slice(0, this.position);
  }
}

function writeControlEscape(bytes: Uint8Array, position: number, code: number): number {
  let short = 0;
  switch (code) {
    case 0x08:
      short = 0x62; // b
      break;
    case 0x09:
      short = 0x74; // t
      break;
    case 0x0a:
      short = 0x6e; // n
      break;
    case 0x0c:
      short = 0x66; // f
      break;
    case 0x0d:
      short = 0x72; // r
      break;
  }
  if (short === 0) return writeUnicodeEscape(bytes, position, code);
  bytes[position++] = 0x5c;
  bytes[position++] = short;
  return position;
}

function writeUnicodeEscape(bytes: Uint8Array, position: number, code: number): number {
  bytes[position++] = 0x5c;
  bytes[position++] = 0x75; // u
  bytes[position++] = HEX.charCodeAt((code >> 12) & 15);
  bytes[position++] = HEX.charCodeAt((code >> 8) & 15);
  bytes[position++] = HEX.charCodeAt((code >> 4) & 15);
  bytes[position++] = HEX.charCodeAt(code & 15);
  return position;
}
