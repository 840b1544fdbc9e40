// A Jaeger `Batch` (jaeger.thrift) in TBinaryProtocol, as Jaeger clients POST it to
// /api/traces, to viewer spans. A small reader of our own: the Batch needs structs, lists,
// strings and integers only, and skipping whatever else a newer client adds.
import { jaegerSpanToViewer } from './jaeger-span.js';
import { UNKNOWN_SERVICE, type ViewerAttributeValue, type ViewerAttributes, type ViewerEvent, type ViewerSpan } from './model.js';
import { WireError } from './protobuf-reader.js';

// TBinaryProtocol type ids
const T_STOP = 0;
const T_BOOL = 2;
const T_BYTE = 3;
const T_DOUBLE = 4;
const T_I16 = 6;
const T_I32 = 8;
const T_I64 = 10;
const T_STRING = 11;
const T_STRUCT = 12;
const T_MAP = 13;
const T_SET = 14;
const T_LIST = 15;

/** Nesting deeper than this is not a Jaeger batch; refusing it keeps the stack bounded. */
const MAX_DEPTH = 32;

const DECODER = new TextDecoder('utf-8');

class ThriftReader {
  private position = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  atEnd(): boolean {
    return this.position >= this.bytes.length;
  }

  private need(length: number): void {
    if (length < 0 || length > this.bytes.length - this.position) throw new WireError('truncated thrift message');
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.position++] as number;
  }

  i16(): number {
    this.need(2);
    const value = this.view.getInt16(this.position);
    this.position += 2;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.position);
    this.position += 4;
    return value;
  }

  i64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.position);
    this.position += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.position);
    this.position += 8;
    return value;
  }

  binary(): Uint8Array {
    const length = this.i32();
    this.need(length);
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  string(): string {
    return DECODER.decode(this.binary());
  }

  /** Reads a list header and returns its size, checking the element type. */
  listOf(elementType: number): number {
    const type = this.byte();
    const size = this.i32();
    if (size < 0) throw new WireError('negative list size');
    if (size > 0 && type !== elementType) throw new WireError(`list of type ${type}, expected ${elementType}`);
    return size;
  }

  /** Calls `onField(id, type)` for each field until STOP; `onField` reads the value or returns false to skip it. */
  struct(onField: (id: number, type: number) => boolean, depth: number): void {
    if (depth > MAX_DEPTH) throw new WireError('thrift structs nested too deeply');
    for (;;) {
      const type = this.byte();
      if (type === T_STOP) return;
      const id = this.i16();
      if (!onField(id, type)) this.skip(type, depth + 1);
    }
  }

  skip(type: number, depth: number): void {
    if (depth > MAX_DEPTH) throw new WireError('thrift values nested too deeply');
    switch (type) {
      case T_BOOL:
      case T_BYTE:
        this.need(1);
        this.position += 1;
        return;
      case T_I16:
        this.need(2);
        this.position += 2;
        return;
      case T_I32:
        this.need(4);
        this.position += 4;
        return;
      case T_DOUBLE:
      case T_I64:
        this.need(8);
        this.position += 8;
        return;
      case T_STRING:
        this.binary();
        return;
      case T_STRUCT:
        this.struct(() => false, depth);
        return;
      case T_MAP: {
        const keyType = this.byte();
        const valueType = this.byte();
        const size = this.i32();
        if (size < 0) throw new WireError('negative map size');
        for (let i = 0; i < size; i++) {
          this.skip(keyType, depth + 1);
          this.skip(valueType, depth + 1);
        }
        return;
      }
      case T_SET:
      case T_LIST: {
        const elementType = this.byte();
        const size = this.i32();
        if (size < 0) throw new WireError('negative list size');
        for (let i = 0; i < size; i++) this.skip(elementType, depth + 1);
        return;
      }
      default:
        throw new WireError(`unknown thrift type ${type}`);
    }
  }
}

/** Throws unless a field came with the type the schema gives it. */
function expectType(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new WireError(`${what} has thrift type ${actual}, expected ${expected}`);
}

function idHex(value: bigint): string {
  return BigInt.asUintN(64, value).toString(16).padStart(16, '0');
}

interface RawSpan {
  traceLow: bigint;
  traceHigh: bigint;
  spanId: bigint;
  parentId: bigint;
  name: string;
  references: { type: number; traceLow: bigint; traceHigh: bigint; spanId: bigint }[];
  start: number;
  duration: number;
  tags: ViewerAttributes;
  logs: ViewerEvent[];
}

function readTag(reader: ThriftReader, into: ViewerAttributes, depth: number): void {
  let key = '';
  let value: ViewerAttributeValue = null;
  reader.struct((id, type) => {
    switch (id) {
      case 1:
        expectType(type, T_STRING, 'Tag.key');
        key = reader.string();
        return true;
      case 3:
        expectType(type, T_STRING, 'Tag.vStr');
        value = reader.string();
        return true;
      case 4:
        expectType(type, T_DOUBLE, 'Tag.vDouble');
        value = reader.double();
        return true;
      case 5:
        expectType(type, T_BOOL, 'Tag.vBool');
        value = reader.byte() !== 0;
        return true;
      case 6:
        expectType(type, T_I64, 'Tag.vLong');
        value = Number(reader.i64());
        return true;
      case 7:
        expectType(type, T_STRING, 'Tag.vBinary');
        value = Buffer.from(reader.binary()).toString('base64');
        return true;
      default:
        return false;
    }
  }, depth);
  into[key] = value;
}

function readTags(reader: ThriftReader, type: number, depth: number): ViewerAttributes {
  expectType(type, T_LIST, 'tags');
  const tags: ViewerAttributes = {};
  const size = reader.listOf(T_STRUCT);
  for (let i = 0; i < size; i++) readTag(reader, tags, depth + 1);
  return tags;
}

function readSpan(reader: ThriftReader, depth: number): RawSpan {
  const span: RawSpan = { traceLow: 0n, traceHigh: 0n, spanId: 0n, parentId: 0n, name: '', references: [], start: 0, duration: 0, tags: {}, logs: [] };
  reader.struct((id, type) => {
    switch (id) {
      case 1:
        expectType(type, T_I64, 'Span.traceIdLow');
        span.traceLow = reader.i64();
        return true;
      case 2:
        expectType(type, T_I64, 'Span.traceIdHigh');
        span.traceHigh = reader.i64();
        return true;
      case 3:
        expectType(type, T_I64, 'Span.spanId');
        span.spanId = reader.i64();
        return true;
      case 4:
        expectType(type, T_I64, 'Span.parentSpanId');
        span.parentId = reader.i64();
        return true;
      case 5:
        expectType(type, T_STRING, 'Span.operationName');
        span.name = reader.string();
        return true;
      case 6: {
        expectType(type, T_LIST, 'Span.references');
        const size = reader.listOf(T_STRUCT);
        for (let i = 0; i < size; i++) {
          const reference = { type: 0, traceLow: 0n, traceHigh: 0n, spanId: 0n };
          reader.struct((refId, refType) => {
            if (refId === 1 && refType === T_I32) reference.type = reader.i32();
            else if (refId === 2 && refType === T_I64) reference.traceLow = reader.i64();
            else if (refId === 3 && refType === T_I64) reference.traceHigh = reader.i64();
            else if (refId === 4 && refType === T_I64) reference.spanId = reader.i64();
            else return false;
            return true;
          }, depth + 1);
          span.references.push(reference);
        }
        return true;
      }
      case 8:
        expectType(type, T_I64, 'Span.startTime');
        span.start = Number(reader.i64());
        return true;
      case 9:
        expectType(type, T_I64, 'Span.duration');
        span.duration = Number(reader.i64());
        return true;
      case 10:
        span.tags = readTags(reader, type, depth);
        return true;
      case 11: {
        expectType(type, T_LIST, 'Span.logs');
        const size = reader.listOf(T_STRUCT);
        for (let i = 0; i < size; i++) {
          const log: ViewerEvent = { timeMicros: 0, name: '', attributes: {} };
          reader.struct((logId, logType) => {
            if (logId === 1 && logType === T_I64) log.timeMicros = Number(reader.i64());
            else if (logId === 2) log.attributes = readTags(reader, logType, depth + 1);
            else return false;
            return true;
          }, depth + 1);
          // OpenTracing logs name themselves with an `event` field
          const name = log.attributes.event;
          if (typeof name === 'string') {
            log.name = name;
            delete log.attributes.event;
          } else log.name = 'log';
          span.logs.push(log);
        }
        return true;
      }
      default:
        return false;
    }
  }, depth);
  return span;
}

/** Decodes a TBinaryProtocol Jaeger `Batch`. Throws {@link WireError} on a malformed body. */
export function decodeJaegerThrift(body: Uint8Array): ViewerSpan[] {
  const reader = new ThriftReader(body);
  let service = UNKNOWN_SERVICE;
  let processTags: ViewerAttributes = {};
  const rawSpans: RawSpan[] = [];
  let sawSpans = false;
  reader.struct((id, type) => {
    if (id === 1) {
      expectType(type, T_STRUCT, 'Batch.process');
      reader.struct((processId, processType) => {
        if (processId === 1 && processType === T_STRING) service = reader.string() || UNKNOWN_SERVICE;
        else if (processId === 2) processTags = readTags(reader, processType, 2);
        else return false;
        return true;
      }, 1);
      return true;
    }
    if (id === 2) {
      expectType(type, T_LIST, 'Batch.spans');
      sawSpans = true;
      const size = reader.listOf(T_STRUCT);
      for (let i = 0; i < size; i++) rawSpans.push(readSpan(reader, 2));
      return true;
    }
    return false;
  }, 0);
  if (!reader.atEnd()) throw new WireError('bytes after the end of the batch');
  if (!sawSpans) throw new WireError('batch without spans');
  const resource: ViewerAttributes = { 'service.name': service, ...processTags };
  return rawSpans.map((raw) => {
    if (raw.spanId === 0n || (raw.traceLow === 0n && raw.traceHigh === 0n)) throw new WireError('span without a trace id or span id');
    return jaegerSpanToViewer(
      {
        traceId: idHex(raw.traceHigh) + idHex(raw.traceLow),
        spanId: idHex(raw.spanId),
        parentId: raw.parentId === 0n ? undefined : idHex(raw.parentId),
        name: raw.name,
        references: raw.references.map((reference) => ({
          type: reference.type,
          traceId: idHex(reference.traceHigh) + idHex(reference.traceLow),
          spanId: idHex(reference.spanId),
        })),
        startMicros: raw.start,
        durationMicros: raw.duration,
        tags: raw.tags,
        logs: raw.logs,
      },
      service,
      resource,
    );
  });
}
