// UTF-8 JSON writing for the Zipkin JSON encoder: one growable scratch buffer and small `put*`
// functions that take the buffer and a position and return the new position. The encoder keeps
// both in locals and asks for room once per span part (not per piece), so the per-byte loops
// touch no object fields. Writing bytes directly costs one pass per string, where building the
// body by string concatenation leaves a rope of thousands of pieces that V8 must walk and copy
// again when the transport turns it into bytes.

const HEX = '0123456789abcdef';
const INITIAL_BYTES = 64 * 1024;
/** A scratch buffer that grew past this is dropped after use, so one huge batch does not pin memory. */
const KEEP_BYTES = 4 * 1024 * 1024;
const TWO_POW_32 = 4294967296;

/** Bytes {@link putNumber} may write: `-`, then 16 digits, or `String(value)` of a non-integer (at most 25). */
export const NUMBER_ROOM = 32;

/** `00`..`99` as ASCII digit pairs: integers are written two digits per division. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[i * 2] = 0x30 + Math.floor(i / 10);
  DIGIT_PAIRS[i * 2 + 1] = 0x30 + (i % 10);
}

/** ASCII bytes of constant text (JSON punctuation and key names), made once at load time. */
export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const TRUE = asciiBytes('true');
const FALSE = asciiBytes('false');

/**
 * The scratch buffer one encode call writes into. Encoding is synchronous, so a single
 * module-level instance serves every call.
 */
export class JsonSink {
  bytes: Uint8Array = new Uint8Array(INITIAL_BYTES);
  /** False while every byte written is ASCII: the text can then be read back as latin1, a plain copy. */
  wroteNonAscii = false;

  /** Starts a new body; returns the position to write at. */
  reset(): number {
    if (this.bytes.length > KEEP_BYTES) this.bytes = new Uint8Array(INITIAL_BYTES);
    this.wroteNonAscii = false;
    return 0;
  }

  /**
   * The buffer, with room for `count` bytes at `position`. It may be a new, larger buffer (holding
   * what was written so far): callers write into what this returns.
   */
  room(position: number, count: number): Uint8Array {
    const bytes = this.bytes;
    if (position + count <= bytes.length) return bytes;
    return this.grow(position, count);
  }

  private grow(position: number, count: number): Uint8Array {
    const needed = position + count;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, position));
    this.bytes = grown;
    return grown;
  }

  /**
   * The slow path of {@link putString}: writes `text` from index `start` at `position` and returns
   * the end. Quotes, backslashes and control characters are escaped; lone surrogates are written
   * as `\udxxx` (as the well-formed `JSON.stringify` does), so the output is always valid UTF-8.
   */
  escapedFrom(text: string, start: number, position: number): number {
    const bytes = this.bytes;
    const length = text.length;
    for (let i = start; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x20 && code < 0x80) {
        if (code === 0x22 || code === 0x5c) bytes[position++] = 0x5c;
        bytes[position++] = code;
        continue;
      }
      if (code < 0x20) {
        position = putControlEscape(bytes, position, code);
        continue;
      }
      this.wroteNonAscii = true;
      if (code < 0x800) {
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
          position = putUnicodeEscape(bytes, position, code);
        }
      }
    }
    return position;
  }

  /** A copy of the first `end` bytes (the scratch buffer is reused by the next call). */
  copy(end: number): Uint8Array {
    return this.bytes.slice(0, end);
  }

  /**
   * The first `end` bytes as a string, in one native call: pure ASCII (the usual case) is read as
   * latin1, a byte-per-character copy into a one-byte string; anything else is UTF-8 decoded.
   */
  text(end: number): string {
    const view = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, end);
    return this.wroteNonAscii ? view.toString('utf8') : view.toString('latin1');
  }
}

/** Room a JSON string of `text` can take: every UTF-16 unit may become a 6-byte `\uXXXX`. */
export function stringRoom(text: string): number {
  return text.length * 6;
}

/** Copies pre-encoded bytes (constants from {@link asciiBytes}, cached encodings). */
export function putBytes(bytes: Uint8Array, position: number, piece: Uint8Array): number {
  const length = piece.length;
  for (let i = 0; i < length; i++) bytes[position++] = piece[i] as number;
  return position;
}

/** Writes text known to be ASCII and to need no escaping (number texts, parsed IP addresses). */
export function putAscii(bytes: Uint8Array, position: number, text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) bytes[position++] = text.charCodeAt(i);
  return position;
}

/**
 * Writes the inside of a JSON string literal for `text` (RFC 8259 §7), UTF-8 encoded, in one
 * pass; needs {@link stringRoom} bytes. Printable ASCII is copied by a tight loop; at the first
 * character that needs more (quote, backslash, control, non-ASCII) the rest goes through
 * {@link JsonSink.escapedFrom}.
 */
export function putString(sink: JsonSink, bytes: Uint8Array, position: number, text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return sink.escapedFrom(text, i, position);
    bytes[position++] = code;
  }
  return position;
}

/** Writes `true` or `false`. */
export function putBoolean(bytes: Uint8Array, position: number, value: boolean): number {
  return putBytes(bytes, position, value ? TRUE : FALSE);
}

/**
 * Writes a non-negative integer below 2^53 in decimal (at most 16 bytes), without making a
 * string of it. Epoch microseconds (16 digits) are split into two parts below 2^32, so every step
 * is integer arithmetic on two digits at a time.
 */
export function putInteger(bytes: Uint8Array, position: number, value: number): number {
  if (value < TWO_POW_32) return putUint32(bytes, position, value);
  const high = Math.floor(value / 1e8);
  return putEightDigits(bytes, putUint32(bytes, position, high), value - high * 1e8);
}

/** Writes a number as `String(value)` spells it (at most {@link NUMBER_ROOM} bytes); safe integers skip the string. */
export function putNumber(bytes: Uint8Array, position: number, value: number): number {
  if (Number.isSafeInteger(value)) {
    if (value >= 0) return putInteger(bytes, position, value); // -0 too: it prints as 0, as String(-0) does
    bytes[position] = 0x2d; // -
    return putInteger(bytes, position + 1, -value);
  }
  // Fractions, exponents, NaN and Infinity: always ASCII with nothing to escape.
  return putAscii(bytes, position, String(value));
}

/** Writes `value` (an integer in 0..2^32-1) at `position`; returns the end. */
function putUint32(bytes: Uint8Array, position: number, value: number): number {
  const end = position + digitCount(value);
  let at = end;
  while (value >= 100) {
    const quotient = Math.floor(value / 100);
    const pair = (value - quotient * 100) * 2;
    bytes[--at] = DIGIT_PAIRS[pair + 1] as number;
    bytes[--at] = DIGIT_PAIRS[pair] as number;
    value = quotient;
  }
  if (value >= 10) {
    bytes[--at] = DIGIT_PAIRS[value * 2 + 1] as number;
    bytes[--at] = DIGIT_PAIRS[value * 2] as number;
  } else {
    bytes[--at] = 0x30 + value;
  }
  return end;
}

/** Writes `value` (0..99999999) as exactly eight digits, zero-padded; returns the end. */
function putEightDigits(bytes: Uint8Array, position: number, value: number): number {
  const high = Math.floor(value / 10000);
  const low = value - high * 10000;
  const a = Math.floor(high / 100) * 2;
  const b = (high % 100) * 2;
  const c = Math.floor(low / 100) * 2;
  const d = (low % 100) * 2;
  bytes[position] = DIGIT_PAIRS[a] as number;
  bytes[position + 1] = DIGIT_PAIRS[a + 1] as number;
  bytes[position + 2] = DIGIT_PAIRS[b] as number;
  bytes[position + 3] = DIGIT_PAIRS[b + 1] as number;
  bytes[position + 4] = DIGIT_PAIRS[c] as number;
  bytes[position + 5] = DIGIT_PAIRS[c + 1] as number;
  bytes[position + 6] = DIGIT_PAIRS[d] as number;
  bytes[position + 7] = DIGIT_PAIRS[d + 1] as number;
  return position + 8;
}

function digitCount(value: number): number {
  if (value < 100000) {
    if (value < 100) return value < 10 ? 1 : 2;
    if (value < 10000) return value < 1000 ? 3 : 4;
    return 5;
  }
  if (value < 10000000) return value < 1000000 ? 6 : 7;
  if (value < 1000000000) return value < 100000000 ? 8 : 9;
  return 10;
}

function putControlEscape(bytes: Uint8Array, position: number, code: number): number {
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
  if (short === 0) return putUnicodeEscape(bytes, position, code);
  bytes[position++] = 0x5c;
  bytes[position++] = short;
  return position;
}

function putUnicodeEscape(bytes: Uint8Array, position: number, code: number): number {
  bytes[position++] = 0x5c;
  bytes[position++] = 0x75; // u
  bytes[position++] = HEX.charCodeAt((code >> 12) & 15);
  bytes[position++] = HEX.charCodeAt((code >> 8) & 15);
  bytes[position++] = HEX.charCodeAt((code >> 4) & 15);
  bytes[position++] = HEX.charCodeAt(code & 15);
  return position;
}
