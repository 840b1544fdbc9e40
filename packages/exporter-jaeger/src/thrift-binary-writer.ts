// A TBinaryProtocol writer into one growable buffer. Jaeger's collector reads a bare `Batch`
// struct (no message envelope), so only the struct, field, list and scalar encodings are needed.
//
//   field:  [type:1][id:i16 BE]  value
//   list:   [elemType:1][size:i32 BE]  elements      (size backfilled, so one pass suffices)
//   string: [length:i32 BE][utf-8 bytes]              (length backfilled after encoding)
//   struct: fields...  [STOP:1]
import { ByteBuffer } from '@trace/core/encoding';

/** TBinaryProtocol type bytes (Thrift `TType`). */
export const ThriftType = {
  STOP: 0,
  BOOL: 2,
  DOUBLE: 4,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  LIST: 15,
} as const;

const TWO_POW_32 = 4294967296;
const INITIAL_CAPACITY = 64 * 1024;

const utf8 = new TextEncoder();

/**
 * Big-endian TBinaryProtocol writer over core's reusable {@link ByteBuffer}: one instance serves
 * every batch, so steady-state encoding allocates nothing but the final copy.
 */
export class ThriftBinaryWriter extends ByteBuffer {
  constructor(initialCapacity: number = INITIAL_CAPACITY) {
    super({ initialCapacity });
  }

  fieldHeader(type: number, id: number): void {
    this.ensure(3);
    const buf = this.buf;
    const offset = this.pos;
    buf[offset] = type;
    buf[offset + 1] = id >>> 8;
    buf[offset + 2] = id;
    this.pos = offset + 3;
  }

  fieldStop(): void {
    this.ensure(1);
    this.buf[this.pos++] = ThriftType.STOP;
  }

  /** Writes a list header and returns the offset of its size, for {@link patchListSize}. */
  listHeader(elementType: number, size: number): number {
    this.ensure(5);
    this.buf[this.pos] = elementType;
    const sizeOffset = this.pos + 1;
    this.view.setInt32(sizeOffset, size);
    this.pos += 5;
    return sizeOffset;
  }

  /** Overwrites a list size written by {@link listHeader} once the element count is known. */
  patchListSize(sizeOffset: number, size: number): void {
    this.view.setInt32(sizeOffset, size);
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  i32(value: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, value | 0);
    this.pos += 4;
  }

  /**
   * Writes a safe integer (|value| <= 2^53) as a two's-complement i64. Timestamps in µs and
   * integer tags fit; callers route larger numbers to doubles.
   */
  i64(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_POW_32);
    const low = value - high * TWO_POW_32;
    this.view.setUint32(this.pos, high >>> 0);
    this.view.setUint32(this.pos + 4, low >>> 0);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  /** A Thrift string: i32 byte length, then UTF-8. ASCII takes a copy loop, the rest TextEncoder. */
  string(value: string): void {
    const length = value.length;
    // UTF-16 → UTF-8 is at most 3 bytes per code unit.
    this.ensure(4 + length * 3);
    const buf = this.buf;
    const start = this.pos + 4;
    let offset = start;
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) break;
      buf[offset++] = code;
    }
    if (i < length) {
      const { written } = utf8.encodeInto(i === 0 ? value : value.slice(i), buf.subarray(offset));
      offset += written;
    }
    this.view.setInt32(start - 4, offset - start);
    this.pos = offset;
  }
}
