// OTLP `ExportTraceServiceRequest` in the OTLP/JSON mapping, written directly as UTF-8 bytes into
// one reused buffer: ids as lowercase hex (copied from the span's id words), enums as integers,
// 64-bit integers (times) as decimal strings, lowerCamelCase keys. No per-span strings or objects.
import type { InstrumentationScope, Span, SpanEvent, SpanLink, TagValue } from '@trace/core';
import { JsonBytesWriter, jsonAsciiBytes } from '@trace/core/encoding';
import type { OtelResource } from '@trace/otel-adapter';
import { writeKeyValue } from './attributes-json.js';
import type { EncodedBatch } from './encoded-batch.js';
import { utf8Bytes, writeQuotedNanos } from './json-values.js';
import { type ResourceCatalog, type ResourceGroup, type ScopeGroup, catalogFor, groupSpans } from './resource-catalog.js';
import {
  isFieldTag as isFieldTagExport,
  otelLinkFlags as otelLinkFlagsExport,
  otelSpanFlags as otelSpanFlagsExport,
  otelSpanKind as otelSpanKindExport,
  otelStatusCode as otelStatusCodeExport,
  otelStatusMessage as otelStatusMessageExport,
} from '@trace/otel-adapter';

// The mapping rules are @trace/otel-adapter's, so a span looks the same through the adapter and
// here. Its CommonJS build re-exports through getters: bound once, not read per span (measured on
// the CommonJS build, OTLP JSON of 512 spans, min of 41 runs: 804 µs bound, 853 µs read per call).
const isFieldTag = isFieldTagExport;
const otlpLinkFlags = otelLinkFlagsExport;
const otlpSpanFlags = otelSpanFlagsExport;
const otlpSpanKind = otelSpanKindExport;
const otlpStatusCode = otelStatusCodeExport;
const otlpStatusMessage = otelStatusMessageExport;
// Encoding is synchronous and never re-entered, so every call can share one buffer.
const sharedWriter = new JsonBytesWriter({ initialCapacity: 256 * 1024, maxRetainedCapacity: 8 * 1024 * 1024 });

const BODY_OPEN = jsonAsciiBytes('{"resourceSpans":[');
// `]}` closes a body, a ResourceSpans and a ScopeSpans alike; a span written last needs all three.
const CONTAINER_CLOSE = jsonAsciiBytes(']}');
const CLOSE_ROOM = 3 * CONTAINER_CLOSE.length;
const EMPTY_BODY = jsonAsciiBytes('{"resourceSpans":[]}');
const COMMA = 0x2c;
const ARRAY_CLOSE = 0x5d;
const OBJECT_CLOSE = 0x7d;

const SPAN_TRACE_ID = jsonAsciiBytes('{"traceId":"');
const SPAN_SPAN_ID = jsonAsciiBytes('","spanId":"');
const SPAN_PARENT_ID = jsonAsciiBytes('","parentSpanId":"');
const TRACE_STATE = jsonAsciiBytes(',"traceState":');
const FLAGS = jsonAsciiBytes(',"flags":');
const NAME = jsonAsciiBytes(',"name":');
const END_TIME = jsonAsciiBytes(',"endTimeUnixNano":');
const ATTRIBUTES = jsonAsciiBytes(',"attributes":[');
const DROPPED_ATTRIBUTES = jsonAsciiBytes(',"droppedAttributesCount":');
const EVENTS_OPEN = jsonAsciiBytes('],"events":[');
const DROPPED_EVENTS = jsonAsciiBytes(',"droppedEventsCount":');
const LINKS_OPEN = jsonAsciiBytes(',"links":[');
const DROPPED_LINKS = jsonAsciiBytes(',"droppedLinksCount":');
const STATUS_MESSAGE = jsonAsciiBytes(',"status":{"message":');
const EVENT_TIME = jsonAsciiBytes('{"timeUnixNano":');
const LINK_TRACE_ID = jsonAsciiBytes('{"traceId":');
const LINK_SPAN_ID = jsonAsciiBytes(',"spanId":');

// `","flags":` closes the last id. The flags are written as a number: 1,024 prebuilt
// `","flags":<f>,"name":` runs measured no faster (OTLP JSON of 512 spans, min of 41 runs: 804 µs
// with them, 819 µs without, within noise) and cost their building at first load.
const ID_CLOSE_FLAGS = jsonAsciiBytes('","flags":');
// Runs of fixed text around small fields, built once per value (a handful):
// `,"kind":<k>,"startTimeUnixNano":`; the status (code only) that closes a span.
const KIND_START: Uint8Array[] = [];
for (let kind = 0; kind <= 5; kind++) KIND_START.push(jsonAsciiBytes(`,"kind":${kind},"startTimeUnixNano":`));
const STATUS_CLOSE = [jsonAsciiBytes(',"status":{}}'), jsonAsciiBytes(',"status":{"code":1}}'), jsonAsciiBytes(',"status":{"code":2}}')];
const STATUS_MESSAGE_CLOSE = [jsonAsciiBytes('}}'), jsonAsciiBytes(',"code":1}}'), jsonAsciiBytes(',"code":2}}')];

function writeEvent(writer: JsonBytesWriter, event: SpanEvent): void {
  writer.bytes(EVENT_TIME);
  writeQuotedNanos(writer, event.time);
  writer.bytes(NAME);
  writer.string(event.name);
  writer.bytes(ATTRIBUTES);
  writeAttributeList(writer, event.attributes);
  if (event.droppedAttributesCount > 0) {
    writer.bytes(DROPPED_ATTRIBUTES);
    writer.integer(event.droppedAttributesCount);
  }
  writer.byte(OBJECT_CLOSE);
}

/** The `KeyValue`s of an attribute map and the closing `]` (the `[` is already written). */
function writeAttributeList(writer: JsonBytesWriter, attributes: Readonly<Record<string, TagValue>>): void {
  let first = true;
  for (const key in attributes) {
    if (!first) writer.byte(COMMA);
    first = false;
    writeKeyValue(writer, key, attributes[key] as TagValue);
  }
  writer.byte(ARRAY_CLOSE);
}

function writeLink(writer: JsonBytesWriter, link: SpanLink): void {
  const context = link.context;
  writer.bytes(LINK_TRACE_ID);
  writer.string(context.traceId);
  writer.bytes(LINK_SPAN_ID);
  writer.string(context.spanId);
  if (context.traceState.size > 0) {
    writer.bytes(TRACE_STATE);
    writer.string(context.traceState.serialize());
  }
  writer.bytes(ATTRIBUTES);
  writeAttributeList(writer, link.attributes);
  if (link.droppedAttributesCount > 0) {
    writer.bytes(DROPPED_ATTRIBUTES);
    writer.integer(link.droppedAttributesCount);
  }
  writer.bytes(FLAGS);
  writer.integer(otlpLinkFlags(context));
  writer.byte(OBJECT_CLOSE);
}

/** Writes the OTLP/JSON object of one span. */
function writeSpan(writer: JsonBytesWriter, span: Span): void {
  writer.bytes(SPAN_TRACE_ID);
  span.writeTraceIdHex(writer.room(writer.position, 32), writer.position);
  writer.seek(writer.position + 32);
  writer.bytes(SPAN_SPAN_ID);
  span.writeSpanIdHex(writer.room(writer.position, 16), writer.position);
  writer.seek(writer.position + 16);
  if (span.hasParent) {
    writer.bytes(SPAN_PARENT_ID);
    span.writeParentSpanIdHex(writer.room(writer.position, 16), writer.position);
    writer.seek(writer.position + 16);
  }
  writer.bytes(ID_CLOSE_FLAGS);
  writer.integer(otlpSpanFlags(span));
  writer.bytes(NAME);
  writer.string(span.operationName);
  writer.bytes(KIND_START[otlpSpanKind(span.kind)] as Uint8Array);
  const startTime = span.startTime;
  writeQuotedNanos(writer, startTime);
  writer.bytes(END_TIME);
  writeQuotedNanos(writer, startTime + Math.max(span.duration, 0));
  const traceState = span.traceState;
  if (traceState.size > 0) {
    writer.bytes(TRACE_STATE);
    writer.string(traceState.serialize());
  }
  const statusCode = otlpStatusCode(span);
  const statusMessage = otlpStatusMessage(span, statusCode);
  const tags = span.tags;
  writer.bytes(ATTRIBUTES);
  let first = true;
  for (const key in tags) {
    const value = tags[key] as TagValue;
    if (isFieldTag(key, value, statusMessage)) continue;
    if (!first) writer.byte(COMMA);
    first = false;
    writeKeyValue(writer, key, value);
  }
  const events = span.events;
  if (events.length > 0) {
    writer.bytes(EVENTS_OPEN);
    for (let i = 0; i < events.length; i++) {
      if (i > 0) writer.byte(COMMA);
      writeEvent(writer, events[i] as SpanEvent);
    }
  }
  writer.byte(ARRAY_CLOSE);
  const droppedAttributes = span.droppedAttributesCount;
  if (droppedAttributes > 0) {
    writer.bytes(DROPPED_ATTRIBUTES);
    writer.integer(droppedAttributes);
  }
  const droppedEvents = span.droppedEventsCount;
  if (droppedEvents > 0) {
    writer.bytes(DROPPED_EVENTS);
    writer.integer(droppedEvents);
  }
  const links = span.links;
  if (links.length > 0) {
    writer.bytes(LINKS_OPEN);
    for (let i = 0; i < links.length; i++) {
      if (i > 0) writer.byte(COMMA);
      writeLink(writer, links[i] as SpanLink);
    }
    writer.byte(ARRAY_CLOSE);
  }
  const droppedLinks = span.droppedLinksCount;
  if (droppedLinks > 0) {
    writer.bytes(DROPPED_LINKS);
    writer.integer(droppedLinks);
  }
  if (statusMessage === '') writer.bytes(STATUS_CLOSE[statusCode] as Uint8Array);
  else {
    writer.bytes(STATUS_MESSAGE);
    writer.string(statusMessage);
    writer.bytes(STATUS_MESSAGE_CLOSE[statusCode] as Uint8Array);
  }
}

/** UTF-8 bytes opening a `ScopeSpans`, up to `"spans":[` (once per scope and call). */
function scopeOpen(scope: InstrumentationScope): Uint8Array {
  let text = `{"scope":{"name":${JSON.stringify(scope.name)}`;
  if (scope.version !== undefined && scope.version !== '') text += `,"version":${JSON.stringify(scope.version)}`;
  return utf8Bytes(`${text}},"spans":[`);
}

/**
 * Writes what must precede the next span: a separator, and the resource and scope openings when
 * the span is the first of its resource or scope in this body.
 */
function openContainers(
  writer: JsonBytesWriter,
  inBody: number,
  resourceOpen: boolean,
  scopeOpen: boolean,
  openResource: Uint8Array,
  openScope: Uint8Array,
): void {
  if (scopeOpen) {
    writer.byte(COMMA);
    return;
  }
  if (resourceOpen) writer.byte(COMMA);
  else {
    if (inBody > 0) writer.byte(COMMA);
    writer.bytes(openResource);
  }
  writer.bytes(openScope);
}

/**
 * Encodes spans as OTLP/JSON `ExportTraceServiceRequest` bodies (UTF-8) of at most `maxBytes`
 * bytes each. Each span is written in place and measured by where the buffer ends; a span that
 * overflows is rolled back, the body closed, and the span written again at the top of the next.
 *
 *   [{"resourceSpans":[ {resource…"scopeSpans":[ {scope…"spans":[ span , span , span̶ ]} ]} ]}
 *                                                                ▲ mark: roll back to here
 */
export function encodeTraceJsonBatch(spans: readonly Span[], catalog: ResourceCatalog, maxBytes: number): EncodedBatch<Uint8Array> {
  const batch: EncodedBatch<Uint8Array> = { bodies: [], spanCounts: [], tooLarge: 0 };
  const groups = groupSpans(spans, catalog);
  const limit = maxBytes - CLOSE_ROOM;
  const writer = sharedWriter;
  writer.reset();
  writer.bytes(BODY_OPEN);
  let inBody = 0;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] as ResourceGroup;
    const openResource = group.resource.jsonOpen;
    // Whether this resource / scope is open in the body being written.
    let resourceOpen = false;
    for (let s = 0; s < group.scopes.length; s++) {
      const scoped = group.scopes[s] as ScopeGroup;
      const openScope = scopeOpen(scoped.scope);
      let scopeIsOpen = false;
      const list = scoped.spans;
      for (let i = 0; i < list.length; i++) {
        const span = list[i] as Span;
        const mark = writer.position;
        openContainers(writer, inBody, resourceOpen, scopeIsOpen, openResource, openScope);
        writeSpan(writer, span);
        if (writer.position > limit) {
          writer.seek(mark);
          let placed = false;
          if (inBody > 0) {
            if (scopeIsOpen) writer.bytes(CONTAINER_CLOSE);
            if (resourceOpen) writer.bytes(CONTAINER_CLOSE);
            writer.bytes(CONTAINER_CLOSE);
            batch.bodies.push(writer.finish());
            batch.spanCounts.push(inBody);
            writer.reset();
            writer.bytes(BODY_OPEN);
            inBody = 0;
            resourceOpen = false;
            scopeIsOpen = false;
            const retry = writer.position;
            openContainers(writer, inBody, resourceOpen, scopeIsOpen, openResource, openScope);
            writeSpan(writer, span);
            if (writer.position <= limit) placed = true;
            else writer.seek(retry);
          }
          if (!placed) {
            batch.tooLarge++;
            continue;
          }
        }
        resourceOpen = true;
        scopeIsOpen = true;
        inBody++;
      }
      if (scopeIsOpen) writer.bytes(CONTAINER_CLOSE);
    }
    if (resourceOpen) writer.bytes(CONTAINER_CLOSE);
  }
  if (inBody > 0) {
    writer.bytes(CONTAINER_CLOSE);
    batch.bodies.push(writer.finish());
    batch.spanCounts.push(inBody);
  }
  return batch;
}

/**
 * Encodes finished spans as one OTLP/JSON `ExportTraceServiceRequest`: the UTF-8 body of OTLP/HTTP
 * `application/json`, ready to send (decode it with `TextDecoder` if text is wanted). Spans are
 * grouped by resource and instrumentation scope; no size limit applies.
 */
export function encodeOtlpTraceJson(spans: readonly Span[], resource: OtelResource): Uint8Array {
  const batch = encodeTraceJsonBatch(spans, catalogFor(resource), Number.MAX_SAFE_INTEGER);
  return batch.bodies[0] ?? EMPTY_BODY.slice();
}
