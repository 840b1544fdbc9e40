// The protobuf writer every encoder uses (OTLP, Zipkin protobuf, Jaeger gRPC, the gRPC transport's
// own small messages): a growable output buffer written in one pass. Nested messages reserve room for their
// length prefix up front and patch it when they close, so nothing is measured twice:
//
//   begin(reserve)                       end(start, reserve)
//   [tag][len?.. reserved ..][ body ... ][ next field ...
//         ▲ start                        ▲ pos: body length known now; if its varint needs
//                                          more or fewer bytes than reserved, the body moves.
import { ByteBuffer } from './byte-buffer.js';
import { writeLatin1 } from './platform.js';

const INITIAL_CAPACITY = 64 * 1024;
const TWO_POW_32 = 4_294_967_296;
// Strings longer than this are copied natively (latin1 when ASCII, TextEncoder otherwise);
// shorter ones are faster by hand.
const NATIVE_STRING_LENGTH = 64;
/** Any character that is not ASCII. */
const NOT_ASCII = /[\u0080-\uffff]/;

const textEncoder = new TextEncoder();

/**
 * UTF-8 of `value` from index `from` at `position` of `buf` (which has 3 bytes of room per
 * character); returns the end. Lone surrogates become U+FFFD, as TextEncoder writes them.
 */
function putUtf8From(buf: Uint8Array, position: number, value: string, from: number): number {
  const length = value.length;
  let pos = position;
  for (let i = from; i < length; i++) {
    let code = value.charCodeAt(i);
    if (code < 0x80) {
      buf[pos++] = code;
    } else if (code < 0x800) {
      buf[pos++] = 0xc0 | (code >> 6);
      buf[pos++] = 0x80 | (code & 0x3f);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[pos++] = 0xf0 | (code >> 18);
          buf[pos++] = 0x80 | ((code >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
          buf[pos++] = 0x80 | (code & 0x3f);
          continue;
        }
        code = 0xfffd;
      }
      buf[pos++] = 0xe0 | (code >> 12);
      buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
      buf[pos++] = 0x80 | (code & 0x3f);
    }
  }
  return pos;
}

/** Bytes a varint of the unsigned 32-bit `value` takes. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * Single-pass protobuf writer over a reusable {@link ByteBuffer}. It knows wire types, not
 * messages: an encoder drives it field by field (field keys are `(number << 3) | wireType`), so
 * there is no reflection, no generated code and no object per field.
 *
 * Nested messages: `const start = writer.begin(reserve)` before the body and
 * `writer.end(start, reserve)` after it, where `reserve` is the number of bytes the body's length
 * is expected to take (1 below 128 bytes, 2 below 16 KiB, 3 below 2 MiB); a wrong guess costs a
 * move of the body, never a wrong byte.
 *
 * @example
 * const writer = new ProtoWriter();
 * writer.reset();
 * writer.uint32(0x0a); // field 1, length-delimited
 * const start = writer.begin(1);
 * writer.uint32(0x0a);
 * writer.string('checkout');
 * writer.end(start, 1);
 * const body = writer.finish();
 */
export class ProtoWriter extends ByteBuffer {
  /** @param initialCapacity bytes allocated up front (default 64 KiB); the buffer grows as needed. */
  constructor(initialCapacity: number = INITIAL_CAPACITY) {
    super({ initialCapacity });
  }

  /** Writes one byte; the caller has ensured room. Used for single-byte tags. */
  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  /** Unsigned 32-bit varint (also tags and lengths). */
  uint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** A varint field: tag byte(s) then value. `tag` must be below 128. */
  varintField(tag: number, value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = tag;
    this.uint32(value);
  }

  /**
   * A safe integer as an int64 / uint64 varint: two's complement (10 bytes) for negatives, as
   * protobuf writes an `int64`; a non-negative value is the same bytes as a `uint64`.
   */
  int64(value: number): void {
    let high = Math.floor(value / TWO_POW_32);
    let low = value - high * TWO_POW_32;
    high >>>= 0;
    low >>>= 0;
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (high !== 0 || low > 0x7f) {
      buf[pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[pos++] = low;
    this.pos = pos;
  }

  /** An int32 varint: a negative value takes 10 bytes, as protobuf sign-extends it. */
  int32(value: number): void {
    if (value >= 0) this.uint32(value);
    else this.int64(value);
  }

  /** A boolean as a varint (1 or 0). */
  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  /** Little-endian fixed32 (a `fixed32` / `sfixed32` field value). */
  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  /** fixed64 from its two 32-bit halves. */
  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, low >>> 0, true);
    this.view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  /** A non-negative safe integer (epoch microseconds, say) as a little-endian fixed64. */
  fixed64Number(value: number): void {
    this.fixed64(value >>> 0, Math.floor(value / TWO_POW_32) >>> 0);
  }

  /** Little-endian IEEE 754 double. */
  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Raw bytes with their length prefix. */
  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Raw bytes, no prefix (a pre-encoded message body). */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Length-prefixed UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
  string(value: string): void {
    const length = value.length;
    // ASCII needs exactly `length` bytes: reserve that prefix and fix it up only when not ASCII.
    const reserved = varintSize(length);
    this.ensure(reserved + length * 3);
    const buf = this.buf;
    const start = this.pos;
    let pos = start + reserved;
    if (length > NATIVE_STRING_LENGTH) {
      if (NOT_ASCII.test(value)) {
        this.pos = pos + textEncoder.encodeInto(value, buf.subarray(pos)).written;
        this.end(start, reserved);
        return;
      }
      pos += writeLatin1(buf, value, pos);
    } else {
      for (let i = 0; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) {
          this.pos = putUtf8From(buf, pos, value, i);
          this.end(start, reserved);
          return;
        }
        buf[pos++] = code;
      }
    }
    // All ASCII: the length is `length`, in exactly the bytes reserved for it.
    let at = start;
    let rest = length;
    while (rest > 0x7f) {
      buf[at++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buf[at] = rest;
    this.pos = pos;
  }

  /** Starts a length-delimited body, reserving `reserve` bytes for its length; returns its start. */
  begin(reserve: number): number {
    this.ensure(reserve);
    const start = this.pos;
    this.pos += reserve;
    return start;
  }

  /** Closes the body started at `start`: writes its length, moving the body if the guess was off. */
  end(start: number, reserve: number): void {
    const length = this.pos - start - reserve;
    const size = varintSize(length);
    if (size !== reserve) {
      if (size > reserve) this.ensure(size - reserve);
      this.buf.copyWithin(start + size, start + reserve, this.pos);
      this.pos += size - reserve;
    }
    const buf = this.buf;
    let pos = start;
    let value = length;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos] = value;
  }
}
