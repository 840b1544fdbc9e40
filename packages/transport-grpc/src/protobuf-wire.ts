// The few protobuf wire-format operations this package needs (google.rpc.Status / RetryInfo in
// error trailers, grpc.health.v1 messages), on core's one protobuf reader and writer, so that
// protobufjs stays out of the runtime dependencies. Reads are bounds-checked and return
// `undefined` on malformed input.
import { ProtoReader, ProtoWriter } from '@trace/core/encoding';

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

/** One top-level field of a message: a varint value, or the bytes of a length-delimited value. */
export interface WireField {
  fieldNumber: number;
  wireType: number;
  /** Set for varint fields. Exact up to 2^53; larger values lose precision (fine for delays). */
  varint: number;
  /** Set for length-delimited fields (a view, not a copy). */
  bytes: Uint8Array | undefined;
}

/**
 * Splits a serialized message into its varint and length-delimited top-level fields, in wire
 * order (fixed-width fields are stepped over). Returns `undefined` when the bytes are not a
 * well-formed message (truncated field, unknown wire type).
 */
export function readWireFields(bytes: Uint8Array): WireField[] | undefined {
  const fields: WireField[] = [];
  const reader = new ProtoReader(bytes);
  while (reader.next()) {
    const { fieldNumber, wireType } = reader;
    if (wireType === WIRE_VARINT) fields.push({ fieldNumber, wireType, varint: reader.varint(), bytes: undefined });
    else if (wireType === WIRE_LENGTH_DELIMITED) fields.push({ fieldNumber, wireType, varint: 0, bytes: reader.bytes() });
    else reader.skip();
  }
  return reader.malformed ? undefined : fields;
}

/** Encodes `value` as protobuf string field `fieldNumber` (a message holding only that field). */
export function encodeStringField(fieldNumber: number, value: string): Uint8Array {
  const writer = new ProtoWriter(16 + value.length * 3);
  writer.uint32(fieldNumber * 8 + WIRE_LENGTH_DELIMITED);
  writer.string(value);
  return writer.finish();
}
