// The few protobuf wire-format operations this package needs (google.rpc.Status / RetryInfo in
// error trailers, grpc.health.v1 messages). Written by hand so that protobufjs stays out of the
// runtime dependencies; every read is bounds-checked and returns `undefined` on malformed input.

/** Wire types of the protobuf encoding (https://protobuf.dev/programming-guides/encoding/). */
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** One top-level field of a message: a varint value, or the bytes of a length-delimited value. */
export interface WireField {
  fieldNumber: number;
  wireType: number;
  /** Set for varint fields. Exact up to 2^53; larger values lose precision (fine for delays). */
  varint: number;
  /** Set for length-delimited fields (a view, not a copy). */
  bytes: Uint8Array | undefined;
}

/** Reads a varint at `offset`; returns `[value, nextOffset]`, or `undefined` when truncated. */
function readVarint(bytes: Uint8Array, offset: number): [number, number] | undefined {
  let value = 0;
  let multiplier = 1;
  // A varint is at most 10 bytes; multiplication (not shifts) keeps values above 2^32 intact.
  for (let index = 0; index < 10; index++) {
    const position = offset + index;
    if (position >= bytes.length) return undefined;
    const byte = bytes[position] as number;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return [value, position + 1];
    multiplier *= 128;
  }
  return undefined;
}

/**
 * Splits a serialized message into its top-level fields, in wire order. Returns `undefined` when
 * the bytes are not a well-formed message (truncated field, unknown wire type).
 */
export function readWireFields(bytes: Uint8Array): WireField[] | undefined {
  const fields: WireField[] = [];
  let offset = 0;
  // Each iteration consumes at least one byte, so the loop is bounded by the input length.
  while (offset < bytes.length) {
    const key = readVarint(bytes, offset);
    if (key === undefined) return undefined;
    offset = key[1];
    const fieldNumber = Math.floor(key[0] / 8);
    const wireType = key[0] % 8;
    if (fieldNumber === 0) return undefined;
    if (wireType === WIRE_VARINT) {
      const value = readVarint(bytes, offset);
      if (value === undefined) return undefined;
      fields.push({ fieldNumber, wireType, varint: value[0], bytes: undefined });
      offset = value[1];
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(bytes, offset);
      if (length === undefined) return undefined;
      const start = length[1];
      const end = start + length[0];
      if (end > bytes.length) return undefined;
      fields.push({ fieldNumber, wireType, varint: 0, bytes: bytes.subarray(start, end) });
      offset = end;
    } else if (wireType === WIRE_FIXED64) {
      offset += 8;
      if (offset > bytes.length) return undefined;
    } else if (wireType === WIRE_FIXED32) {
      offset += 4;
      if (offset > bytes.length) return undefined;
    } else {
      return undefined;
    }
  }
  return fields;
}

/** Encodes `value` as protobuf string field `fieldNumber` (a message holding only that field). */
export function encodeStringField(fieldNumber: number, value: string): Uint8Array {
  const text = Buffer.from(value, 'utf8');
  const header: number[] = [];
  let key = fieldNumber * 8 + WIRE_LENGTH_DELIMITED;
  while (key >= 0x80) {
    header.push((key & 0x7f) | 0x80);
    key = Math.floor(key / 128);
  }
  header.push(key);
  let length = text.length;
  while (length >= 0x80) {
    header.push((length & 0x7f) | 0x80);
    length = Math.floor(length / 128);
  }
  header.push(length);
  const out = new Uint8Array(header.length + text.length);
  out.set(header, 0);
  out.set(text, header.length);
  return out;
}
