// OTLP `ExportTraceServiceRequest` in the OTLP/JSON mapping, written directly as UTF-8 bytes into
// one reused buffer: ids as lowercase hex (copied from the span's id words), enums as integers,
// 64-bit integers (times) as decimal strings, lowerCamelCase keys. No per-span strings or objects.
import type { InstrumentationScope, Span, SpanEvent, SpanLink, TagValue } from '@trace/core';
import type { OtelResource } from '@trace/otel-adapter';
import { writeKeyValue } from './attributes-json.js';
import type { EncodedBatch } from './encoded-batch.js';
import { JsonWriter, fragment, utf8Bytes } from './json-writer.js';
import { type ResourceCatalog, type ResourceGroup, type ScopeGroup, catalogFor, groupSpans } from './resource-catalog.js';
import { StatusScratch, isFieldTag, otlpLinkFlags, otlpSpanFlags, otlpSpanKind } from './span-mapping.js';

const status = new StatusScratch();
// Encoding is synchronous and never re-entered, so every call can share one buffer.
const sharedWriter = new JsonWriter();

const BODY_OPEN = fragment('{"resourceSpans":[');
// `]}` closes a body, a ResourceSpans and a ScopeSpans alike; a span written last needs all three.
const CONTAINER_CLOSE = fragment(']}');
const CLOSE_ROOM = 3 * CONTAINER_CLOSE.length;
const EMPTY_BODY = fragment('{"resourceSpans":[]}');
const COMMA = 0x2c;
const ARRAY_CLOSE = 0x5d;
const OBJECT_CLOSE = 0x7d;

const SPAN_TRACE_ID = fragment('{"traceId":"');
const SPAN_SPAN_ID = fragment('","spanId":"');
const SPAN_PARENT_ID = fragment('","parentSpanId":"');
const TRACE_STATE = fragment(',"traceState":');
const FLAGS = fragment(',"flags":');
const NAME = fragment(',"name":');
const END_TIME = fragment(',"endTimeUnixNano":');
const ATTRIBUTES = fragment(',"attributes":[');
const DROPPED_ATTRIBUTES = fragment(',"droppedAttributesCount":');
const EVENTS_OPEN = fragment('],"events":[');
const DROPPED_EVENTS = fragment(',"droppedEventsCount":');
const LINKS_OPEN = fragment(',"links":[');
const DROPPED_LINKS = fragment(',"droppedLinksCount":');
const STATUS_MESSAGE = fragment(',"status":{"message":');
const EVENT_TIME = fragment('{"timeUnixNano":');
const LINK_TRACE_ID = fragment('{"traceId":');
const LINK_SPAN_ID = fragment(',"spanId":');

// Runs of fixed text around small fields, built once per value: `","flags":<f>,"name":` closes
// the last id; `,"kind":<k>,"startTimeUnixNano":`; the status (code only) that closes a span.
const FLAGS_NAME: Uint8Array[] = [];
for (let flags = 0; flags < 0x400; flags++) FLAGS_NAME.push(fragment(`","flags":${flags},"name":`));
const KIND_START: Uint8Array[] = [];
for (let kind = 0; kind <= 5; kind++) KIND_START.push(fragment(`,"kind":${kind},"startTimeUnixNano":`));
const STATUS_CLOSE = [fragment(',"status":{}}'), fragment(',"status":{"code":1}}'), fragment(',"status":{"code":2}}')];
const STATUS_MESSAGE_CLOSE = [fragment('}}'), fragment(',"code":1}}'), fragment(',"code":2}}')];

function writeEvent(writer: JsonWriter, event: SpanEvent): void {
  writer.bytes(EVENT_TIME);
  writer.quotedNanos(event.time);
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
function writeAttributeList(writer: JsonWriter, attributes: Readonly<Record<string, TagValue>>): void {
  let first = true;
  for (const key in attributes) {
    if (!first) writer.byte(COMMA);
    first = false;
    writeKeyValue(writer, key, attributes[key] as TagValue);
  }
  writer.byte(ARRAY_CLOSE);
}

function writeLink(writer: JsonWriter, link: SpanLink): void {
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
function writeSpan(writer: JsonWriter, span: Span): void {
  writer.bytes(SPAN_TRACE_ID);
  writer.ensure(32);
  span.writeTraceIdHex(writer.buf, writer.pos);
  writer.pos += 32;
  writer.bytes(SPAN_SPAN_ID);
  writer.ensure(16);
  span.writeSpanIdHex(writer.buf, writer.pos);
  writer.pos += 16;
  if (span.hasParent) {
    writer.bytes(SPAN_PARENT_ID);
    writer.ensure(16);
    span.writeParentSpanIdHex(writer.buf, writer.pos);
    writer.pos += 16;
  }
  // Flags fit 10 bits (8 W3C bits and the two is-remote bits), so every value has a fragment.
  writer.bytes(FLAGS_NAME[otlpSpanFlags(span) & 0x3ff] as Uint8Array);
  writer.string(span.operationName);
  writer.bytes(KIND_START[otlpSpanKind(span.kind)] as Uint8Array);
  const startTime = span.startTime;
  writer.quotedNanos(startTime);
  writer.bytes(END_TIME);
  writer.quotedNanos(startTime + Math.max(span.duration, 0));
  const traceState = span.traceState;
  if (traceState.size > 0) {
    writer.bytes(TRACE_STATE);
    writer.string(traceState.serialize());
  }
  status.read(span);
  const statusMessage = status.message;
  const statusCode = status.code;
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
function openContainers(writer: JsonWriter, inBody: number, resourceOpen: boolean, scopeOpen: boolean, openResource: Uint8Array, openScope: Uint8Array): void {
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
        const mark = writer.pos;
        openContainers(writer, inBody, resourceOpen, scopeIsOpen, openResource, openScope);
        writeSpan(writer, span);
        if (writer.pos > limit) {
          writer.pos = mark;
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
            const retry = writer.pos;
            openContainers(writer, inBody, resourceOpen, scopeIsOpen, openResource, openScope);
            writeSpan(writer, span);
            if (writer.pos <= limit) placed = true;
            else writer.pos = retry;
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
