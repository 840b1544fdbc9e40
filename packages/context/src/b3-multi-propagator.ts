// B3 multi-header propagation: https://github.com/openzipkin/b3-propagation#multiple-headers
import {
  type CarrierAdapter,
  NO_TRACE_CONTEXT,
  type Propagator,
  type Result,
  TRACE_FLAG_SAMPLED,
  TraceContext,
  defaultCarrierAdapter,
  fail,
  isValidHexId,
  ok,
} from '@trace/core';
import { isDebugContext, markDebug } from './debug-flag.js';
import { REPEATED, normalizeHexId, singleValue } from './hex-id.js';

/** `X-B3-TraceId`, as written (lowercase, which HTTP/2 requires and HTTP/1 accepts). */
export const B3_TRACE_ID_HEADER = 'x-b3-traceid';
/** `X-B3-SpanId`. */
export const B3_SPAN_ID_HEADER = 'x-b3-spanid';
/** `X-B3-ParentSpanId`. */
export const B3_PARENT_SPAN_ID_HEADER = 'x-b3-parentspanid';
/** `X-B3-Sampled`: `1` accept, `0` deny, absent defers the decision. */
export const B3_SAMPLED_HEADER = 'x-b3-sampled';
/** `X-B3-Flags`: `1` is debug, which implies accept. */
export const B3_FLAGS_HEADER = 'x-b3-flags';

const FIELDS: readonly string[] = Object.freeze([B3_TRACE_ID_HEADER, B3_SPAN_ID_HEADER, B3_PARENT_SPAN_ID_HEADER, B3_SAMPLED_HEADER, B3_FLAGS_HEADER]);
const MISSING = fail(NO_TRACE_CONTEXT, 'carrier has no X-B3-TraceId / X-B3-SpanId headers');
const ZERO_HIGH = '0000000000000000';

type Header = string | undefined | typeof REPEATED;

function read(carrier: unknown, adapter: CarrierAdapter<unknown>, name: string): Header {
  return singleValue(adapter.get(carrier, name));
}

/** Parses a B3 trace id: 16 or 32 lowercase hex characters, a 64-bit id left-padded to 32. */
export function parseB3TraceId(text: string, start: number, end: number): string | undefined {
  const length = end - start;
  if (length !== 16 && length !== 32) return undefined;
  return normalizeHexId(text, start, end, 32, false, false);
}

/** Parses a B3 span id: exactly 16 lowercase hex characters, not all zero. */
export function parseB3SpanId(text: string, start: number, end: number): string | undefined {
  return end - start === 16 ? normalizeHexId(text, start, end, 16, false, false) : undefined;
}

/** The trace id as B3 writes it: 16 characters when the high 64 bits are zero, else 32. */
export function formatB3TraceId(traceId: string): string {
  return traceId.startsWith(ZERO_HIGH) ? traceId.slice(16) : traceId;
}

/**
 * B3 multi-header propagator (`X-B3-TraceId`, `X-B3-SpanId`, `X-B3-ParentSpanId`,
 * `X-B3-Sampled`, `X-B3-Flags`).
 *
 * Extract: ids must be lowercase hex (16 or 32 for the trace id, 16 for span ids, not all zero);
 * a 64-bit trace id is left-padded to 32. `X-B3-Sampled` is `1`/`0` (the legacy `true`/`false`
 * are accepted, as the spec allows); `X-B3-Flags: 1` is debug and implies sampled. No sampling
 * header defers the decision, which a `TraceContext` can only hold as "not sampled". Headers that
 * carry only a sampling decision give the error `B3_SAMPLING_ONLY`.
 *
 * Inject: trace id (16 characters when its high half is zero), span id, and `X-B3-Sampled`, or
 * `X-B3-Flags: 1` instead for a debug context. `X-B3-ParentSpanId` is never written: a
 * `TraceContext` does not know its span's parent, and the header is optional to receivers.
 */
export class B3MultiPropagator implements Propagator {
  fields(): readonly string[] {
    return FIELDS;
  }

  inject(context: TraceContext, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    if (!(context instanceof TraceContext) || !isValidHexId(context.traceId, 32) || !isValidHexId(context.spanId, 16)) return;
    try {
      adapter.set(carrier, B3_TRACE_ID_HEADER, formatB3TraceId(context.traceId));
      adapter.set(carrier, B3_SPAN_ID_HEADER, context.spanId);
      // Debug implies accept, so the spec says not to send X-B3-Sampled alongside it.
      if (isDebugContext(context)) adapter.set(carrier, B3_FLAGS_HEADER, '1');
      else adapter.set(carrier, B3_SAMPLED_HEADER, context.sampled ? '1' : '0');
    } catch {
      // A carrier whose setter throws loses the context, not the request.
    }
  }

  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    let traceHeader: Header;
    let spanHeader: Header;
    let parentHeader: Header;
    let sampledHeader: Header;
    let flagsHeader: Header;
    try {
      traceHeader = read(carrier, adapter, B3_TRACE_ID_HEADER);
      spanHeader = read(carrier, adapter, B3_SPAN_ID_HEADER);
      parentHeader = read(carrier, adapter, B3_PARENT_SPAN_ID_HEADER);
      sampledHeader = read(carrier, adapter, B3_SAMPLED_HEADER);
      flagsHeader = read(carrier, adapter, B3_FLAGS_HEADER);
    } catch {
      return MISSING;
    }
    if (traceHeader === REPEATED || spanHeader === REPEATED || parentHeader === REPEATED || sampledHeader === REPEATED || flagsHeader === REPEATED) {
      return fail('B3_REPEATED_HEADER', 'a B3 header was sent more than once with different values');
    }
    if (traceHeader === undefined && spanHeader === undefined) {
      if (sampledHeader !== undefined || flagsHeader !== undefined) {
        return fail('B3_SAMPLING_ONLY', 'B3 headers carry a sampling decision but no trace or span id');
      }
      return MISSING;
    }
    if (traceHeader === undefined) return fail('B3_MISSING_TRACE_ID', 'X-B3-SpanId is present but X-B3-TraceId is missing');
    if (spanHeader === undefined) return fail('B3_MISSING_SPAN_ID', 'X-B3-TraceId is present but X-B3-SpanId is missing');

    const traceId = parseB3TraceId(traceHeader, 0, traceHeader.length);
    if (traceId === undefined) return fail('B3_INVALID_TRACE_ID', 'X-B3-TraceId must be 16 or 32 lowercase hex characters, not all zero');
    const spanId = parseB3SpanId(spanHeader, 0, spanHeader.length);
    if (spanId === undefined) return fail('B3_INVALID_SPAN_ID', 'X-B3-SpanId must be 16 lowercase hex characters, not all zero');
    if (parentHeader !== undefined && parseB3SpanId(parentHeader, 0, parentHeader.length) === undefined) {
      return fail('B3_INVALID_PARENT_SPAN_ID', 'X-B3-ParentSpanId must be 16 lowercase hex characters, not all zero');
    }

    let sampled = false;
    if (sampledHeader !== undefined) {
      if (sampledHeader === '1' || sampledHeader === 'true') sampled = true;
      else if (sampledHeader !== '0' && sampledHeader !== 'false') return fail('B3_INVALID_SAMPLED', 'X-B3-Sampled must be "1" or "0"');
    }
    // Only "1" means debug; the spec lets receivers ignore any other X-B3-Flags value.
    const debug = flagsHeader === '1';
    const context = new TraceContext({ traceId, spanId, traceFlags: sampled || debug ? TRACE_FLAG_SAMPLED : 0, isRemote: true });
    return ok(debug ? markDebug(context) : context);
  }
}
