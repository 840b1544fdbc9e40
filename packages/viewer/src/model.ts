// The one span shape the viewer keeps, whatever wire format it arrived in: ids as lowercase hex,
// times as epoch microseconds, kind and status as the words core uses.
import type { SpanKind, SpanStatus } from '@trace/core';

/** An attribute value as the viewer keeps it (OTLP key-value lists become nested objects). */
export type ViewerAttributeValue = string | number | boolean | null | readonly ViewerAttributeValue[] | { readonly [key: string]: ViewerAttributeValue };

/** Attributes of a span, event, link, resource or scope. */
export type ViewerAttributes = Record<string, ViewerAttributeValue>;

/** A timestamped event on a span (a Zipkin annotation, a Jaeger log). */
export interface ViewerEvent {
  /** Epoch microseconds. */
  timeMicros: number;
  name: string;
  attributes: ViewerAttributes;
}

/** A link to another span (a Jaeger `FOLLOWS_FROM` reference becomes one). */
export interface ViewerLink {
  traceId: string;
  spanId: string;
  attributes: ViewerAttributes;
}

/** Which receiver (or the in-process exporter) a span came through. */
export type ViewerSource = 'otlp' | 'zipkin' | 'jaeger' | 'in-process';

/** One span, normalised from any wire format. */
export interface ViewerSpan {
  /** 32 lowercase hex characters (64-bit ids are left-padded with zeros). */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** The parent's span id, or `undefined` for a root span. */
  parentId: string | undefined;
  name: string;
  kind: SpanKind;
  service: string;
  /** Epoch microseconds (fractional when the source had sub-µs precision). */
  startMicros: number;
  endMicros: number;
  status: SpanStatus;
  /** The message of an error status, else `''`. */
  statusMessage: string;
  attributes: ViewerAttributes;
  events: ViewerEvent[];
  links: ViewerLink[];
  resource: ViewerAttributes;
  scope: { name: string; version?: string } | undefined;
  source: ViewerSource;
}

/** The service name when a span carries none. */
export const UNKNOWN_SERVICE = 'unknown_service';

const HEX = '0123456789abcdef';

/** Lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    text += HEX[byte >>> 4] + (HEX[byte & 15] as string);
  }
  return text;
}

/**
 * `hex` lowercased and left-padded with zeros to `length`, or `undefined` when it is not hex, is
 * longer than `length`, or is all zeros (no id).
 */
export function normalizeHexId(hex: string, length: 16 | 32): string | undefined {
  if (hex.length === 0 || hex.length > length) return undefined;
  const lower = hex.toLowerCase();
  let nonZero = false;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    const digit = code >= 48 && code <= 57;
    if (!digit && !(code >= 97 && code <= 102)) return undefined;
    if (code !== 48) nonZero = true;
  }
  return nonZero ? lower.padStart(length, '0') : undefined;
}

/** Rough bytes a stored span holds in memory, for the store's byte bound. */
export function estimateSpanBytes(span: ViewerSpan): number {
  let bytes = 400 + 2 * (span.name.length + span.service.length + span.statusMessage.length);
  bytes += estimateAttributesBytes(span.attributes);
  for (const event of span.events) bytes += 64 + 2 * event.name.length + estimateAttributesBytes(event.attributes);
  for (const link of span.links) bytes += 120 + estimateAttributesBytes(link.attributes);
  // resources are usually one object shared by a whole batch, but count them: the bound must hold
  bytes += estimateAttributesBytes(span.resource);
  return bytes;
}

function estimateAttributesBytes(attributes: ViewerAttributes): number {
  let bytes = 0;
  for (const key in attributes) bytes += 48 + 2 * key.length + estimateValueBytes(attributes[key] as ViewerAttributeValue);
  return bytes;
}

function estimateValueBytes(value: ViewerAttributeValue): number {
  if (typeof value === 'string') return 2 * value.length;
  if (value === null || typeof value !== 'object') return 8;
  let bytes = 16;
  if (Array.isArray(value)) for (const item of value) bytes += 8 + estimateValueBytes(item);
  else for (const key in value) bytes += 16 + 2 * key.length + estimateValueBytes((value as Record<string, ViewerAttributeValue>)[key] as ViewerAttributeValue);
  return bytes;
}

/** The kind a `span.kind` tag names (any case), or `undefined`. */
export function kindFromName(value: unknown): SpanKind | undefined {
  if (typeof value !== 'string') return undefined;
  switch (value.toLowerCase()) {
    case 'server':
      return 'server';
    case 'client':
      return 'client';
    case 'producer':
      return 'producer';
    case 'consumer':
      return 'consumer';
    case 'internal':
      return 'internal';
    default:
      return undefined;
  }
}
