// OTLP `ExportTraceServiceRequest` (collector/trace/v1/trace_service.proto) in protobuf, written
// field by field in one pass. Ids are copied as bytes straight from the span's id words, times
// go in as fixed64 halves, and resources are copied pre-encoded.
//
//   ExportTraceServiceRequest
//     1 resource_spans ─ ResourceSpans { 1 resource, 3 schema_url, 2 scope_spans ─ ScopeSpans {
//                                          1 scope, 2 spans ─ Span ... } }
import type { InstrumentationScope, Span, SpanEvent, SpanLink, TagValue } from '@trace/core';
import { writeHexBytes } from '@trace/core/encoding';
import type { OtelResource } from '@trace/otel-adapter';
import { writeAttributes, writeKeyValue } from './attributes-protobuf.js';
import type { EncodedBatch } from './encoded-batch.js';
import { ProtoWriter } from '@trace/core/encoding';
import { type EncodedResource, type ResourceCatalog, type ResourceGroup, type ScopeGroup, catalogFor, groupSpans } from './resource-catalog.js';
import {
  isFieldTag as isFieldTagExport,
  otelLinkFlags as otelLinkFlagsExport,
  otelSpanFlags as otelSpanFlagsExport,
  otelSpanKind as otelSpanKindExport,
  otelStatusCode as otelStatusCodeExport,
  otelStatusMessage as otelStatusMessageExport,
} from '@trace/otel-adapter';
import { microsToNanosWords } from './unix-nanos.js';

// Room left for container length prefixes that may grow by a byte when they close.
const CLOSE_MARGIN = 8;
// Span flags: field 16, wire type 5 (fixed32) → tag 133, a two-byte varint.
const SPAN_FLAGS_TAG = 133;

const nanos = new Uint32Array(2);
// The mapping rules are @trace/otel-adapter's, so a span looks the same through the adapter and
// here. Its CommonJS build re-exports through getters: bound once, not read per span (what
// that buys is measured on the JSON encoder, trace-json.ts: about 6 % of an encode).
const isFieldTag = isFieldTagExport;
const otlpLinkFlags = otelLinkFlagsExport;
const otlpSpanFlags = otelSpanFlagsExport;
const otlpSpanKind = otelSpanKindExport;
const otlpStatusCode = otelStatusCodeExport;
const otlpStatusMessage = otelStatusMessageExport;

/** Writes a length-prefixed byte field from a hex id (link contexts keep their ids as hex). */
function writeHexIdField(writer: ProtoWriter, tag: number, hex: string, byteLength: number): void {
  const at = writer.position;
  const buf = writer.room(at, 2 + byteLength);
  buf[at] = tag;
  buf[at + 1] = byteLength;
  writeHexBytes(buf, at + 2, hex, 0, byteLength);
  writer.seek(at + 2 + byteLength);
}

function writeTime(writer: ProtoWriter, tag: number, micros: number): void {
  microsToNanosWords(micros, nanos);
  writer.uint32(tag);
  writer.fixed64(nanos[0] as number, nanos[1] as number);
}

function writeEvent(writer: ProtoWriter, event: SpanEvent): void {
  writer.uint32(0x5a);
  const start = writer.begin(1);
  writeTime(writer, 0x09, event.time);
  writer.uint32(0x12);
  writer.string(event.name);
  writeAttributes(writer, 0x1a, event.attributes);
  if (event.droppedAttributesCount > 0) writer.varintField(0x20, event.droppedAttributesCount);
  writer.end(start, 1);
}

function writeLink(writer: ProtoWriter, link: SpanLink): void {
  const context = link.context;
  writer.uint32(0x6a);
  const start = writer.begin(1);
  writeHexIdField(writer, 0x0a, context.traceId, 16);
  writeHexIdField(writer, 0x12, context.spanId, 8);
  if (context.traceState.size > 0) {
    writer.uint32(0x1a);
    writer.string(context.traceState.serialize());
  }
  writeAttributes(writer, 0x22, link.attributes);
  if (link.droppedAttributesCount > 0) writer.varintField(0x28, link.droppedAttributesCount);
  writer.uint32(0x35);
  writer.fixed32(otlpLinkFlags(context));
  writer.end(start, 1);
}

/** Writes one `Span` as field 2 of a `ScopeSpans`. */
export function writeSpan(writer: ProtoWriter, span: Span): void {
  writer.uint32(0x12);
  const start = writer.begin(2);
  let pos = writer.position;
  const buf = writer.room(pos, 36);
  buf[pos++] = 0x0a;
  buf[pos++] = 16;
  span.writeTraceId(buf, pos);
  pos += 16;
  buf[pos++] = 0x12;
  buf[pos++] = 8;
  span.writeSpanId(buf, pos);
  pos += 8;
  if (span.hasParent) {
    buf[pos++] = 0x22;
    buf[pos++] = 8;
    span.writeParentSpanId(buf, pos);
    pos += 8;
  }
  writer.seek(pos);
  if (span.traceState.size > 0) {
    writer.uint32(0x1a);
    writer.string(span.traceState.serialize());
  }
  writer.uint32(0x2a);
  writer.string(span.operationName);
  writer.varintField(0x30, otlpSpanKind(span.kind));
  writeTime(writer, 0x39, span.startTime);
  writeTime(writer, 0x41, span.startTime + Math.max(span.duration, 0));
  const statusCode = otlpStatusCode(span);
  const statusMessage = otlpStatusMessage(span, statusCode);
  const tags = span.tags;
  for (const key in tags) {
    const value = tags[key] as TagValue;
    if (isFieldTag(key, value, statusMessage)) continue;
    writeKeyValue(writer, 0x4a, key, value);
  }
  if (span.droppedAttributesCount > 0) writer.varintField(0x50, span.droppedAttributesCount);
  const events = span.events;
  for (let i = 0; i < events.length; i++) writeEvent(writer, events[i] as SpanEvent);
  if (span.droppedEventsCount > 0) writer.varintField(0x60, span.droppedEventsCount);
  const links = span.links;
  for (let i = 0; i < links.length; i++) writeLink(writer, links[i] as SpanLink);
  if (span.droppedLinksCount > 0) writer.varintField(0x70, span.droppedLinksCount);
  // Status is always present (possibly empty), so protobuf and JSON bodies decode alike.
  writer.uint32(0x7a);
  const statusStart = writer.begin(1);
  if (statusMessage !== '') {
    writer.uint32(0x12);
    writer.string(statusMessage);
  }
  if (statusCode !== 0) writer.varintField(0x18, statusCode);
  writer.end(statusStart, 1);
  writer.uint32(SPAN_FLAGS_TAG);
  writer.fixed32(otlpSpanFlags(span));
  writer.end(start, 2);
}

function writeScope(writer: ProtoWriter, scope: InstrumentationScope): void {
  writer.uint32(0x0a);
  const start = writer.begin(1);
  if (scope.name !== '') {
    writer.uint32(0x0a);
    writer.string(scope.name);
  }
  if (scope.version !== undefined && scope.version !== '') {
    writer.uint32(0x12);
    writer.string(scope.version);
  }
  writer.end(start, 1);
}

/** Open containers of the body being written: where each starts (mark) and its body (start). */
interface Open {
  resourceMark: number;
  resourceStart: number;
  scopeMark: number;
  scopeStart: number;
}

function openResource(writer: ProtoWriter, resource: EncodedResource, open: Open): void {
  open.resourceMark = writer.position;
  writer.uint32(0x0a);
  open.resourceStart = writer.begin(3);
  writer.uint32(0x0a);
  writer.bytes(resource.protobuf);
  if (resource.schemaUrl !== '') {
    writer.uint32(0x1a);
    writer.string(resource.schemaUrl);
  }
}

function openScope(writer: ProtoWriter, scope: InstrumentationScope, open: Open): void {
  open.scopeMark = writer.position;
  writer.uint32(0x12);
  open.scopeStart = writer.begin(3);
  writeScope(writer, scope);
}

/**
 * Encodes spans as `ExportTraceServiceRequest` bodies of at most `maxBytes` bytes each, in one
 * pass: a span that would overflow the current body closes it and opens the next with the same
 * resource and scope; a span too large to travel alone is left out and counted. Bodies are
 * copies, except the last one with `lastBodyInPlace`.
 */
export function encodeTraceProtobufBatch(
  writer: ProtoWriter,
  spans: readonly Span[],
  catalog: ResourceCatalog,
  maxBytes: number,
  lastBodyInPlace = false,
): EncodedBatch<Uint8Array> {
  const batch: EncodedBatch<Uint8Array> = { bodies: [], spanCounts: [], tooLarge: 0 };
  const groups = groupSpans(spans, catalog);
  const open: Open = { resourceMark: 0, resourceStart: 0, scopeMark: 0, scopeStart: 0 };
  const limit = maxBytes - CLOSE_MARGIN;
  writer.reset();
  let inBody = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] as ResourceGroup;
    let inResource = 0;
    openResource(writer, group.resource, open);
    for (let s = 0; s < group.scopes.length; s++) {
      const scoped = group.scopes[s] as ScopeGroup;
      let inScope = 0;
      openScope(writer, scoped.scope, open);
      const list = scoped.spans;
      for (let i = 0; i < list.length; i++) {
        const span = list[i] as Span;
        const mark = writer.position;
        writeSpan(writer, span);
        if (writer.position <= limit) {
          inScope++;
          continue;
        }
        writer.seek(mark);
        if (inBody + inResource + inScope > 0) {
          // Close this body and carry on in a fresh one under the same resource and scope.
          if (inScope > 0) writer.end(open.scopeStart, 3);
          else writer.seek(open.scopeMark);
          if (inResource + inScope > 0) writer.end(open.resourceStart, 3);
          else writer.seek(open.resourceMark);
          batch.bodies.push(writer.finish());
          batch.spanCounts.push(inBody + inResource + inScope);
          writer.reset();
          inBody = 0;
          inResource = 0;
          inScope = 0;
          openResource(writer, group.resource, open);
          openScope(writer, scoped.scope, open);
          const retryMark = writer.position;
          writeSpan(writer, span);
          if (writer.position <= limit) {
            inScope = 1;
            continue;
          }
          writer.seek(retryMark);
        }
        batch.tooLarge++;
      }
      // A scope none of whose spans landed in this body is taken back out.
      if (inScope > 0) writer.end(open.scopeStart, 3);
      else writer.seek(open.scopeMark);
      inResource += inScope;
    }
    if (inResource > 0) writer.end(open.resourceStart, 3);
    else writer.seek(open.resourceMark);
    inBody += inResource;
  }
  if (inBody > 0) {
    // In place: a view of the writer's buffer, for a caller that sends it before the writer's next use.
    batch.bodies.push(lastBodyInPlace ? writer.written() : writer.finish());
    batch.spanCounts.push(inBody);
  }
  return batch;
}

const sharedWriter = new ProtoWriter();

/**
 * Encodes finished spans as one OTLP `ExportTraceServiceRequest` in protobuf (the body of
 * OTLP/HTTP `application/x-protobuf` and of OTLP/gRPC `TraceService/Export`), grouped by resource
 * and instrumentation scope. No size limit applies.
 */
export function encodeOtlpTraceProtobuf(spans: readonly Span[], resource: OtelResource): Uint8Array {
  const batch = encodeTraceProtobufBatch(sharedWriter, spans, catalogFor(resource), Number.MAX_SAFE_INTEGER);
  return batch.bodies[0] ?? new Uint8Array(0);
}
