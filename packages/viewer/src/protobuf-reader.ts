// A small reader of the protobuf wire format: just what decoding OTLP and Zipkin messages needs
// (varints, fixed64/32, length-delimited fields, skipping what we do not know). It never throws
// past its caller's try: every read checks the bounds and throws a WireError that decoders turn
// into a 400.

/** A body that is not a valid message. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/**
 * Reads one message (or a nested one, by {@link ProtobufReader.sub}). Use:
 *
 *   while (reader.more()) { const tag = reader.tag(); switch (tag >>> 3) { ... default: reader.skip(tag & 7) } }
 */
export class ProtobufReader {
  private readonly bytes: Uint8Array;
  private position: number;
  private readonly end: number;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.position = start;
    this.end = end;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  more(): boolean {
    return this.position < this.end;
  }

  /** The next field's tag: field number `<< 3 |` wire type. */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw new WireError('field number 0');
    return tag;
  }

  /** A varint that fits 32 bits (longer ones keep their low 32 bits, as protobuf does). */
  uint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.end) throw new WireError('truncated varint');
      const byte = this.bytes[this.position++] as number;
      if (shift < 32) result |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result >>> 0;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A varint as a bigint (int64/uint64 fields), unsigned. */
  uint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.end) throw new WireError('truncated varint');
      const byte = this.bytes[this.position++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** An int64 varint as a signed number (unsafe magnitudes lose precision). */
  int64(): number {
    return Number(BigInt.asIntN(64, this.uint64()));
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.position, true);
    this.position += 8;
    return value;
  }

  fixed32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  /** The bytes of a length-delimited field (a view, not a copy). */
  bytesField(): Uint8Array {
    const length = this.uint32();
    this.need(length);
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  string(): string {
    return DECODER.decode(this.bytesField());
  }

  /** A reader over the embedded message of a length-delimited field. */
  sub(): ProtobufReader {
    const length = this.uint32();
    this.need(length);
    const reader = new ProtobufReader(this.bytes, this.position, this.position + length);
    this.position += length;
    return reader;
  }

  /** Skips a field of wire type `wireType`. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.uint64();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.position += 8;
        return;
      case WIRE_LENGTH_DELIMITED: {
        const length = this.uint32();
        this.need(length);
        this.position += length;
        return;
      }
      case WIRE_FIXED32:
        this.need(4);
        this.position += 4;
        return;
      default:
        throw new WireError(`unsupported wire type ${wireType}`);
    }
  }

  /** Throws unless the field was sent with `expected` wire type. */
  static expect(tag: number, expected: number): void {
    if ((tag & 7) !== expected) throw new WireError(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${expected}`);
  }

  private need(length: number): void {
    if (length > this.end - this.position) throw new WireError('truncated message');
  }
}

const DECODER = new TextDecoder('utf-8');

/** Epoch nanoseconds (a fixed64) as epoch microseconds, keeping sub-µs digits as a fraction. */
export function nanosToMicros(nanos: bigint): number {
  return Number(nanos / 1000n) + Number(nanos % 1000n) / 1000;
}
