// How a core span's kind, status, flags and tags map onto OpenTelemetry's fields. One
// implementation, used by this package's adapter and by @trace/otel-adapter users that encode
// straight from spans (the OTLP exporter), so a span looks the same whichever path sends it.
// Allocation-free: these run once per span on encode paths.
import { type Span, type SpanKind, type TagValue, type TraceContext, spanKindFromTag } from '@trace/core';
import { OtelSpanFlags, OtelSpanKind, OtelStatusCode } from './span-data.js';

export const SPAN_KIND_TAG = 'span.kind';
export const ERROR_TAG = 'error';
export const ERROR_MESSAGE_TAG = 'error.message';

const KIND: Readonly<Record<SpanKind, OtelSpanKind>> = Object.freeze({
  internal: OtelSpanKind.INTERNAL,
  server: OtelSpanKind.SERVER,
  client: OtelSpanKind.CLIENT,
  producer: OtelSpanKind.PRODUCER,
  consumer: OtelSpanKind.CONSUMER,
});

/** The OTLP `SpanKind` number of a core span kind. */
export function otelSpanKind(kind: SpanKind): OtelSpanKind {
  return KIND[kind] ?? OtelSpanKind.INTERNAL;
}

/** `Span.flags`: W3C trace flags plus the "is the parent remote" bits. */
export function otelSpanFlags(span: Span): number {
  return (
    (span.traceFlags & OtelSpanFlags.TRACE_FLAGS_MASK) |
    OtelSpanFlags.CONTEXT_HAS_IS_REMOTE_MASK |
    (span.parentIsRemote ? OtelSpanFlags.CONTEXT_IS_REMOTE_MASK : 0)
  );
}

/** `Span.Link.flags` for a linked context. */
export function otelLinkFlags(context: TraceContext): number {
  return (
    (context.traceFlags & OtelSpanFlags.TRACE_FLAGS_MASK) |
    OtelSpanFlags.CONTEXT_HAS_IS_REMOTE_MASK |
    (context.isRemote ? OtelSpanFlags.CONTEXT_IS_REMOTE_MASK : 0)
  );
}

/** `true` / `false` for an `error` tag that is a boolean or the strings "true" / "false"; else undefined. */
function errorFlag(value: TagValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'TRUE' || value === 'True') return true;
  if (value === 'false' || value === 'FALSE' || value === 'False') return false;
  return undefined;
}

/**
 * A span's OTel status code: OK for an `ok` status, ERROR for an `error` status, and when the
 * status is unset, ERROR for an `error` tag of true, else UNSET. A pure function of the span (no
 * object per call, nothing shared to change), so encoders call it per span.
 */
export function otelStatusCode(span: Span): OtelStatusCode {
  switch (span.status) {
    case 'ok':
      return OtelStatusCode.OK;
    case 'error':
      return OtelStatusCode.ERROR;
    default:
      return errorFlag(span.tags[ERROR_TAG]) === true ? OtelStatusCode.ERROR : OtelStatusCode.UNSET;
  }
}

/**
 * A span's OTel status message: empty unless the code (from {@link otelStatusCode}, passed when
 * the caller has it) is ERROR; then the span's status message, or the `error.message` tag when
 * that is empty.
 */
export function otelStatusMessage(span: Span, code: OtelStatusCode = otelStatusCode(span)): string {
  if (code !== OtelStatusCode.ERROR) return '';
  if (span.status === 'error' && span.statusMessage !== '') return span.statusMessage;
  const tagMessage = span.tags[ERROR_MESSAGE_TAG];
  return typeof tagMessage === 'string' ? tagMessage : '';
}

/**
 * Whether a tag only encodes what the kind or status fields carry and is left out of the
 * attributes: `span.kind` naming a kind, `error` as a flag, `error.message` equal to the status
 * message that was produced.
 */
export function isFieldTag(key: string, value: TagValue, statusMessage: string): boolean {
  switch (key) {
    case SPAN_KIND_TAG:
      // Only a value core read as a kind is dropped; any other value did not set the kind and stays.
      return spanKindFromTag(value) !== undefined;
    case ERROR_TAG:
      return errorFlag(value) !== undefined;
    case ERROR_MESSAGE_TAG:
      return value === statusMessage && value !== '';
    default:
      return false;
  }
}
