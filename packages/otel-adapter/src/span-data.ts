// OpenTelemetry span data, field for field the OTLP `Span` message of
// opentelemetry/proto/trace/v1/trace.proto, in a form an OTLP encoder writes without reshaping.
import type { InstrumentationScope, TagValue } from '@trace/core';
import type { OtelResource } from './resource.js';

/** OTLP `Span.SpanKind` values (trace.proto). */
export const OtelSpanKind = Object.freeze({
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const);

/** One of the {@link OtelSpanKind} integers. */
export type OtelSpanKind = (typeof OtelSpanKind)[keyof typeof OtelSpanKind];

/** OTLP `Status.StatusCode` values (trace.proto). */
export const OtelStatusCode = Object.freeze({
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const);

/** One of the {@link OtelStatusCode} integers. */
export type OtelStatusCode = (typeof OtelStatusCode)[keyof typeof OtelStatusCode];

/**
 * Bits of OTLP `Span.flags` / `Span.Link.flags` (trace.proto `SpanFlags`): the low 8 bits are
 * the W3C trace flags; bit 8 says whether bit 9 is known; bit 9 says the parent (or the linked
 * context) is remote.
 */
export const OtelSpanFlags = Object.freeze({
  TRACE_FLAGS_MASK: 0xff,
  CONTEXT_HAS_IS_REMOTE_MASK: 0x100,
  CONTEXT_IS_REMOTE_MASK: 0x200,
} as const);

/** OTel attributes: string, number, boolean, or a homogeneous array of one of them. */
export type OtelAttributes = Readonly<Record<string, TagValue>>;

/** Name and version of the library that produced the telemetry (OTLP `InstrumentationScope`). */
export type OtelInstrumentationScope = InstrumentationScope;

/** OTLP `Status`. `message` is only ever non-empty with {@link OtelStatusCode.ERROR}. */
export interface OtelSpanStatus {
  readonly code: OtelStatusCode;
  readonly message: string;
}

/** OTLP `Span.Event`. */
export interface OtelSpanEvent {
  /** Unix epoch nanoseconds. */
  readonly timeUnixNano: bigint;
  readonly name: string;
  readonly attributes: OtelAttributes;
  readonly droppedAttributesCount: number;
}

/** OTLP `Span.Link`. Ids are lowercase hex. */
export interface OtelSpanLink {
  readonly traceId: string;
  readonly spanId: string;
  /** W3C `tracestate` header value of the linked context; `''` when it has none. */
  readonly traceState: string;
  readonly attributes: OtelAttributes;
  readonly droppedAttributesCount: number;
  /** Trace flags of the linked context plus the is-remote bits ({@link OtelSpanFlags}). */
  readonly flags: number;
}

/**
 * A finished span in OpenTelemetry form (OTLP `Span`, plus the resource and scope it is reported
 * under). Ids are lowercase hex strings (32 / 16 characters; `parentSpanId` is `''` for a root):
 * an encoder turns hex into bytes for protobuf and writes it unchanged for OTLP/JSON.
 *
 * Timestamps are `bigint` Unix epoch nanoseconds: exact (a nanosecond epoch does not fit a
 * double), ordered with `<`, written as a decimal string with `String(t)` for OTLP/JSON and split
 * into two 32-bit halves for a protobuf `fixed64`.
 */
export interface OtelSpanData {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  /** W3C `tracestate` header value; `''` when the span has none. */
  readonly traceState: string;
  /** W3C trace flags in bits 0–7, plus the parent-is-remote bits 8 and 9 ({@link OtelSpanFlags}). */
  readonly flags: number;
  readonly name: string;
  readonly kind: OtelSpanKind;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: OtelAttributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly OtelSpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly OtelSpanLink[];
  readonly droppedLinksCount: number;
  readonly status: OtelSpanStatus;
  readonly resource: OtelResource;
  readonly instrumentationScope: OtelInstrumentationScope;
}
