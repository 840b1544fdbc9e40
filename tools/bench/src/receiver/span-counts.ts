// Counting the spans in a request body, one function per wire format, so every end-to-end figure
// is checked against what actually arrived. Each walks the format's framing only as deep as the
// span list; a body that does not parse throws, and the receiver counts it as an error.

/** Reads a protobuf varint at `position`; returns the value (up to 2^53) and the next position. */
function readVarint(body: Uint8Array, position: number): [number, number] {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 10; i++) {
    if (position >= body.length) throw new Error('truncated varint');
    const byte = body[position++] as number;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return [value, position];
    multiplier *= 128;
  }
  throw new Error('varint longer than 10 bytes');
}

/** Calls `visit(start, end)` for every length-delimited field `wanted` in body[start, end). */
function eachField(body: Uint8Array, start: number, end: number, wanted: number, visit: (start: number, end: number) => void): void {
  let position = start;
  while (position < end) {
    const [tag, afterTag] = readVarint(body, position);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    position = afterTag;
    if (wireType === 0) position = readVarint(body, position)[1];
    else if (wireType === 1) position += 8;
    else if (wireType === 5) position += 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(body, position);
      if (afterLength + length > end) throw new Error('field runs past its message');
      if (field === wanted) visit(afterLength, afterLength + length);
      position = afterLength + length;
    } else throw new Error(`unsupported wire type ${wireType}`);
  }
  if (position !== end) throw new Error('message ends inside a field');
}

/** OTLP `ExportTraceServiceRequest`: resource_spans (1) → scope_spans (2) → spans (2). */
export function countOtlpProtobufSpans(body: Uint8Array): number {
  let spans = 0;
  eachField(body, 0, body.length, 1, (resourceStart, resourceEnd) => {
    eachField(body, resourceStart, resourceEnd, 2, (scopeStart, scopeEnd) => {
      eachField(body, scopeStart, scopeEnd, 2, () => {
        spans++;
      });
    });
  });
  return spans;
}

/** Zipkin v2 JSON: one array of spans. */
export function countZipkinJsonSpans(body: Uint8Array): number {
  const parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error('Zipkin body is not a JSON array');
  return parsed.length;
}

// Thrift binary protocol type ids.
const T_STOP = 0;
const T_STRUCT = 12;
const T_MAP = 13;
const T_SET = 14;
const T_LIST = 15;
const FIXED_SIZE: Readonly<Record<number, number>> = { 2: 1, 3: 1, 4: 8, 6: 2, 8: 4, 10: 8 };
const MAX_DEPTH = 32;

class ThriftReader {
  position = 0;
  constructor(private readonly body: Uint8Array) {}

  byte(): number {
    if (this.position + 1 > this.body.length) throw new Error('truncated Thrift body');
    return this.body[this.position++] as number;
  }

  int16(): number {
    return (this.byte() << 8) | this.byte();
  }

  int32(): number {
    const value = ((this.byte() << 24) | (this.byte() << 16) | (this.byte() << 8) | this.byte()) >> 0;
    if (value < 0) throw new Error('negative Thrift size');
    return value;
  }

  skip(type: number, depth: number): void {
    if (depth > MAX_DEPTH) throw new Error('Thrift nesting too deep');
    const fixed = FIXED_SIZE[type];
    if (fixed !== undefined) {
      this.advance(fixed);
      return;
    }
    if (type === 11) {
      this.advance(this.int32());
      return;
    }
    if (type === T_STRUCT) {
      for (let fieldType = this.byte(); fieldType !== T_STOP; fieldType = this.byte()) {
        this.int16();
        this.skip(fieldType, depth + 1);
      }
      return;
    }
    if (type === T_MAP) {
      const keyType = this.byte();
      const valueType = this.byte();
      const size = this.int32();
      for (let i = 0; i < size; i++) {
        this.skip(keyType, depth + 1);
        this.skip(valueType, depth + 1);
      }
      return;
    }
    if (type === T_SET || type === T_LIST) {
      const elementType = this.byte();
      const size = this.int32();
      for (let i = 0; i < size; i++) this.skip(elementType, depth + 1);
      return;
    }
    throw new Error(`unknown Thrift type ${type}`);
  }

  private advance(bytes: number): void {
    if (this.position + bytes > this.body.length) throw new Error('truncated Thrift body');
    this.position += bytes;
  }
}

/** Jaeger Thrift `Batch` (binary protocol): the size of its `spans` list (field 2), each span walked. */
export function countJaegerThriftSpans(body: Uint8Array): number {
  const reader = new ThriftReader(body);
  let spans = 0;
  for (let fieldType = reader.byte(); fieldType !== T_STOP; fieldType = reader.byte()) {
    const id = reader.int16();
    if (id === 2 && fieldType === T_LIST) {
      const elementType = reader.byte();
      const size = reader.int32();
      if (elementType !== T_STRUCT) throw new Error('Batch.spans is not a list of structs');
      for (let i = 0; i < size; i++) reader.skip(T_STRUCT, 1);
      spans += size;
    } else reader.skip(fieldType, 1);
  }
  if (reader.position !== body.length) throw new Error('bytes after the Batch struct');
  return spans;
}

export type WireFormat = 'otlp-protobuf' | 'zipkin-json' | 'jaeger-thrift';

export const SPAN_COUNTERS: Readonly<Record<WireFormat, (body: Uint8Array) => number>> = {
  'otlp-protobuf': countOtlpProtobufSpans,
  'zipkin-json': countZipkinJsonSpans,
  'jaeger-thrift': countJaegerThriftSpans,
};
