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
  isTraceContext,
  isValidHexId,
  ok,
} from '@trace/core';
import { objectCarrierAdapter } from './carrier-adapters.js';
import { type HeaderRead, REPEATED, readHeader, singleHeaderValue } from './header-value.js';
import { normalizeHexId } from './hex-id.js';

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

// True when `adapter.get` on `carrier` is a case-insensitive read of the carrier's own keys, so
// one scan of those keys can stand in for five `get` calls.
function isPlainRecordRead(carrier: unknown, adapter: CarrierAdapter<unknown>): carrier is Record<string, unknown> {
  if (adapter !== defaultCarrierAdapter && adapter !== (objectCarrierAdapter as CarrierAdapter<unknown>)) return false;
  if (carrier === null || typeof carrier !== 'object' || carrier instanceof Map) return false;
  // The default adapter reads anything with get() and forEach() as fetch Headers.
  return adapter !== defaultCarrierAdapter || typeof (carrier as { get?: unknown }).get !== 'function';
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

/** True when `context` names its span's parent (a span's context does; one made by hand may not). */
export function hasParentSpanId(context: TraceContext): boolean {
  return typeof context.parentSpanId === 'string' && context.parentSpanId !== '' && isValidHexId(context.parentSpanId, 16);
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
 * carry only a sampling decision give the error `B3_SAMPLING_ONLY`. `X-B3-ParentSpanId` becomes
 * the context's `parentSpanId`, and `X-B3-Flags: 1` its `debug`.
 *
 * Inject: trace id (16 characters when its high half is zero), span id, `X-B3-ParentSpanId` when
 * the context has a `parentSpanId` (a span's context always does, unless the span is a root),
 * and `X-B3-Sampled`, or `X-B3-Flags: 1` instead when the context is `debug`.
 *
 * With a plain-object carrier (Node's `req.headers`) and the default or object adapter, extract
 * makes five exact lookups and at most one pass over the object's keys, instead of a pass per
 * absent header (each adapter `get` that misses rescans the keys for another casing).
 */
export class B3MultiPropagator implements Propagator {
  fields(): readonly string[] {
    return FIELDS;
  }

  inject(context: TraceContext, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    try {
      if (!isTraceContext(context) || !isValidHexId(context.traceId, 32) || !isValidHexId(context.spanId, 16)) return;
      adapter.set(carrier, B3_TRACE_ID_HEADER, formatB3TraceId(context.traceId));
      adapter.set(carrier, B3_SPAN_ID_HEADER, context.spanId);
      if (hasParentSpanId(context)) adapter.set(carrier, B3_PARENT_SPAN_ID_HEADER, context.parentSpanId);
      // Debug implies accept, so the spec says not to send X-B3-Sampled alongside it.
      if (context.debug === true) adapter.set(carrier, B3_FLAGS_HEADER, '1');
      else adapter.set(carrier, B3_SAMPLED_HEADER, context.sampled ? '1' : '0');
    } catch {
      // A carrier whose setter throws (a frozen object, a refusing Headers) loses the context,
      // not the request.
    }
  }

  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    try {
      if (isPlainRecordRead(carrier, adapter)) return extractFromRecord(carrier);
      return contextFromHeaders(
        readHeader(carrier, adapter, B3_TRACE_ID_HEADER),
        readHeader(carrier, adapter, B3_SPAN_ID_HEADER),
        readHeader(carrier, adapter, B3_PARENT_SPAN_ID_HEADER),
        readHeader(carrier, adapter, B3_SAMPLED_HEADER),
        readHeader(carrier, adapter, B3_FLAGS_HEADER),
      );
    } catch {
      // A carrier whose getters throw reads as one without a context.
      return MISSING;
    }
  }
}

// An inherited value (a polluted prototype) is not a header; checked only on a hit.
function own(record: Record<string, unknown>, name: string, value: unknown): unknown {
  return value === undefined || Object.hasOwn(record, name) ? value : undefined;
}

/**
 * Reads the B3 headers of a plain object: five exact lowercase lookups (Node's `req.headers`
 * is lowercase), then, only if some header is still missing, ONE pass over the keys for
 * differently-cased copies, instead of one pass per missing header. Only keys that start with
 * `x-b3-` in any case are lowercased. An exact lowercase key wins over another casing, as in
 * the adapters' `get`.
 */
function extractFromRecord(record: Record<string, unknown>): Result<TraceContext> {
  // Constant property names, so each read keeps its own inline cache.
  let trace = own(record, B3_TRACE_ID_HEADER, record[B3_TRACE_ID_HEADER]);
  let span = own(record, B3_SPAN_ID_HEADER, record[B3_SPAN_ID_HEADER]);
  let parent = own(record, B3_PARENT_SPAN_ID_HEADER, record[B3_PARENT_SPAN_ID_HEADER]);
  let sampled = own(record, B3_SAMPLED_HEADER, record[B3_SAMPLED_HEADER]);
  let flags = own(record, B3_FLAGS_HEADER, record[B3_FLAGS_HEADER]);
  if (trace === undefined || span === undefined || parent === undefined || sampled === undefined || flags === undefined) {
    for (const key in record) {
      const length = key.length;
      // x-b3-flags (10) to x-b3-parentspanid (17), then the `x-b3-` prefix without allocating.
      if (length < 10 || length > 17) continue;
      if (
        (key.charCodeAt(0) | 0x20) !== 0x78 ||
        key.charCodeAt(1) !== 0x2d ||
        (key.charCodeAt(2) | 0x20) !== 0x62 ||
        key.charCodeAt(3) !== 0x33 ||
        key.charCodeAt(4) !== 0x2d ||
        !Object.hasOwn(record, key)
      ) {
        continue;
      }
      const name = key.toLowerCase();
      // The exact lowercase keys were read above; the first other casing fills a gap.
      if (name === key) continue;
      if (name === B3_TRACE_ID_HEADER) {
        if (trace === undefined) trace = record[key];
      } else if (name === B3_SPAN_ID_HEADER) {
        if (span === undefined) span = record[key];
      } else if (name === B3_PARENT_SPAN_ID_HEADER) {
        if (parent === undefined) parent = record[key];
      } else if (name === B3_SAMPLED_HEADER) {
        if (sampled === undefined) sampled = record[key];
      } else if (name === B3_FLAGS_HEADER) {
        if (flags === undefined) flags = record[key];
      }
    }
  }
  return contextFromHeaders(singleHeaderValue(trace), singleHeaderValue(span), singleHeaderValue(parent), singleHeaderValue(sampled), singleHeaderValue(flags));
}

function contextFromHeaders(
  traceHeader: HeaderRead,
  spanHeader: HeaderRead,
  parentHeader: HeaderRead,
  sampledHeader: HeaderRead,
  flagsHeader: HeaderRead,
): Result<TraceContext> {
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
  let parentSpanId = '';
  if (parentHeader !== undefined) {
    const parsed = parseB3SpanId(parentHeader, 0, parentHeader.length);
    if (parsed === undefined) return fail('B3_INVALID_PARENT_SPAN_ID', 'X-B3-ParentSpanId must be 16 lowercase hex characters, not all zero');
    parentSpanId = parsed;
  }

  let sampled = false;
  if (sampledHeader !== undefined) {
    if (sampledHeader === '1' || sampledHeader === 'true') sampled = true;
    else if (sampledHeader !== '0' && sampledHeader !== 'false') return fail('B3_INVALID_SAMPLED', 'X-B3-Sampled must be "1" or "0"');
  }
  // Only "1" means debug; the spec lets receivers ignore any other X-B3-Flags value.
  const debug = flagsHeader === '1';
  return ok(new TraceContext({ traceId, spanId, traceFlags: sampled || debug ? TRACE_FLAG_SAMPLED : 0, isRemote: true, parentSpanId, debug }));
}
