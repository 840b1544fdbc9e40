// A growable protobuf output buffer written in one pass. Nested messages reserve room for their
// length prefix up front and patch it when they close, so nothing is measured twice:
//
//   begin(reserve)                       end(start, reserve)
//   [tag][len?.. reserved ..][ body ... ][ next field ...
//         ▲ start                        ▲ pos: body length known now; if its varint needs
//                                          more or fewer bytes than reserved, the body moves.
import { ByteBuffer } from '@trace/core/encoding';

const INITIAL_CAPACITY = 64 * 1024;
const TWO_POW_32 = 4_294_967_296;
// Strings longer than this go through TextEncoder; shorter ones are faster by hand.
const ENCODE_INTO_THRESHOLD = 64;

const textEncoder = new TextEncoder();

/** Bytes a varint of the unsigned 32-bit `value` takes. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * Single-pass protobuf writer over core's reusable {@link ByteBuffer}. It knows wire types, not messages: the
 * OTLP encoders drive it field by field, so there is no reflection and no generated code.
 */
export class ProtoWriter extends ByteBuffer {
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

  /** int64 as varint, two's complement for negatives (the `int_value` of an AnyValue). */
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
    const start = this.pos;
    let pos = start + reserved;
    const buf = this.buf;
    if (length > ENCODE_INTO_THRESHOLD) {
      pos += textEncoder.encodeInto(value, buf.subarray(pos)).written;
    } else {
      for (let i = 0; i < length; i++) {
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
    }
    this.pos = pos;
    this.end(start, reserved);
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
