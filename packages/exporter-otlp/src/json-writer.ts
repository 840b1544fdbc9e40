// A growable UTF-8 output buffer for JSON written in one pass: fixed fragments are copied as
// bytes, strings are escaped and UTF-8-encoded straight into the buffer, numbers are written as
// digits. Nothing goes through intermediate strings, so a body needs no final text → bytes step.

const INITIAL_CAPACITY = 256 * 1024;
// A buffer grown past this by one huge batch is dropped at the next reset, so one outlier does
// not pin its memory for the life of the process.
const MAX_RETAINED_CAPACITY = 8 * 1024 * 1024;
// 10^8: numbers up to 2^53 are written as two halves of at most 8 digits in 32-bit arithmetic.
const HALF_DIGITS = 100_000_000;

const HEX_DIGITS = '0123456789abcdef';
// Fragments this long or longer are copied with `set`; shorter ones faster byte by byte.
const SET_THRESHOLD = 8;

/** The bytes of an ASCII JSON fragment, built once at module load. */
export function fragment(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const textEncoder = new TextEncoder();

/** UTF-8 bytes of JSON text built at set-up time (resources, scopes), not on a hot path. */
export function utf8Bytes(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/**
 * Single-pass JSON writer over one reusable byte buffer. It knows JSON tokens, not OTLP: the
 * encoders drive it field by field. String escaping is exactly `JSON.stringify`'s (well-formed
 * JSON.stringify: lone surrogates become `\udXXX` escapes), so output parses to the same values.
 */
export class JsonWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number = INITIAL_CAPACITY) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.pos = 0;
    if (this.buf.length > MAX_RETAINED_CAPACITY) this.buf = new Uint8Array(INITIAL_CAPACITY);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** A copy of what was written (the buffer itself is reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Copies a prebuilt fragment: `set` (a native copy) unless it is too short to pay for the call. */
  bytes(source: Uint8Array): void {
    const length = source.length;
    this.ensure(length);
    const buf = this.buf;
    let pos = this.pos;
    if (length >= SET_THRESHOLD) {
      buf.set(source, pos);
      this.pos = pos + length;
      return;
    }
    for (let i = 0; i < length; i++) buf[pos++] = source[i] as number;
    this.pos = pos;
  }

  /** One ASCII byte (a bracket, comma or quote). */
  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** A JSON string literal, quotes included. */
  string(text: string): void {
    const length = text.length;
    // Worst case per UTF-16 unit: a 6-byte `\u00XX` escape; UTF-8 never needs more than 3.
    this.ensure(length * 6 + 2);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = 0x22;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        if (code >= 0x20 && code !== 0x22 && code !== 0x5c) buf[pos++] = code;
        else pos = writeEscape(buf, pos, code);
      } else if (code < 0x800) {
        buf[pos++] = 0xc0 | (code >> 6);
        buf[pos++] = 0x80 | (code & 0x3f);
      } else if (code < 0xd800 || code > 0xdfff) {
        buf[pos++] = 0xe0 | (code >> 12);
        buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
        buf[pos++] = 0x80 | (code & 0x3f);
      } else {
        const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = ((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          buf[pos++] = 0xf0 | (point >> 18);
          buf[pos++] = 0x80 | ((point >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((point >> 6) & 0x3f);
          buf[pos++] = 0x80 | (point & 0x3f);
          i++;
        } else pos = writeUnicodeEscape(buf, pos, code);
      }
    }
    buf[pos++] = 0x22;
    this.pos = pos;
  }

  /** A safe integer as JSON digits (a leading `-` when negative). */
  integer(value: number): void {
    this.ensure(17);
    if (value < 0) {
      this.buf[this.pos++] = 0x2d;
      value = -value;
    }
    this.pos = writeUnsigned(this.buf, this.pos, value);
  }

  /** A safe integer as a quoted decimal string (the OTLP/JSON form of an int64). */
  quotedInteger(value: number): void {
    this.byte(0x22);
    this.integer(value);
    this.byte(0x22);
  }

  /**
   * Epoch µs as a quoted decimal string of epoch ns, exact to the nanosecond the double carries:
   * the same text as `microsToNanosString`, written without building it.
   */
  quotedNanos(micros: number): void {
    this.ensure(24);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = 0x22;
    if (!(micros > 0) || micros === Number.POSITIVE_INFINITY) buf[pos++] = 0x30;
    else {
      let whole = Math.floor(micros);
      let nanos = Math.round((micros - whole) * 1000);
      if (nanos >= 1000) {
        whole += 1;
        nanos -= 1000;
      }
      if (whole === 0) pos = writeUnsigned(buf, pos, nanos);
      else {
        pos = writeUnsigned(buf, pos, whole);
        const hundreds = (nanos / 100) | 0;
        const tens = ((nanos - hundreds * 100) / 10) | 0;
        buf[pos++] = 0x30 + hundreds;
        buf[pos++] = 0x30 + tens;
        buf[pos++] = 0x30 + (nanos - hundreds * 100 - tens * 10);
      }
    }
    buf[pos++] = 0x22;
    this.pos = pos;
  }

  /** A double in proto3 JSON: a number, or the strings for the non-finite values. */
  double(value: number): void {
    if (Number.isFinite(value)) this.ascii(String(value));
    else if (Number.isNaN(value)) this.ascii('"NaN"');
    else this.ascii(value > 0 ? '"Infinity"' : '"-Infinity"');
  }

  /** Text known to be ASCII that needs no escaping (number text), copied as is. */
  ascii(text: string): void {
    const length = text.length;
    this.ensure(length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }
}

/** `value` (a non-negative safe integer) as digits at `pos`; returns the new position. */
function writeUnsigned(buf: Uint8Array, pos: number, value: number): number {
  if (value < HALF_DIGITS) return writeSmall(buf, pos, value);
  const high = Math.floor(value / HALF_DIGITS);
  let low = value - high * HALF_DIGITS;
  pos = writeSmall(buf, pos, high);
  // The low half always takes 8 digits, leading zeros included.
  for (let i = pos + 7; i >= pos; i--) {
    const quotient = (low / 10) | 0;
    buf[i] = 0x30 + (low - quotient * 10);
    low = quotient;
  }
  return pos + 8;
}

/** `value` below 10^8 as digits, in 32-bit arithmetic. */
function writeSmall(buf: Uint8Array, pos: number, value: number): number {
  let digits = 1;
  for (let bound = 10; bound <= value; bound *= 10) digits++;
  let at = pos + digits;
  do {
    const quotient = (value / 10) | 0;
    buf[--at] = 0x30 + (value - quotient * 10);
    value = quotient;
  } while (value > 0);
  return pos + digits;
}

/** The JSON escape of an ASCII control character, `"` or `\`, as JSON.stringify writes it. */
function writeEscape(buf: Uint8Array, pos: number, code: number): number {
  let short = 0;
  switch (code) {
    case 0x22:
      short = 0x22;
      break;
    case 0x5c:
      short = 0x5c;
      break;
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
    default:
      return writeUnicodeEscape(buf, pos, code);
  }
  buf[pos++] = 0x5c;
  buf[pos++] = short;
  return pos;
}

/** `\uXXXX` with lowercase hex, as JSON.stringify writes control characters and lone surrogates. */
function writeUnicodeEscape(buf: Uint8Array, pos: number, code: number): number {
  buf[pos++] = 0x5c;
  buf[pos++] = 0x75;
  buf[pos++] = HEX_DIGITS.charCodeAt((code >> 12) & 0xf);
  buf[pos++] = HEX_DIGITS.charCodeAt((code >> 8) & 0xf);
  buf[pos++] = HEX_DIGITS.charCodeAt((code >> 4) & 0xf);
  buf[pos++] = HEX_DIGITS.charCodeAt(code & 0xf);
  return pos;
}
