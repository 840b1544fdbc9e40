// Span → `jaeger.api_v2.PostSpansRequest` (jaeger-idl proto/api_v2/collector.proto + model.proto)
// with core's ProtoWriter: hand-written field order, no reflection, no generated code.
import type { Span, TagValue, Tags } from '@trace/core';
import { ProtoWriter, writeHexBytes } from '@trace/core/encoding';
import type { JaegerProcess } from './jaeger-process.js';
import { STATUS_CODE_TAG, STATUS_DESCRIPTION_TAG, STATUS_ERROR, isStatusTag, jaegerStatusOf } from './jaeger-status.js';

type Writer = ProtoWriter;

// Field keys: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
const REQUEST_BATCH = (1 << 3) | 2;
const BATCH_SPANS = (1 << 3) | 2;
const BATCH_PROCESS = (2 << 3) | 2;
const SPAN_TRACE_ID = (1 << 3) | 2;
const SPAN_SPAN_ID = (2 << 3) | 2;
const SPAN_OPERATION_NAME = (3 << 3) | 2;
const SPAN_REFERENCES = (4 << 3) | 2;
const SPAN_FLAGS = (5 << 3) | 0;
const SPAN_START_TIME = (6 << 3) | 2;
const SPAN_DURATION = (7 << 3) | 2;
const SPAN_TAGS = (8 << 3) | 2;
const SPAN_LOGS = (9 << 3) | 2;
const SPAN_PROCESS = (10 << 3) | 2;
const REF_TRACE_ID = (1 << 3) | 2;
const REF_SPAN_ID = (2 << 3) | 2;
const REF_TYPE = (3 << 3) | 0;
const KV_KEY = (1 << 3) | 2;
const KV_TYPE = (2 << 3) | 0;
const KV_STR = (3 << 3) | 2;
const KV_BOOL = (4 << 3) | 0;
const KV_INT64 = (5 << 3) | 0;
const KV_FLOAT64 = (6 << 3) | 1;
const LOG_TIMESTAMP = (1 << 3) | 2;
const LOG_FIELDS = (2 << 3) | 2;
const PROCESS_SERVICE_NAME = (1 << 3) | 2;
const PROCESS_TAGS = (2 << 3) | 2;
const TIME_SECONDS = (1 << 3) | 0;
const TIME_NANOS = (2 << 3) | 0;

// model.proto enums (STRING and CHILD_OF are 0, the proto3 default, so never written).
const VALUE_BOOL = 1;
const VALUE_INT64 = 2;
const VALUE_FLOAT64 = 3;
const REF_FOLLOWS_FROM = 1;

const FALLBACK_SERVICE_NAME = 'unknown_service:node';

// Encoding is synchronous: one writer, made on first use, serves every call.
let sharedWriter: ProtoWriter | undefined;

/**
 * Encodes spans as a Jaeger gRPC `PostSpansRequest{batch}`, the request of
 * `jaeger.api_v2.CollectorService/PostSpans`.
 *
 * The batch's process takes `process.serviceName`, else the first span's service name. Without a
 * `serviceName` override, a span of another service carries its own `Span.process`, so one request
 * holds any mix of services.
 */
export function encodeJaegerProtoPostSpans(spans: readonly Span[], process?: JaegerProcess): Uint8Array {
  sharedWriter ??= new ProtoWriter();
  const writer = sharedWriter;
  writer.reset();
  const override = process?.serviceName;
  const batchService = override ?? spans[0]?.serviceName ?? FALLBACK_SERVICE_NAME;
  const processTags = process?.tags;
  writer.uint32(REQUEST_BATCH);
  // A batch of many spans is past 16 KiB: a three-byte length (a wrong guess only moves bytes).
  const batchStart = writer.begin(3);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as Span;
    writer.uint32(BATCH_SPANS);
    const spanStart = writer.begin(2);
    writeSpan(writer, span);
    if (override === undefined && span.serviceName !== batchService) {
      writer.uint32(SPAN_PROCESS);
      const processStart = writer.begin(2);
      writeProcess(writer, span.serviceName, processTags);
      writer.end(processStart, 2);
    }
    writer.end(spanStart, 2);
  }
  writer.uint32(BATCH_PROCESS);
  const processStart = writer.begin(2);
  writeProcess(writer, batchService, processTags);
  writer.end(processStart, 2);
  writer.end(batchStart, 3);
  return writer.finish();
}

function writeProcess(writer: Writer, serviceName: string, tags: Readonly<Tags> | undefined): void {
  writer.uint32(PROCESS_SERVICE_NAME);
  writer.string(serviceName);
  if (tags !== undefined) writeKeyValues(writer, PROCESS_TAGS, tags, undefined, undefined, false);
}

/** Writes a length-prefixed id field from the span's id words (`write` copies them at a position). */
function writeIdField(writer: Writer, key: number, length: number, span: Span, write: (this: Span, target: Uint8Array, offset: number) => void): void {
  const at = writer.position;
  const buf = writer.room(at, 2 + length);
  buf[at] = key;
  buf[at + 1] = length;
  write.call(span, buf, at + 2);
  writer.seek(at + 2 + length);
}

/** Writes a length-prefixed id field from hex text (link contexts keep their ids as hex). */
function writeHexIdField(writer: Writer, key: number, hex: string, length: number): void {
  const at = writer.position;
  const buf = writer.room(at, 2 + length);
  buf[at] = key;
  buf[at + 1] = length;
  writeHexBytes(buf, at + 2, hex, 0, length);
  writer.seek(at + 2 + length);
}

function writeSpan(writer: Writer, span: Span): void {
  writeIdField(writer, SPAN_TRACE_ID, 16, span, span.writeTraceId);
  writeIdField(writer, SPAN_SPAN_ID, 8, span, span.writeSpanId);
  writer.uint32(SPAN_OPERATION_NAME);
  writer.string(span.operationName);

  if (span.hasParent) {
    writer.uint32(SPAN_REFERENCES);
    const start = writer.begin(1);
    writeIdField(writer, REF_TRACE_ID, 16, span, span.writeTraceId);
    writeIdField(writer, REF_SPAN_ID, 8, span, span.writeParentSpanId);
    writer.end(start, 1);
  }
  const links = span.links;
  for (let i = 0; i < links.length; i++) {
    const context = (links[i] as Span['links'][number]).context;
    writer.uint32(SPAN_REFERENCES);
    const start = writer.begin(1);
    writeHexIdField(writer, REF_TRACE_ID, context.traceId, 16);
    writeHexIdField(writer, REF_SPAN_ID, context.spanId, 8);
    writer.varintField(REF_TYPE, REF_FOLLOWS_FROM);
    writer.end(start, 1);
  }

  if (span.sampled) writer.varintField(SPAN_FLAGS, 1);
  writer.uint32(SPAN_START_TIME);
  let start = writer.begin(1);
  writeMicros(writer, span.startTime);
  writer.end(start, 1);
  writer.uint32(SPAN_DURATION);
  start = writer.begin(1);
  writeMicros(writer, Math.max(0, span.duration));
  writer.end(start, 1);

  const status = jaegerStatusOf(span);
  const isError = status.code === STATUS_ERROR;
  const tags = span.tags;
  // Derived tags replace same-named user tags instead of duplicating them.
  writeKeyValues(writer, SPAN_TAGS, tags, 'span.kind', isError ? 'error' : undefined, isError, status.code !== undefined);
  if (span.kind !== 'internal') writeKeyValue(writer, SPAN_TAGS, 'span.kind', span.kind);
  if (isError) {
    writeKeyValue(writer, SPAN_TAGS, 'error', true);
    if (status.description !== undefined) writeKeyValue(writer, SPAN_TAGS, 'error.message', status.description);
  }
  if (status.code !== undefined) {
    writeKeyValue(writer, SPAN_TAGS, STATUS_CODE_TAG, status.code);
    if (status.description !== undefined) writeKeyValue(writer, SPAN_TAGS, STATUS_DESCRIPTION_TAG, status.description);
  }

  const events = span.events;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as Span['events'][number];
    writer.uint32(SPAN_LOGS);
    const logStart = writer.begin(1);
    writer.uint32(LOG_TIMESTAMP);
    const timeStart = writer.begin(1);
    writeMicros(writer, event.time);
    writer.end(timeStart, 1);
    writeKeyValue(writer, LOG_FIELDS, 'event', event.name);
    writeKeyValues(writer, LOG_FIELDS, event.attributes, 'event', undefined, false);
    writer.end(logStart, 1);
  }
}

/** Writes epoch (or duration) microseconds as a `Timestamp`/`Duration` body: seconds + nanos. */
function writeMicros(writer: Writer, micros: number): void {
  let seconds = Math.floor(micros / 1e6);
  let nanos = Math.round((micros - seconds * 1e6) * 1000);
  if (nanos >= 1e9) {
    seconds++;
    nanos -= 1e9;
  }
  if (seconds !== 0) {
    writer.uint32(TIME_SECONDS);
    writer.int64(seconds);
  }
  if (nanos !== 0) {
    writer.uint32(TIME_NANOS);
    writer.int32(nanos);
  }
}

function writeKeyValues(
  writer: Writer,
  fieldKey: number,
  tags: Readonly<Tags>,
  skip: string | undefined,
  skipAlso: string | undefined,
  skipErrorMessage: boolean,
  skipStatus = false,
): void {
  for (const key in tags) {
    if (key === skip || key === skipAlso || (skipErrorMessage && key === 'error.message') || (skipStatus && isStatusTag(key))) continue;
    writeKeyValue(writer, fieldKey, key, tags[key] as TagValue);
  }
}

function writeKeyValue(writer: Writer, fieldKey: number, key: string, value: TagValue): void {
  writer.uint32(fieldKey);
  const start = writer.begin(1);
  writer.uint32(KV_KEY);
  writer.string(key);
  switch (typeof value) {
    case 'string':
      writer.uint32(KV_STR);
      writer.string(value);
      break;
    case 'boolean':
      writer.varintField(KV_TYPE, VALUE_BOOL);
      writer.varintField(KV_BOOL, value ? 1 : 0);
      break;
    case 'number':
      if (Number.isSafeInteger(value)) {
        writer.varintField(KV_TYPE, VALUE_INT64);
        writer.uint32(KV_INT64);
        writer.int64(value);
      } else {
        writer.varintField(KV_TYPE, VALUE_FLOAT64);
        writer.uint32(KV_FLOAT64);
        writer.double(value);
      }
      break;
    default:
      // Jaeger has no array type: arrays travel as their JSON text.
      writer.uint32(KV_STR);
      writer.string(JSON.stringify(value));
  }
  writer.end(start, 1);
}
