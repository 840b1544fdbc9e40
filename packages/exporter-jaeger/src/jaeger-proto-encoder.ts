// Span → `jaeger.api_v2.PostSpansRequest` (jaeger-idl proto/api_v2/collector.proto + model.proto)
// with protobufjs's minimal Writer: hand-written field order, no reflection, no generated code.
import type { Span, TagValue, Tags } from '@trace/core';
import { writeHexBytes } from '@trace/core/encoding';
import protobuf from 'protobufjs/minimal.js';
import type { JaegerProcess } from './jaeger-process.js';
import { STATUS_CODE_TAG, STATUS_DESCRIPTION_TAG, STATUS_ERROR, isStatusTag, jaegerStatusOf } from './jaeger-status.js';

type Writer = protobuf.Writer;

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

/**
 * Encodes spans as a Jaeger gRPC `PostSpansRequest{batch}`, the request of
 * `jaeger.api_v2.CollectorService/PostSpans`.
 *
 * The batch's process takes `process.serviceName`, else the first span's service name. Without a
 * `serviceName` override, a span of another service carries its own `Span.process`, so one request
 * holds any mix of services.
 */
export function encodeJaegerProtoPostSpans(spans: readonly Span[], process?: JaegerProcess): Uint8Array {
  const writer = protobuf.Writer.create();
  const override = process?.serviceName;
  const batchService = override ?? spans[0]?.serviceName ?? FALLBACK_SERVICE_NAME;
  const processTags = process?.tags;
  writer.uint32(REQUEST_BATCH).fork();
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as Span;
    writer.uint32(BATCH_SPANS).fork();
    writeSpan(writer, span);
    if (override === undefined && span.serviceName !== batchService) {
      writer.uint32(SPAN_PROCESS).fork();
      writeProcess(writer, span.serviceName, processTags);
      writer.ldelim();
    }
    writer.ldelim();
  }
  writer.uint32(BATCH_PROCESS).fork();
  writeProcess(writer, batchService, processTags);
  writer.ldelim();
  writer.ldelim();
  return writer.finish();
}

function writeProcess(writer: Writer, serviceName: string, tags: Readonly<Tags> | undefined): void {
  writer.uint32(PROCESS_SERVICE_NAME).string(serviceName);
  if (tags !== undefined) writeKeyValues(writer, PROCESS_TAGS, tags, undefined, undefined, false);
}

function writeSpan(writer: Writer, span: Span): void {
  // The Writer keeps a reference to byte arrays until finish(), so each id needs its own array.
  const traceId = new Uint8Array(16);
  span.writeTraceId(traceId, 0);
  const spanId = new Uint8Array(8);
  span.writeSpanId(spanId, 0);
  writer.uint32(SPAN_TRACE_ID).bytes(traceId);
  writer.uint32(SPAN_SPAN_ID).bytes(spanId);
  writer.uint32(SPAN_OPERATION_NAME).string(span.operationName);

  if (span.hasParent) {
    const parentId = new Uint8Array(8);
    span.writeParentSpanId(parentId, 0);
    writer.uint32(SPAN_REFERENCES).fork();
    writer.uint32(REF_TRACE_ID).bytes(traceId);
    writer.uint32(REF_SPAN_ID).bytes(parentId);
    writer.ldelim();
  }
  const links = span.links;
  for (let i = 0; i < links.length; i++) {
    const context = (links[i] as Span['links'][number]).context;
    const linkTraceId = new Uint8Array(16);
    writeHexBytes(linkTraceId, 0, context.traceId, 0, 16);
    const linkSpanId = new Uint8Array(8);
    writeHexBytes(linkSpanId, 0, context.spanId, 0, 8);
    writer.uint32(SPAN_REFERENCES).fork();
    writer.uint32(REF_TRACE_ID).bytes(linkTraceId);
    writer.uint32(REF_SPAN_ID).bytes(linkSpanId);
    writer.uint32(REF_TYPE).uint32(REF_FOLLOWS_FROM);
    writer.ldelim();
  }

  if (span.sampled) writer.uint32(SPAN_FLAGS).uint32(1);
  writer.uint32(SPAN_START_TIME).fork();
  writeMicros(writer, span.startTime);
  writer.ldelim();
  writer.uint32(SPAN_DURATION).fork();
  writeMicros(writer, Math.max(0, span.duration));
  writer.ldelim();

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
    writer.uint32(SPAN_LOGS).fork();
    writer.uint32(LOG_TIMESTAMP).fork();
    writeMicros(writer, event.time);
    writer.ldelim();
    writeKeyValue(writer, LOG_FIELDS, 'event', event.name);
    writeKeyValues(writer, LOG_FIELDS, event.attributes, 'event', undefined, false);
    writer.ldelim();
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
  if (seconds !== 0) writer.uint32(TIME_SECONDS).int64(seconds);
  if (nanos !== 0) writer.uint32(TIME_NANOS).int32(nanos);
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
  writer.uint32(fieldKey).fork();
  writer.uint32(KV_KEY).string(key);
  switch (typeof value) {
    case 'string':
      writer.uint32(KV_STR).string(value);
      break;
    case 'boolean':
      writer.uint32(KV_TYPE).uint32(VALUE_BOOL);
      writer.uint32(KV_BOOL).bool(value);
      break;
    case 'number':
      if (Number.isSafeInteger(value)) {
        writer.uint32(KV_TYPE).uint32(VALUE_INT64);
        writer.uint32(KV_INT64).int64(value);
      } else {
        writer.uint32(KV_TYPE).uint32(VALUE_FLOAT64);
        writer.uint32(KV_FLOAT64).double(value);
      }
      break;
    default:
      // Jaeger has no array type: arrays travel as their JSON text.
      writer.uint32(KV_STR).string(JSON.stringify(value));
  }
  writer.ldelim();
}
