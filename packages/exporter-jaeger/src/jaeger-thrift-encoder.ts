// Span → Jaeger Thrift `Batch` (jaeger-idl thrift/jaeger.thrift) in TBinaryProtocol, in one pass
// over each span into a reused buffer.
import type { Span, TagValue, Tags } from '@trace/core';
import { writeHexBytes } from '@trace/core/encoding';
import type { JaegerProcess } from './jaeger-process.js';
import { STATUS_CODE_TAG, STATUS_DESCRIPTION_TAG, STATUS_ERROR, isStatusTag, jaegerStatusOf } from './jaeger-status.js';
import { ThriftBinaryWriter, ThriftType } from './thrift-binary-writer.js';

// jaeger.thrift enums.
const TAG_STRING = 0;
const TAG_DOUBLE = 1;
const TAG_BOOL = 2;
const TAG_LONG = 3;
const REF_CHILD_OF = 0;
const REF_FOLLOWS_FROM = 1;

const FALLBACK_SERVICE_NAME = 'unknown_service:node';

// One writer per process: encoding is synchronous, so calls never interleave.
const writer = new ThriftBinaryWriter();

/**
 * Encodes spans as a Jaeger Thrift `Batch` (TBinaryProtocol), the body of
 * `POST /api/traces` with `Content-Type: application/x-thrift`.
 *
 * A Thrift batch has one process: its service name is `process.serviceName` when given, else the
 * first span's. Spans of other services belong in another batch (the exporter splits them).
 */
export function encodeJaegerThriftBatch(spans: readonly Span[], process?: JaegerProcess): Uint8Array {
  writer.reset();
  // Batch.process (1)
  writer.fieldHeader(ThriftType.STRUCT, 1);
  writer.fieldHeader(ThriftType.STRING, 1);
  writer.string(process?.serviceName ?? spans[0]?.serviceName ?? FALLBACK_SERVICE_NAME);
  const processTags = process?.tags;
  if (processTags !== undefined) {
    writer.fieldHeader(ThriftType.LIST, 2);
    writeTagList(processTags);
  }
  writer.fieldStop();
  // Batch.spans (2)
  writer.fieldHeader(ThriftType.LIST, 2);
  writer.listHeader(ThriftType.STRUCT, spans.length);
  for (let i = 0; i < spans.length; i++) writeSpan(spans[i] as Span);
  writer.fieldStop();
  return writer.finish();
}

/**
 * The trace id as two i64 fields, high (`highField`) then low (`lowField`): the 16 id bytes are
 * high then low, so they are written in one go and the low half slid over for its field header.
 */
function writeTraceIdFields(span: Span, highField: number, lowField: number): void {
  writer.fieldHeader(ThriftType.I64, highField);
  const at = writer.position;
  const buffer = writer.room(at, 19);
  span.writeTraceId(buffer, at);
  buffer.copyWithin(at + 11, at + 8, at + 16);
  buffer[at + 8] = ThriftType.I64;
  buffer[at + 9] = 0;
  buffer[at + 10] = lowField;
  writer.seek(at + 19);
}

function writeSpan(span: Span): void {
  writeTraceIdFields(span, 2, 1); // Span.traceIdHigh, Span.traceIdLow

  writer.fieldHeader(ThriftType.I64, 3);
  span.writeSpanId(writer.room(writer.position, 8), writer.position);
  writer.seek(writer.position + 8);

  writer.fieldHeader(ThriftType.I64, 4);
  span.writeParentSpanId(writer.room(writer.position, 8), writer.position);
  writer.seek(writer.position + 8);

  writer.fieldHeader(ThriftType.STRING, 5);
  writer.string(span.operationName);

  const links = span.links;
  const hasParent = span.hasParent;
  if (hasParent || links.length > 0) {
    writer.fieldHeader(ThriftType.LIST, 6);
    writer.listHeader(ThriftType.STRUCT, links.length + (hasParent ? 1 : 0));
    if (hasParent) {
      writer.fieldHeader(ThriftType.I32, 1);
      writer.i32(REF_CHILD_OF);
      writeTraceIdFields(span, 3, 2); // SpanRef.traceIdHigh, SpanRef.traceIdLow
      writer.fieldHeader(ThriftType.I64, 4);
      span.writeParentSpanId(writer.room(writer.position, 8), writer.position);
      writer.seek(writer.position + 8);
      writer.fieldStop();
    }
    for (let i = 0; i < links.length; i++) {
      const context = (links[i] as Span['links'][number]).context;
      writer.fieldHeader(ThriftType.I32, 1);
      writer.i32(REF_FOLLOWS_FROM);
      const traceId = context.traceId;
      writer.fieldHeader(ThriftType.I64, 3);
      writeHexBytes(writer.room(writer.position, 8), writer.position, traceId, 0, 8);
      writer.seek(writer.position + 8);
      writer.fieldHeader(ThriftType.I64, 2);
      writeHexBytes(writer.room(writer.position, 8), writer.position, traceId, 16, 8);
      writer.seek(writer.position + 8);
      writer.fieldHeader(ThriftType.I64, 4);
      writeHexBytes(writer.room(writer.position, 8), writer.position, context.spanId, 0, 8);
      writer.seek(writer.position + 8);
      writer.fieldStop();
    }
  }

  writer.fieldHeader(ThriftType.I32, 7);
  writer.i32(span.sampled ? 1 : 0);
  writer.fieldHeader(ThriftType.I64, 8);
  writer.i64(Math.round(span.startTime));
  writer.fieldHeader(ThriftType.I64, 9);
  writer.i64(Math.max(0, Math.round(span.duration)));

  writer.fieldHeader(ThriftType.LIST, 10);
  writeSpanTags(span);

  const events = span.events;
  if (events.length > 0) {
    writer.fieldHeader(ThriftType.LIST, 11);
    writer.listHeader(ThriftType.STRUCT, events.length);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as Span['events'][number];
      writer.fieldHeader(ThriftType.I64, 1);
      writer.i64(Math.round(event.time));
      writer.fieldHeader(ThriftType.LIST, 2);
      const sizeAt = writer.listHeader(ThriftType.STRUCT, 0);
      writeStringTag('event', event.name);
      writer.patchListSize(sizeAt, 1 + writeTags(event.attributes, 'event', undefined));
      writer.fieldStop();
    }
  }
  writer.fieldStop();
}

/**
 * The span's tags plus the derived `span.kind`, `error`, `error.message` and status tags
 * (`otel.status_code`, `otel.status_description`: OpenTelemetry's mapping to Jaeger).
 */
function writeSpanTags(span: Span): void {
  const sizeAt = writer.listHeader(ThriftType.STRUCT, 0);
  const status = jaegerStatusOf(span);
  const isError = status.code === STATUS_ERROR;
  const tags = span.tags;
  // Derived tags replace same-named user tags instead of duplicating them.
  let count = writeTags(tags, 'span.kind', isError ? 'error' : undefined, isError, status.code !== undefined);
  if (span.kind !== 'internal') {
    writeStringTag('span.kind', span.kind);
    count++;
  }
  if (isError) {
    writeBoolTag('error', true);
    count++;
    if (status.description !== undefined) {
      writeTag('error.message', status.description);
      count++;
    }
  }
  if (status.code !== undefined) {
    writeStringTag(STATUS_CODE_TAG, status.code);
    count++;
    if (status.description !== undefined) {
      writeTag(STATUS_DESCRIPTION_TAG, status.description);
      count++;
    }
  }
  writer.patchListSize(sizeAt, count);
}

/** Writes `tags` as a list of `Tag` (header included). */
function writeTagList(tags: Readonly<Tags>): void {
  const sizeAt = writer.listHeader(ThriftType.STRUCT, 0);
  writer.patchListSize(sizeAt, writeTags(tags, undefined, undefined));
}

/**
 * Writes each tag of `tags` as a `Tag` list element, skipping the keys `skip` and `skipAlso`
 * (and `error.message` when `skipErrorMessage`, the status tags when `skipStatus`). Returns how
 * many were written.
 */
function writeTags(tags: Readonly<Tags>, skip: string | undefined, skipAlso: string | undefined, skipErrorMessage = false, skipStatus = false): number {
  let count = 0;
  for (const key in tags) {
    if (key === skip || key === skipAlso || (skipErrorMessage && key === 'error.message') || (skipStatus && isStatusTag(key))) continue;
    writeTag(key, tags[key] as TagValue);
    count++;
  }
  return count;
}

function writeTag(key: string, value: TagValue): void {
  switch (typeof value) {
    case 'string':
      writeStringTag(key, value);
      return;
    case 'boolean':
      writeBoolTag(key, value);
      return;
    case 'number':
      writer.fieldHeader(ThriftType.STRING, 1);
      writer.string(key);
      writer.fieldHeader(ThriftType.I32, 2);
      if (Number.isSafeInteger(value)) {
        writer.i32(TAG_LONG);
        writer.fieldHeader(ThriftType.I64, 6);
        writer.i64(value);
      } else {
        writer.i32(TAG_DOUBLE);
        writer.fieldHeader(ThriftType.DOUBLE, 4);
        writer.double(value);
      }
      writer.fieldStop();
      return;
    default:
      // Jaeger has no array type: arrays travel as their JSON text.
      writeStringTag(key, JSON.stringify(value));
  }
}

function writeStringTag(key: string, value: string): void {
  writer.fieldHeader(ThriftType.STRING, 1);
  writer.string(key);
  writer.fieldHeader(ThriftType.I32, 2);
  writer.i32(TAG_STRING);
  writer.fieldHeader(ThriftType.STRING, 3);
  writer.string(value);
  writer.fieldStop();
}

function writeBoolTag(key: string, value: boolean): void {
  writer.fieldHeader(ThriftType.STRING, 1);
  writer.string(key);
  writer.fieldHeader(ThriftType.I32, 2);
  writer.i32(TAG_BOOL);
  writer.fieldHeader(ThriftType.BOOL, 5);
  writer.bool(value);
  writer.fieldStop();
}
