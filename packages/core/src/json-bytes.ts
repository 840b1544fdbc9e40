// UTF-8 JSON written straight into bytes, shared by the JSON encoders of the exporters. Strings
// are escaped exactly as JSON.stringify escapes them and UTF-8-encoded in the same pass, numbers
// are written as digits without making strings, and constant pieces are copied as prebuilt
// bytes, so a body never exists as a JS string that must be encoded again before sending.
//
// Two ways to drive it, one implementation: `JsonBytesWriter` methods keep the position in the
// writer (simple call sites), and the `putJson*` functions take the buffer and a position and
// return the new position, so an encoder can keep both in locals and ask for room once per part
// instead of once per piece (its per-byte loops then touch no object fields).
import { ByteBuffer, type ByteBufferOptions } from './byte-buffer.js';
import { latin1Text, utf8Text, writeLatin1 } from './platform.js';

const HEX = '0123456789abcdef';
const TWO_POW_32 = 4294967296;
// Prebuilt pieces this long or longer are copied with `set`; shorter ones faster byte by byte.
const SET_THRESHOLD = 16;

// Strings this long or longer are checked by a regular expression and copied by Node's native
// latin1 writer when they need no escaping. Measured: the check and the call cost ~100 ns, the
// JS loop 2.5-4 ns a character (more for a concatenated string, which the loop reads through an
// indirection), so from about 48 characters the native copy wins (2x at 128); a Zipkin batch
// with 85- and 110-character tag values encodes 20% faster.
const NATIVE_STRING_LENGTH = 48;
/** Any character a JSON string cannot copy as one byte: controls, `"`, `\`, DEL and non-ASCII. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/**
 * Strings are made from pieces this long at most. V8 puts a flat string of 128 KiB or more in
 * its large-object space, which costs about 1 ms per 240 KB string here whatever makes it
 * (Buffer#toString, TextDecoder, flattening a concatenation); pieces below that joined by `+`
 * cost ~20 µs, and are what JSON.stringify returns for a large result too.
 */
const TEXT_PIECE_BYTES = 64 * 1024;

/**
 * Bytes {@link putJsonNumber} may write: `-` and 16 digits, or `String(value)` of any other
 * number (at most 25 characters).
 */
export const JSON_NUMBER_ROOM = 32;

/** `00`..`99` as ASCII digit pairs: integers are written two digits per division. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[i * 2] = 0x30 + Math.floor(i / 10);
  DIGIT_PAIRS[i * 2 + 1] = 0x30 + (i % 10);
}

/**
 * The bytes of ASCII text (JSON punctuation, key names), for pieces built once at load time and
 * copied with {@link putJsonBytes} or {@link JsonBytesWriter.bytes}. Only the low byte of each
 * UTF-16 unit is kept, so pass ASCII only; use `TextEncoder` for anything else.
 */
export function jsonAsciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const TRUE = jsonAsciiBytes('true');
const FALSE = jsonAsciiBytes('false');

/** Options of a {@link JsonBytesWriter}: those of its {@link ByteBuffer}. */
export type JsonBytesWriterOptions = ByteBufferOptions;

/**
 * A {@link ByteBuffer} that JSON is written into in one pass, UTF-8 encoded. Encoding is
 * synchronous, so an encoder can keep one module-level writer and {@link reset} it per body;
 * {@link finish} (or {@link text}) copies the result out, because the buffer is reused.
 *
 * String escaping is exactly the well-formed `JSON.stringify`'s: `"`, `\`, `\b \t \n \f \r`, other
 * control characters as `\u00xx`, lone surrogates as `\udxxx` (lowercase hex), so the output is
 * always valid UTF-8 and parses back to the same values.
 *
 * @example
 * const writer = new JsonBytesWriter();
 * writer.reset();
 * writer.bytes(jsonAsciiBytes('{"name":'));
 * writer.string('héllo "you"');
 * writer.byte(0x7d);
 * const body = writer.finish(); // UTF-8 of {"name":"héllo \"you\""}
 */
export class JsonBytesWriter extends ByteBuffer {
  /** False while every byte written is ASCII: {@link text} can then read the bytes as latin1. */
  protected nonAscii = false;

  /** Starts a new body; returns its start position (0) for callers that pass positions. */
  override reset(): number {
    this.nonAscii = false;
    return super.reset();
  }

  /** True when some byte of this body is not ASCII (a string needed UTF-8). */
  get wroteNonAscii(): boolean {
    return this.nonAscii;
  }

  /**
   * The bytes up to `end` (default {@link position}) as a string: latin1 when all were ASCII
   * (the usual case), UTF-8 decoding otherwise. A long body is read in pieces of at most 64 KiB
   * joined together (a UTF-8 piece ends before a continuation byte), so no flat string of 128 KiB
   * or more is made here.
   */
  text(end: number = this.pos): string {
    this.checkEnd(end);
    const bytes = this.buf;
    const read = this.nonAscii ? utf8Text : latin1Text;
    if (end <= TEXT_PIECE_BYTES) return read(bytes, 0, end);
    let text = '';
    let start = 0;
    while (start < end) {
      let stop = Math.min(end, start + TEXT_PIECE_BYTES);
      // Never split a UTF-8 sequence: back up to the byte that starts one (ASCII never moves).
      while (stop < end && stop > start && ((bytes[stop] as number) & 0xc0) === 0x80) stop--;
      text += read(bytes, start, stop);
      start = stop;
    }
    return text;
  }

  /** Copies prebuilt bytes (see {@link putJsonBytes}). */
  bytes(piece: Uint8Array): void {
    this.ensure(piece.length);
    this.pos = putJsonBytes(this.buf, this.pos, piece);
  }

  /** One ASCII byte (a bracket, comma or quote). */
  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** A JSON string literal, quotes included. */
  string(text: string): void {
    this.ensure(jsonStringRoom(text) + 2);
    const buf = this.buf;
    buf[this.pos] = 0x22;
    const end = putJsonString(this, buf, this.pos + 1, text);
    buf[end] = 0x22;
    this.pos = end + 1;
  }

  /** A safe integer in decimal (`-` first when negative; `-0` as `0`). */
  integer(value: number): void {
    this.ensure(17);
    const buf = this.buf;
    let pos = this.pos;
    if (value < 0) {
      buf[pos++] = 0x2d;
      value = -value;
    }
    this.pos = putJsonInteger(buf, pos, value);
  }

  /** A safe integer as a quoted decimal string (how proto3 JSON writes an int64). */
  quotedInteger(value: number): void {
    this.byte(0x22);
    this.integer(value);
    this.byte(0x22);
  }

  /** Any number as `String(value)` spells it (non-finite values too: quote those yourself if needed). */
  number(value: number): void {
    this.ensure(JSON_NUMBER_ROOM);
    this.pos = putJsonNumber(this.buf, this.pos, value);
  }

  /** Text known to be ASCII and to need no escaping (number text, parsed addresses), as is. */
  ascii(text: string): void {
    this.ensure(text.length);
    this.pos = putJsonAscii(this.buf, this.pos, text);
  }
}

/** Room {@link putJsonString} may need for `text`: each UTF-16 unit may become a 6-byte `\uXXXX`. */
export function jsonStringRoom(text: string): number {
  return text.length * 6;
}

/**
 * Copies prebuilt bytes (from {@link jsonAsciiBytes}, cached encodings) at `position`; returns
 * the end. Short pieces by a plain loop, longer ones by `set` (a native copy, whose fixed cost
 * a loop overtakes at about 16 bytes).
 */
export function putJsonBytes(bytes: Uint8Array, position: number, piece: Uint8Array): number {
  const length = piece.length;
  if (length >= SET_THRESHOLD) {
    bytes.set(piece, position);
    return position + length;
  }
  for (let i = 0; i < length; i++) bytes[position++] = piece[i] as number;
  return position;
}

/** Writes text known to be ASCII and to need no escaping at `position`; returns the end. */
export function putJsonAscii(bytes: Uint8Array, position: number, text: string): number {
  const length = text.length;
  for (let i = 0; i < length; i++) bytes[position++] = text.charCodeAt(i);
  return position;
}

/**
 * Writes the inside of a JSON string literal for `text` (no quotes, so callers can merge them
 * into constant pieces), escaped and UTF-8-encoded, at `position` of `bytes`, which must be
 * `writer`'s current buffer with {@link jsonStringRoom} bytes free; returns the end. Printable
 * ASCII is copied by a tight loop; from the first character that needs more, the rest takes the
 * escaping path (which also marks `writer` as holding non-ASCII when it does). Long strings that
 * need no escaping are copied natively instead.
 */
export function putJsonString(writer: JsonBytesWriter, bytes: Uint8Array, position: number, text: string): number {
  const length = text.length;
  if (length >= NATIVE_STRING_LENGTH && !NOT_PLAIN.test(text)) return position + writeLatin1(bytes, text, position);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return putEscapedFrom(writer, bytes, position, text, i);
    bytes[position++] = code;
  }
  return position;
}

/** Writes `true` or `false` at `position`; returns the end. */
export function putJsonBoolean(bytes: Uint8Array, position: number, value: boolean): number {
  return putJsonBytes(bytes, position, value ? TRUE : FALSE);
}

/**
 * Writes a non-negative safe integer in decimal (at most 16 bytes) at `position`; returns the
 * end. Values past 2^32 are split into two parts below 2^32, so every step is integer arithmetic
 * on two digits at a time. Anything else (negative, NaN, Infinity, past 2^53) is written as
 * `String(value)`: wrong for JSON, but the digit loops would never end on Infinity.
 */
export function putJsonInteger(bytes: Uint8Array, position: number, value: number): number {
  if (value >= 0) {
    if (value < TWO_POW_32) return putUint32(bytes, position, value);
    if (value <= Number.MAX_SAFE_INTEGER) {
      const high = Math.floor(value / 1e8);
      return putJsonEightDigits(bytes, putUint32(bytes, position, high), value - high * 1e8);
    }
  }
  return putJsonAscii(bytes, position, String(value));
}

/**
 * Writes a number as `String(value)` spells it (at most {@link JSON_NUMBER_ROOM} bytes) at
 * `position`; returns the end. Safe integers skip making the string.
 */
export function putJsonNumber(bytes: Uint8Array, position: number, value: number): number {
  if (Number.isSafeInteger(value)) {
    if (value >= 0) return putJsonInteger(bytes, position, value); // -0 too: String(-0) is '0'
    bytes[position] = 0x2d;
    return putJsonInteger(bytes, position + 1, -value);
  }
  const end = putShortDecimal(bytes, position, value);
  if (end >= 0) return end;
  // Long fractions, exponents, NaN and Infinity: always ASCII with nothing to escape.
  return putJsonAscii(bytes, position, String(value));
}

/** 10^k for k = 0..6: the decimal places {@link putShortDecimal} tries. */
const POWERS_OF_TEN = [1, 10, 100, 1000, 10000, 100000, 1000000];

/**
 * Writes a fraction with at most 6 decimal places and 15 significant digits (0.75, -3.5,
 * 1234.567) as `String(value)` spells it, with no string made; returns the end, or -1 for any
 * other number. `m / 10^k` is correctly rounded, so when it gives back `value` exactly, the
 * digits of `m` read back as `value`; and two decimals of at most 15 significant digits never
 * read back as the same double, so these digits are the shortest that do, which is what
 * `String` writes. Measured: this, not `String(value)` and a copy, is what a Zipkin tag or OTLP
 * JSON double costs (tools/bench `tricks`).
 */
function putShortDecimal(bytes: Uint8Array, position: number, value: number): number {
  const magnitude = value < 0 ? -value : value;
  if (!(magnitude >= 1e-6 && magnitude < 1e9)) return -1;
  for (let places = 1; places <= 6; places++) {
    const scale = POWERS_OF_TEN[places] as number;
    const scaled = magnitude * scale;
    if (scaled >= 1e15) return -1;
    if (Math.floor(scaled) !== scaled || scaled / scale !== magnitude) continue;
    if (value < 0) bytes[position++] = 0x2d;
    const whole = Math.floor(magnitude);
    let fraction = scaled - whole * scale;
    // Trailing zeros: `scaled` may be exact at more places than the value needs.
    let digits = places;
    while (digits > 1 && fraction % 10 === 0) {
      fraction /= 10;
      digits--;
    }
    position = putUint32(bytes, position, whole);
    bytes[position++] = 0x2e;
    for (let at = position + digits; at > position; ) {
      const quotient = Math.floor(fraction / 10);
      bytes[--at] = 0x30 + (fraction - quotient * 10);
      fraction = quotient;
    }
    return position + digits;
  }
  return -1;
}

/** The escaping path of {@link putJsonString}, from index `start` of `text`. */
function putEscapedFrom(writer: JsonBytesWriter, bytes: Uint8Array, position: number, text: string, start: number): number {
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
    (writer as unknown as { nonAscii: boolean }).nonAscii = true;
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

/** Writes `value` (an integer in 0..2^32-1); returns the end. */
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

/**
 * Writes `value` (0..99999999) as exactly eight digits, zero-padded; returns the end. Two digits
 * a step from the right, as putUint32 does; always four steps, so the zeros pad. (A hand-unrolled
 * version measured no faster: Zipkin JSON of 512 spans, min of 41 runs, 1,325 µs unrolled vs
 * 1,316 µs with this loop.)
 */
export function putJsonEightDigits(bytes: Uint8Array, position: number, value: number): number {
  for (let at = position + 8; at > position; ) {
    const quotient = Math.floor(value / 100);
    const pair = (value - quotient * 100) * 2;
    bytes[--at] = DIGIT_PAIRS[pair + 1] as number;
    bytes[--at] = DIGIT_PAIRS[pair] as number;
    value = quotient;
  }
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

/** A control character's escape, as JSON.stringify writes it: a short form when JSON has one. */
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

/** `\uXXXX` with lowercase hex, as JSON.stringify writes other controls and lone surrogates. */
function putUnicodeEscape(bytes: Uint8Array, position: number, code: number): number {
  bytes[position++] = 0x5c;
  bytes[position++] = 0x75; // u
  bytes[position++] = HEX.charCodeAt((code >> 12) & 15);
  bytes[position++] = HEX.charCodeAt((code >> 8) & 15);
  bytes[position++] = HEX.charCodeAt((code >> 4) & 15);
  bytes[position++] = HEX.charCodeAt(code & 15);
  return position;
}
