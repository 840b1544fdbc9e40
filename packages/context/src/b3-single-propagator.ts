// B3 single header: https://github.com/openzipkin/b3-propagation#single-header
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
import { formatB3TraceId, hasParentSpanId, parseB3SpanId, parseB3TraceId } from './b3-multi-propagator.js';
import { REPEATED, readHeader } from './header-value.js';

/** The `b3` header. */
export const B3_SINGLE_HEADER = 'b3';

const FIELDS: readonly string[] = Object.freeze([B3_SINGLE_HEADER]);
const MISSING = fail(NO_TRACE_CONTEXT, 'carrier has no b3 header');
// 32 trace + 16 span + 1 state + 16 parent + 3 dashes.
const MAX_LENGTH = 68;

// Sampling states as small integers: compared per request, so no strings.
const DEFER = 0;
const DENY = 1;
const ACCEPT = 2;
const DEBUG = 3;

function parseSamplingState(text: string, start: number, end: number): number | undefined {
  if (end - start !== 1) return undefined;
  const code = text.charCodeAt(start);
  if (code === 0x31) return ACCEPT; // '1'
  if (code === 0x30) return DENY; // '0'
  if (code === 0x64) return DEBUG; // 'd'
  return undefined;
}

/**
 * Parses a `b3` header value `{TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}`, the last two
 * optional. A lone sampling state (`0`, `1`, `d`) gives the error `B3_SAMPLING_ONLY`: a
 * `TraceContext` cannot exist without ids. `d` sets the context's `debug` (and sampled); the
 * parent span id becomes its `parentSpanId`.
 */
export function parseB3SingleHeader(header: string): Result<TraceContext> {
  if (typeof header !== 'string') return fail('B3_INVALID', 'b3 must be a string');
  const length = header.length;
  if (length > MAX_LENGTH) return fail('B3_INVALID', `b3 is ${Math.min(length, 1_000_000)} characters, more than ${MAX_LENGTH}`);
  if (length === 1) {
    if (parseSamplingState(header, 0, 1) !== undefined) return fail('B3_SAMPLING_ONLY', 'b3 carries a sampling decision but no trace or span id');
    return fail('B3_INVALID', 'b3 sampling state must be "0", "1" or "d"');
  }
  const firstDash = header.indexOf('-');
  if (firstDash === -1) return fail('B3_INVALID', 'b3 must be {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]');
  const traceId = parseB3TraceId(header, 0, firstDash);
  if (traceId === undefined) return fail('B3_INVALID_TRACE_ID', 'b3 trace id must be 16 or 32 lowercase hex characters, not all zero');

  let secondDash = header.indexOf('-', firstDash + 1);
  if (secondDash === -1) secondDash = length;
  const spanId = parseB3SpanId(header, firstDash + 1, secondDash);
  if (spanId === undefined) return fail('B3_INVALID_SPAN_ID', 'b3 span id must be 16 lowercase hex characters, not all zero');

  let sampling = DEFER;
  let parentSpanId = '';
  if (secondDash < length) {
    let thirdDash = header.indexOf('-', secondDash + 1);
    if (thirdDash === -1) thirdDash = length;
    const state = parseSamplingState(header, secondDash + 1, thirdDash);
    if (state === undefined) return fail('B3_INVALID_SAMPLED', 'b3 sampling state must be "0", "1" or "d"');
    sampling = state;
    if (thirdDash < length) {
      const parent = parseB3SpanId(header, thirdDash + 1, length);
      if (parent === undefined) return fail('B3_INVALID_PARENT_SPAN_ID', 'b3 parent span id must be 16 lowercase hex characters, not all zero');
      parentSpanId = parent;
    }
  }
  const debug = sampling === DEBUG;
  const sampled = sampling === ACCEPT || debug;
  return ok(new TraceContext({ traceId, spanId, traceFlags: sampled ? TRACE_FLAG_SAMPLED : 0, isRemote: true, parentSpanId, debug }));
}

/**
 * B3 single-header propagator (`b3: {TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}`).
 * Injects `{TraceId}-{SpanId}-{1|0|d}`, with `-{ParentSpanId}` appended when the context has a
 * `parentSpanId` (`d` when it is `debug`); extracts per {@link parseB3SingleHeader}.
 */
export class B3SinglePropagator implements Propagator {
  fields(): readonly string[] {
    return FIELDS;
  }

  inject(context: TraceContext, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    try {
      if (!isTraceContext(context) || !isValidHexId(context.traceId, 32) || !isValidHexId(context.spanId, 16)) return;
      const state = context.debug === true ? 'd' : context.sampled ? '1' : '0';
      const value = `${formatB3TraceId(context.traceId)}-${context.spanId}-${state}`;
      adapter.set(carrier, B3_SINGLE_HEADER, hasParentSpanId(context) ? `${value}-${context.parentSpanId}` : value);
    } catch {
      // A carrier whose setter throws loses the context, not the request.
    }
  }

  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    const header = readHeader(carrier, adapter, B3_SINGLE_HEADER);
    if (header === undefined) return MISSING;
    if (header === REPEATED) return fail('B3_REPEATED_HEADER', 'b3 was sent more than once with different values');
    return parseB3SingleHeader(header.trim());
  }
}
