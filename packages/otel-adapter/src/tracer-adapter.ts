// Core `Span` → OpenTelemetry span data.
import { type Result, type Span, type SpanEvent, type SpanLink, type TagValue, TraceError, err, isSpan, isValidHexId, ok } from '@trace/core';
import { type OtelResource, ResourceAttributeKeys, mergeResources } from './resource.js';
import { type OtelSpanData, type OtelSpanEvent, type OtelSpanLink, type OtelSpanStatus, OtelStatusCode } from './span-data.js';
import { isFieldTag, otelLinkFlags, otelSpanFlags, otelSpanKind, otelStatusCode, otelStatusMessage } from './span-rules.js';
import { microsToNanos } from './time.js';

const STATUS_UNSET: OtelSpanStatus = Object.freeze({ code: OtelStatusCode.UNSET, message: '' });
const STATUS_OK: OtelSpanStatus = Object.freeze({ code: OtelStatusCode.OK, message: '' });
const STATUS_ERROR: OtelSpanStatus = Object.freeze({ code: OtelStatusCode.ERROR, message: '' });
const NO_EVENTS: readonly OtelSpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly OtelSpanLink[] = Object.freeze([]);

// Per-service resources are cached so spans of one service share one resource object (an
// encoder groups by it). Bounded: past this many services, resources are built per span.
const MAX_CACHED_SERVICE_RESOURCES = 64;

/**
 * Converts finished core spans into {@link OtelSpanData}.
 *
 * Mapping:
 * - kind: the span's kind (`internal` → INTERNAL, `server` → SERVER, ...).
 * - status: the span's status when set (`ok` → OK; `error` → ERROR with the span's status
 *   message, or the `error.message` tag when that message is empty). When the span's status is
 *   `unset`, an `error` tag of `true` (boolean or the string "true") gives ERROR with the
 *   `error.message` tag as message; anything else leaves UNSET.
 * - attributes: every tag except those that only encode the kind or the status:
 *   `span.kind` when it names one of the five kinds (lower or upper case, as core reads it); `error` when it is a boolean or
 *   "true" / "false"; `error.message` when it is exactly the status message produced. Every
 *   other tag is kept, `error.type` included (it is an OTel semantic convention attribute).
 * - resource: the adapter's resource; when a span names another service (its `serviceName` is
 *   set, differs from the resource's `service.name`, and is not an `unknown_service` default),
 *   the resource with `service.name` replaced.
 * - times in epoch nanoseconds (bigint); events, links and every dropped count carried over;
 *   `flags` = trace flags + "has is-remote" + "is remote" when the parent came from elsewhere.
 */
export class OpenTelemetryTracerAdapter {
  readonly resource: OtelResource;
  private readonly resourceServiceName: TagValue | undefined;
  private readonly serviceResources = new Map<string, OtelResource>();

  constructor(resource: OtelResource) {
    this.resource = resource;
    this.resourceServiceName = resource.attributes[ResourceAttributeKeys.SERVICE_NAME];
  }

  /** Converts one finished span; a value that is not a finished `Span` gives an error result. */
  convertSpan(span: Span): Result<OtelSpanData> {
    const problem = checkSpan(span);
    if (problem !== undefined) return err(problem);
    return ok(this.convertChecked(span));
  }

  /**
   * Converts a batch, all or nothing: the first invalid entry makes the whole result an error
   * whose message gives its index, so a caller never ships half a batch unknowingly.
   */
  convertSpans(spans: readonly Span[]): Result<OtelSpanData[]> {
    if (!Array.isArray(spans)) return err(new TraceError('INVALID_SPANS', 'convertSpans needs an array of spans'));
    const out: OtelSpanData[] = new Array(spans.length);
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i] as Span;
      const problem = checkSpan(span);
      if (problem !== undefined) return err(new TraceError(problem.code, `span ${i}: ${problem.message}`));
      out[i] = this.convertChecked(span);
    }
    return ok(out);
  }

  /** @internal converts a span that {@link checkSpan} accepted */
  convertChecked(span: Span): OtelSpanData {
    const tags = span.tags;
    const status = statusOf(span);
    const attributes: Record<string, TagValue> = {};
    for (const key in tags) {
      const value = tags[key] as TagValue;
      if (!isFieldTag(key, value, status.message)) attributes[key] = value;
    }
    const startTimeUnixNano = microsToNanos(span.startTime);
    const flags = otelSpanFlags(span);
    return {
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      traceState: span.traceState.serialize(),
      flags,
      name: span.operationName,
      kind: otelSpanKind(span.kind),
      startTimeUnixNano,
      endTimeUnixNano: microsToNanos(span.startTime + span.duration),
      attributes,
      droppedAttributesCount: span.droppedAttributesCount,
      events: convertEvents(span.events),
      droppedEventsCount: span.droppedEventsCount,
      links: convertLinks(span.links),
      droppedLinksCount: span.droppedLinksCount,
      status,
      resource: this.resourceFor(span.serviceName),
      instrumentationScope: span.instrumentationScope,
    };
  }

  private resourceFor(serviceName: string): OtelResource {
    if (typeof serviceName !== 'string' || serviceName === '' || serviceName === this.resourceServiceName || serviceName.startsWith('unknown_service')) {
      return this.resource;
    }
    const cached = this.serviceResources.get(serviceName);
    if (cached !== undefined) return cached;
    const resource = mergeResources(this.resource, { attributes: { [ResourceAttributeKeys.SERVICE_NAME]: serviceName }, droppedAttributesCount: 0 });
    if (this.serviceResources.size < MAX_CACHED_SERVICE_RESOURCES) this.serviceResources.set(serviceName, resource);
    return resource;
  }
}

/** @internal Why `span` cannot be converted, or undefined when it can. */
export function checkSpan(span: unknown): TraceError | undefined {
  if (!isSpan(span)) return new TraceError('NOT_A_SPAN', 'expected a Span made by a @trace/core Tracer');
  if (!span.isFinished()) return new TraceError('SPAN_NOT_FINISHED', `span "${span.operationName}" is not finished; finish it before converting`);
  if (!isValidHexId(span.traceId, 32) || !isValidHexId(span.spanId, 16)) {
    return new TraceError('INVALID_SPAN_ID', `span "${span.operationName}" has an invalid trace or span id`);
  }
  if (!Number.isFinite(span.startTime) || span.startTime < 0 || !Number.isFinite(span.duration) || span.duration < 0) {
    return new TraceError('INVALID_SPAN_TIME', `span "${span.operationName}" has an invalid start time or duration`);
  }
  return undefined;
}

/** The span's status as a frozen constant when it has no message, else a new object. */
function statusOf(span: Span): OtelSpanStatus {
  const code = otelStatusCode(span);
  const message = otelStatusMessage(span, code);
  if (message !== '') return { code, message };
  return code === OtelStatusCode.OK ? STATUS_OK : code === OtelStatusCode.ERROR ? STATUS_ERROR : STATUS_UNSET;
}

function convertEvents(events: readonly SpanEvent[]): readonly OtelSpanEvent[] {
  if (events.length === 0) return NO_EVENTS;
  const out: OtelSpanEvent[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as SpanEvent;
    out[i] = { timeUnixNano: microsToNanos(event.time), name: event.name, attributes: event.attributes, droppedAttributesCount: event.droppedAttributesCount };
  }
  return out;
}

function convertLinks(links: readonly SpanLink[]): readonly OtelSpanLink[] {
  if (links.length === 0) return NO_LINKS;
  const out: OtelSpanLink[] = new Array(links.length);
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as SpanLink;
    const context = link.context;
    const flags = otelLinkFlags(context);
    out[i] = {
      traceId: context.traceId,
      spanId: context.spanId,
      traceState: context.traceState.serialize(),
      attributes: link.attributes,
      droppedAttributesCount: link.droppedAttributesCount,
      flags,
    };
  }
  return out;
}
