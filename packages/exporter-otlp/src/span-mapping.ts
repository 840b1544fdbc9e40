// How a core span maps onto OTLP fields. Kept identical to @trace/otel-adapter's
// OpenTelemetryTracerAdapter (seed §7), so spans look the same whichever path sends them; this
// copy reads the span directly so the encoders never build intermediate objects.
import type { Span, SpanKind, TagValue, TraceContext } from '@trace/core';

/** OTLP `Span.SpanKind` numbers (trace.proto). */
export function otlpSpanKind(kind: SpanKind): number {
  switch (kind) {
    case 'internal':
      return 1;
    case 'server':
      return 2;
    case 'client':
      return 3;
    case 'producer':
      return 4;
    case 'consumer':
      return 5;
    default:
      return 1;
  }
}

const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

/** `Span.flags`: W3C trace flags plus the "is the parent remote" bits (trace.proto `SpanFlags`). */
export function otlpSpanFlags(span: Span): number {
  return (span.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (span.parentIsRemote ? FLAGS_IS_REMOTE : 0);
}

/** `Span.Link.flags` for a linked context. */
export function otlpLinkFlags(context: TraceContext): number {
  return (context.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (context.isRemote ? FLAGS_IS_REMOTE : 0);
}

/** `true`/`false` for an `error` tag written as a boolean or "true"/"false"; else undefined. */
function errorFlag(value: TagValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'TRUE' || value === 'True') return true;
  if (value === 'false' || value === 'FALSE' || value === 'False') return false;
  return undefined;
}

function isKindName(value: TagValue | undefined): boolean {
  switch (value) {
    case 'internal':
    case 'server':
    case 'client':
    case 'producer':
    case 'consumer':
    case 'INTERNAL':
    case 'SERVER':
    case 'CLIENT':
    case 'PRODUCER':
    case 'CONSUMER':
      return true;
    default:
      return false;
  }
}

/**
 * The status of one span, computed once per span into a reused object:
 * `ok` → OK; `error` → ERROR with the status message (or the `error.message` tag); `unset` with
 * an `error` tag of true → ERROR with `error.message`; else UNSET.
 */
export class StatusScratch {
  code = 0;
  message = '';

  read(span: Span): void {
    const tags = span.tags;
    const tagMessage = tags['error.message'];
    const messageFromTag = typeof tagMessage === 'string' ? tagMessage : '';
    switch (span.status) {
      case 'ok':
        this.code = 1;
        this.message = '';
        return;
      case 'error':
        this.code = 2;
        this.message = span.statusMessage !== '' ? span.statusMessage : messageFromTag;
        return;
      default:
        if (errorFlag(tags['error']) === true) {
          this.code = 2;
          this.message = messageFromTag;
        } else {
          this.code = 0;
          this.message = '';
        }
    }
  }
}

/**
 * Whether a tag only encodes what the kind or status fields already carry, and is left out of
 * the attributes: `span.kind` naming a kind, `error` as a flag, `error.message` equal to the
 * status message.
 */
export function isFieldTag(key: string, value: TagValue, statusMessage: string): boolean {
  switch (key) {
    case 'span.kind':
      return isKindName(value);
    case 'error':
      return errorFlag(value) !== undefined;
    case 'error.message':
      return value === statusMessage && value !== '';
    default:
      return false;
  }
}
