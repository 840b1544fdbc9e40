// OTLP `ExportTraceServiceRequest` in the OTLP/JSON mapping, written directly as text: ids as
// lowercase hex, enums as integers, 64-bit integers (times) as decimal strings, lowerCamelCase keys.
import type { InstrumentationScope, Span, SpanEvent, SpanLink, TagValue } from '@trace/core';
import type { OtelResource } from '@trace/otel-adapter';
import { attributesJson, keyValueJson } from './attributes-json.js';
import type { EncodedBatch } from './encoded-batch.js';
import { type EncodedResource, type ResourceCatalog, type ResourceGroup, type ScopeGroup, catalogFor, groupSpans } from './resource-catalog.js';
import { StatusScratch, isFieldTag, otlpLinkFlags, otlpSpanFlags, otlpSpanKind } from './span-mapping.js';
import { microsToNanosString } from './unix-nanos.js';

// Closing brackets and separators still to come when a body is cut.
const CLOSE_MARGIN = 16;

const status = new StatusScratch();

/** UTF-8 byte length of a string (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function eventJson(event: SpanEvent): string {
  let text = `{"timeUnixNano":"${microsToNanosString(event.time)}","name":${JSON.stringify(event.name)},"attributes":${attributesJson(event.attributes)}`;
  if (event.droppedAttributesCount > 0) text += `,"droppedAttributesCount":${event.droppedAttributesCount}`;
  return `${text}}`;
}

function linkJson(link: SpanLink): string {
  const context = link.context;
  let text = `{"traceId":"${context.traceId}","spanId":"${context.spanId}"`;
  if (context.traceState.size > 0) text += `,"traceState":${JSON.stringify(context.traceState.serialize())}`;
  text += `,"attributes":${attributesJson(link.attributes)}`;
  if (link.droppedAttributesCount > 0) text += `,"droppedAttributesCount":${link.droppedAttributesCount}`;
  return `${text},"flags":${otlpLinkFlags(context)}}`;
}

/** The OTLP/JSON text of one span. */
export function spanJson(span: Span): string {
  let text = `{"traceId":"${span.traceId}","spanId":"${span.spanId}"`;
  if (span.hasParent) text += `,"parentSpanId":"${span.parentSpanId}"`;
  if (span.traceState.size > 0) text += `,"traceState":${JSON.stringify(span.traceState.serialize())}`;
  text += `,"flags":${otlpSpanFlags(span)},"name":${JSON.stringify(span.operationName)},"kind":${otlpSpanKind(span.kind)}`;
  text += `,"startTimeUnixNano":"${microsToNanosString(span.startTime)}","endTimeUnixNano":"${microsToNanosString(span.startTime + Math.max(span.duration, 0))}"`;
  status.read(span);
  const statusMessage = status.message;
  const tags = span.tags;
  text += ',"attributes":[';
  let first = true;
  for (const key in tags) {
    const value = tags[key] as TagValue;
    if (isFieldTag(key, value, statusMessage)) continue;
    if (!first) text += ',';
    first = false;
    text += keyValueJson(key, value);
  }
  text += ']';
  if (span.droppedAttributesCount > 0) text += `,"droppedAttributesCount":${span.droppedAttributesCount}`;
  const events = span.events;
  if (events.length > 0) {
    text += ',"events":[';
    for (let i = 0; i < events.length; i++) {
      if (i > 0) text += ',';
      text += eventJson(events[i] as SpanEvent);
    }
    text += ']';
  }
  if (span.droppedEventsCount > 0) text += `,"droppedEventsCount":${span.droppedEventsCount}`;
  const links = span.links;
  if (links.length > 0) {
    text += ',"links":[';
    for (let i = 0; i < links.length; i++) {
      if (i > 0) text += ',';
      text += linkJson(links[i] as SpanLink);
    }
    text += ']';
  }
  if (span.droppedLinksCount > 0) text += `,"droppedLinksCount":${span.droppedLinksCount}`;
  text += ',"status":{';
  if (statusMessage !== '') text += `"message":${JSON.stringify(statusMessage)}${status.code !== 0 ? ',' : ''}`;
  if (status.code !== 0) text += `"code":${status.code}`;
  return `${text}}}`;
}

function resourceOpen(resource: EncodedResource): string {
  return `{"resource":${resource.json}${resource.schemaUrl !== '' ? `,"schemaUrl":${JSON.stringify(resource.schemaUrl)}` : ''},"scopeSpans":[`;
}

function scopeOpen(scope: InstrumentationScope): string {
  let text = `{"scope":{"name":${JSON.stringify(scope.name)}`;
  if (scope.version !== undefined && scope.version !== '') text += `,"version":${JSON.stringify(scope.version)}`;
  return `${text}},"spans":[`;
}

const BODY_OPEN = '{"resourceSpans":[';
const BODY_CLOSE = ']}';
const CONTAINER_CLOSE = ']}';

/**
 * Encodes spans as OTLP/JSON `ExportTraceServiceRequest` bodies of at most `maxBytes` UTF-8 bytes
 * each. Sizes are bounded by 3 bytes per UTF-16 unit until that bound nears the limit; only then
 * is the body measured exactly, so small batches never pay for measuring.
 */
export function encodeTraceJsonBatch(spans: readonly Span[], catalog: ResourceCatalog, maxBytes: number): EncodedBatch<string> {
  const batch: EncodedBatch<string> = { bodies: [], spanCounts: [], tooLarge: 0 };
  const groups = groupSpans(spans, catalog);
  const limit = maxBytes - CLOSE_MARGIN;
  // Finished ResourceSpans of the body, the open one's finished scopes, the open scope's spans.
  let body = '';
  let resourceText = '';
  let scopeText = '';
  let inBody = 0;
  let inResource = 0;
  let inScope = 0;
  let size = 0;
  let exact = false;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] as ResourceGroup;
    const openResource = resourceOpen(group.resource);
    for (let s = 0; s < group.scopes.length; s++) {
      const scoped = group.scopes[s] as ScopeGroup;
      const openScope = scopeOpen(scoped.scope);
      const list = scoped.spans;
      for (let i = 0; i < list.length; i++) {
        const span = list[i] as Span;
        const text = spanJson(span);
        // What the body grows by: the span, plus the containers when they open with it.
        let growth = (exact ? utf8Length(text) : 3 * text.length) + 1;
        if (inScope === 0) growth += 3 * openScope.length + (inResource === 0 ? 3 * openResource.length : 0);
        if (size + growth > limit && !exact) {
          exact = true;
          size = utf8Length(BODY_OPEN) + utf8Length(body) + utf8Length(resourceText) + utf8Length(scopeText);
          if (inResource > 0 || inScope > 0) size += utf8Length(openResource);
          if (inScope > 0) size += utf8Length(openScope);
          growth = utf8Length(text) + 1 + (inScope === 0 ? utf8Length(openScope) + (inResource === 0 ? utf8Length(openResource) : 0) : 0);
        }
        if (size + growth > limit) {
          if (inBody + inResource + inScope > 0) {
            batch.bodies.push(closeBody(body, resourceText, scopeText, openResource, openScope, inBody, inResource, inScope));
            batch.spanCounts.push(inBody + inResource + inScope);
            body = '';
            resourceText = '';
            scopeText = '';
            inBody = 0;
            inResource = 0;
            inScope = 0;
            size = utf8Length(BODY_OPEN);
            growth = utf8Length(text) + 1 + utf8Length(openScope) + utf8Length(openResource);
          }
          if (size + growth > limit) {
            batch.tooLarge++;
            continue;
          }
        }
        scopeText = inScope === 0 ? text : `${scopeText},${text}`;
        inScope++;
        size += growth;
      }
      if (inScope > 0) {
        resourceText = `${inResource === 0 ? '' : `${resourceText},`}${openScope}${scopeText}${CONTAINER_CLOSE}`;
        inResource += inScope;
        inScope = 0;
        scopeText = '';
      }
    }
    if (inResource > 0) {
      body = `${inBody === 0 ? '' : `${body},`}${openResource}${resourceText}${CONTAINER_CLOSE}`;
      inBody += inResource;
      inResource = 0;
      resourceText = '';
    }
  }
  if (inBody > 0) {
    batch.bodies.push(BODY_OPEN + body + BODY_CLOSE);
    batch.spanCounts.push(inBody);
  }
  return batch;
}

function closeBody(
  body: string,
  resourceText: string,
  scopeText: string,
  openResource: string,
  openScope: string,
  inBody: number,
  inResource: number,
  inScope: number,
): string {
  if (inScope > 0) {
    resourceText = `${inResource === 0 ? '' : `${resourceText},`}${openScope}${scopeText}${CONTAINER_CLOSE}`;
    inResource += inScope;
  }
  if (inResource > 0) body = `${inBody === 0 ? '' : `${body},`}${openResource}${resourceText}${CONTAINER_CLOSE}`;
  return BODY_OPEN + body + BODY_CLOSE;
}

/**
 * Encodes finished spans as one OTLP/JSON `ExportTraceServiceRequest` (the body of OTLP/HTTP
 * `application/json`), grouped by resource and instrumentation scope. No size limit applies.
 */
export function encodeOtlpTraceJson(spans: readonly Span[], resource: OtelResource): string {
  const batch = encodeTraceJsonBatch(spans, catalogFor(resource), Number.MAX_SAFE_INTEGER);
  return batch.bodies[0] ?? `${BODY_OPEN}${BODY_CLOSE}`;
}
