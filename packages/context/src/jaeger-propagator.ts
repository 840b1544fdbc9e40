// Jaeger native propagation: `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` and
// one `uberctx-{key}` header per baggage item (Jaeger client-library docs, "Propagation Format").
import {
  BAGGAGE_MAX_MEMBERS,
  Baggage,
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
import { hasParentSpanId } from './b3-multi-propagator.js';
import { REPEATED, normalizeHexId, parseHexByte, readSingleHeader, singleValue } from './hex-id.js';

/** The `uber-trace-id` header. */
export const JAEGER_TRACE_HEADER = 'uber-trace-id';
/** Prefix of Jaeger's one-header-per-item baggage (`uberctx-user-id: 42`). */
export const JAEGER_BAGGAGE_PREFIX = 'uberctx-';
/** Jaeger's ad-hoc baggage header (`jaeger-baggage: k1=v1, k2=v2`), read but never written. */
export const JAEGER_ADHOC_BAGGAGE_HEADER = 'jaeger-baggage';

/** Jaeger flag bits. */
const FLAG_SAMPLED = 0x01;
const FLAG_DEBUG = 0x02;
// 32 + 16 + 16 + 2 + 3 separators, with room for every ':' percent-encoded as %3A.
const MAX_LENGTH = 69 + 6;
const MISSING = fail(NO_TRACE_CONTEXT, 'carrier has no uber-trace-id header');
const ZERO_HIGH = '0000000000000000';
// Jaeger writes a missing parent as `0`, which normalises to this.
const NO_PARENT = ZERO_HIGH;
const FIELDS: readonly string[] = Object.freeze([JAEGER_TRACE_HEADER]);

/** Options of {@link JaegerPropagator}. */
export interface JaegerPropagatorOptions {
  /** Write each baggage item as `uberctx-{key}` (value percent-encoded). Default true. */
  injectBaggage?: boolean;
  /** Read `uberctx-{key}` and `jaeger-baggage` headers. Default true. */
  extractBaggage?: boolean;
}

function decodeOrUndefined(value: string): string | undefined {
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * Parses an `uber-trace-id` value. Ids are hex of any case and may be shorter than their width
 * (left-padded: trace id to 32, span ids to 16); trace and span id must not be zero; the
 * deprecated parent id may be `0`; flags are one or two hex digits (`0x01` sampled, `0x02` debug,
 * which implies sampled, and sets the context's `debug`). A non-zero parent id becomes the
 * context's `parentSpanId`. A value whose `:` are percent-encoded (`%3A`) is decoded first.
 */
export function parseUberTraceId(header: string): Result<TraceContext> {
  if (typeof header !== 'string') return fail('JAEGER_INVALID', 'uber-trace-id must be a string');
  if (header.length > MAX_LENGTH) return fail('JAEGER_INVALID', `uber-trace-id is ${Math.min(header.length, 1_000_000)} characters, more than ${MAX_LENGTH}`);
  const value = decodeOrUndefined(header);
  if (value === undefined) return fail('JAEGER_INVALID', 'uber-trace-id has a malformed percent-encoding');
  const first = value.indexOf(':');
  const second = first === -1 ? -1 : value.indexOf(':', first + 1);
  const third = second === -1 ? -1 : value.indexOf(':', second + 1);
  if (third === -1 || value.indexOf(':', third + 1) !== -1) {
    return fail('JAEGER_INVALID', 'uber-trace-id must be {trace-id}:{span-id}:{parent-span-id}:{flags}');
  }
  const traceId = normalizeHexId(value, 0, first, 32, true, false);
  if (traceId === undefined) return fail('JAEGER_INVALID_TRACE_ID', 'uber-trace-id trace id must be 1 to 32 hex characters, not zero');
  const spanId = normalizeHexId(value, first + 1, second, 16, true, false);
  if (spanId === undefined) return fail('JAEGER_INVALID_SPAN_ID', 'uber-trace-id span id must be 1 to 16 hex characters, not zero');
  const parent = normalizeHexId(value, second + 1, third, 16, true, true);
  if (parent === undefined) return fail('JAEGER_INVALID_PARENT_SPAN_ID', 'uber-trace-id parent span id must be 1 to 16 hex characters');
  const flags = parseHexByte(value, third + 1, value.length);
  if (flags === undefined) return fail('JAEGER_INVALID_FLAGS', 'uber-trace-id flags must be one or two hex digits');
  const debug = (flags & FLAG_DEBUG) !== 0;
  const sampled = debug || (flags & FLAG_SAMPLED) !== 0;
  const parentSpanId = parent === NO_PARENT ? '' : parent;
  return ok(new TraceContext({ traceId, spanId, traceFlags: sampled ? TRACE_FLAG_SAMPLED : 0, isRemote: true, parentSpanId, debug }));
}

function startsWithIgnoreCase(name: string, prefix: string): boolean {
  if (name.length <= prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Jaeger propagator: `uber-trace-id` for the trace context and `uberctx-{key}` headers for
 * baggage (percent-decoded on extract, percent-encoded on inject; keys lowercased, as HTTP
 * delivers them). The `jaeger-baggage: k=v, k2=v2` header is read too.
 *
 * Inject writes `{trace-id}:{span-id}:{parent-span-id}:{flags}`: the trace id as 16 characters
 * when its high half is zero (so 64-bit-only clients can read it), the deprecated parent id from
 * the context's `parentSpanId` (`0` when it has none), flags `01`, `00`, or `03` for a `debug`
 * context.
 */
export class JaegerPropagator implements Propagator {
  private readonly injectsBaggage: boolean;
  private readonly extractsBaggage: boolean;

  constructor(options: JaegerPropagatorOptions = {}) {
    this.injectsBaggage = options.injectBaggage ?? true;
    this.extractsBaggage = options.extractBaggage ?? true;
  }

  /** `uber-trace-id` only: baggage header names depend on the items, as in every Jaeger client. */
  fields(): readonly string[] {
    return FIELDS;
  }

  inject(context: TraceContext, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    if (!isTraceContext(context) || !isValidHexId(context.traceId, 32) || !isValidHexId(context.spanId, 16)) return;
    const traceId = context.traceId.startsWith(ZERO_HIGH) ? context.traceId.slice(16) : context.traceId;
    const parent = hasParentSpanId(context) ? context.parentSpanId : '0';
    const flags = context.debug === true ? '03' : context.sampled ? '01' : '00';
    try {
      adapter.set(carrier, JAEGER_TRACE_HEADER, `${traceId}:${context.spanId}:${parent}:${flags}`);
      const baggage = context.baggage;
      if (this.injectsBaggage && baggage.size > 0) {
        for (const key of baggage.keys()) {
          const value = baggage.get(key) as string;
          let encoded: string;
          try {
            encoded = encodeURIComponent(value);
          } catch {
            continue; // a lone surrogate has no UTF-8 form
          }
          adapter.set(carrier, JAEGER_BAGGAGE_PREFIX + key.toLowerCase(), encoded);
        }
      }
    } catch {
      // A carrier whose setter throws loses the context, not the request.
    }
  }

  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    const header = readSingleHeader(carrier, adapter, JAEGER_TRACE_HEADER);
    if (header === undefined) return MISSING;
    if (header === REPEATED) return fail('JAEGER_REPEATED_HEADER', 'uber-trace-id was sent more than once with different values');
    const parsed = parseUberTraceId(header.trim());
    if (!parsed.ok) return parsed;
    const baggage = this.extractBaggage(carrier, adapter);
    if (baggage === undefined) return parsed;
    return ok(parsed.value.with({ baggage }));
  }

  /**
   * Reads `uberctx-{key}` headers (values percent-decoded; a malformed encoding or invalid key
   * drops that item) and `jaeger-baggage`. At most 180 items. Never throws.
   */
  extractBaggage(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Baggage | undefined {
    if (!this.extractsBaggage) return undefined;
    try {
      let baggage = Baggage.EMPTY;
      const names = adapter.keys(carrier);
      for (let i = 0; i < names.length && baggage.size < BAGGAGE_MAX_MEMBERS; i++) {
        const name = names[i] as string;
        if (!startsWithIgnoreCase(name, JAEGER_BAGGAGE_PREFIX)) continue;
        const raw = singleValue(adapter.get(carrier, name.toLowerCase()));
        if (raw === undefined || raw === REPEATED) continue;
        const value = decodeOrUndefined(raw);
        if (value === undefined) continue;
        const next = baggage.set(name.slice(JAEGER_BAGGAGE_PREFIX.length).toLowerCase(), value);
        if (next.ok) baggage = next.value;
      }
      baggage = readAdhocBaggage(carrier, adapter, baggage);
      return baggage.size === 0 ? undefined : baggage;
    } catch {
      return undefined;
    }
  }
}

// `jaeger-baggage: k1=v1, k2=v2`: items already set by `uberctx-` headers win.
function readAdhocBaggage(carrier: unknown, adapter: CarrierAdapter<unknown>, baggage: Baggage): Baggage {
  const header = singleValue(adapter.get(carrier, JAEGER_ADHOC_BAGGAGE_HEADER));
  if (header === undefined || header === REPEATED || header.length > 8192) return baggage;
  let result = baggage;
  let start = 0;
  while (start < header.length && result.size < BAGGAGE_MAX_MEMBERS) {
    let end = header.indexOf(',', start);
    if (end === -1) end = header.length;
    const equals = header.indexOf('=', start);
    if (equals !== -1 && equals < end) {
      const key = header.slice(start, equals).trim().toLowerCase();
      const value = decodeOrUndefined(header.slice(equals + 1, end).trim());
      if (value !== undefined && result.getEntry(key) === undefined) {
        const next = result.set(key, value);
        if (next.ok) result = next.value;
      }
    }
    start = end + 1;
  }
  return result;
}
