// Jaeger native propagation: `uber-trace-id: {trace-id}:{span-id}:{parent-span-id}:{flags}` and
// one `uberctx-{key}` header per baggage item (Jaeger client-library docs, "Propagation Format").
import {
  BAGGAGE_MAX_BYTES,
  BAGGAGE_MAX_MEMBERS,
  type Baggage,
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
import { BaggageBuilder } from './baggage-builder.js';
import { REPEATED, readHeader, readHeaderNames } from './header-value.js';
import { normalizeHexId, parseHexByte } from './hex-id.js';

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
    try {
      if (!isTraceContext(context) || !isValidHexId(context.traceId, 32) || !isValidHexId(context.spanId, 16)) return;
      const traceId = context.traceId.startsWith(ZERO_HIGH) ? context.traceId.slice(16) : context.traceId;
      const parent = hasParentSpanId(context) ? context.parentSpanId : '0';
      const flags = context.debug === true ? '03' : context.sampled ? '01' : '00';
      adapter.set(carrier, JAEGER_TRACE_HEADER, `${traceId}:${context.spanId}:${parent}:${flags}`);
      const baggage = context.baggage;
      if (this.injectsBaggage && baggage.size > 0) injectBaggage(baggage, carrier, adapter);
    } catch {
      // A carrier whose setter throws (a frozen object, a refusing Headers) loses the context,
      // not the request.
    }
  }

  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    const header = readHeader(carrier, adapter, JAEGER_TRACE_HEADER);
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
   * drops that item) and `jaeger-baggage`, within the W3C baggage limits: at most 180 items and
   * 8192 bytes as a `baggage` header would carry them. Linear in the number of headers. Never
   * throws.
   */
  extractBaggage(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Baggage | undefined {
    if (!this.extractsBaggage) return undefined;
    try {
      const builder = new BaggageBuilder();
      addPrefixedItems(carrier, adapter, builder);
      addAdhocItems(carrier, adapter, builder);
      return builder.size === 0 ? undefined : builder.build();
    } catch {
      return undefined;
    }
  }
}

// One `uberctx-{key}` per item. The exact lowercase header wins over other casings of the same
// key (as a case-insensitive read of the lowercase name would): lowercase names are read first,
// and only if some name was not lowercase, a second pass adds the keys still missing.
function addPrefixedItems(carrier: unknown, adapter: CarrierAdapter<unknown>, builder: BaggageBuilder): void {
  const names = readHeaderNames(carrier, adapter);
  let mixedCase = false;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (!startsWithIgnoreCase(name, JAEGER_BAGGAGE_PREFIX)) continue;
    const lower = name.toLowerCase();
    if (lower !== name) mixedCase = true;
    else addPrefixedItem(carrier, adapter, builder, name, lower);
  }
  if (!mixedCase) return;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (!startsWithIgnoreCase(name, JAEGER_BAGGAGE_PREFIX)) continue;
    const lower = name.toLowerCase();
    if (lower !== name) addPrefixedItem(carrier, adapter, builder, name, lower);
  }
}

function addPrefixedItem(carrier: unknown, adapter: CarrierAdapter<unknown>, builder: BaggageBuilder, name: string, lower: string): void {
  const key = lower.slice(JAEGER_BAGGAGE_PREFIX.length);
  if (builder.has(key)) return;
  // The name as listed is an exact hit for every adapter here (a lowercase-only read would
  // rescan all keys for each mixed-case name); the lowercase name is the contract's fallback.
  let raw = readHeader(carrier, adapter, name);
  if (raw === undefined && lower !== name) raw = readHeader(carrier, adapter, lower);
  if (raw === undefined || raw === REPEATED) return;
  const value = decodeOrUndefined(raw);
  if (value !== undefined) builder.add(key, value);
}

// `jaeger-baggage: k1=v1, k2=v2`: items already set by `uberctx-` headers win. Each member's `=`
// is looked for inside that member only, so a header of many `,` costs one pass, not one per item.
function addAdhocItems(carrier: unknown, adapter: CarrierAdapter<unknown>, builder: BaggageBuilder): void {
  const header = readHeader(carrier, adapter, JAEGER_ADHOC_BAGGAGE_HEADER);
  if (header === undefined || header === REPEATED || header.length > BAGGAGE_MAX_BYTES) return;
  const length = header.length;
  let start = 0;
  while (start < length && builder.size < BAGGAGE_MAX_MEMBERS) {
    let end = header.indexOf(',', start);
    if (end === -1) end = length;
    let equals = -1;
    for (let i = start; i < end; i++) {
      if (header.charCodeAt(i) === 0x3d) {
        equals = i;
        break;
      }
    }
    if (equals !== -1) {
      const key = header.slice(start, equals).trim().toLowerCase();
      const value = decodeOrUndefined(header.slice(equals + 1, end).trim());
      if (value !== undefined) builder.add(key, value);
    }
    start = end + 1;
  }
}

// Each item as `uberctx-{key}`, within the same limits `Baggage.serialize` applies to the W3C
// header: at most 180 items and 8192 bytes, so baggage built through the API cannot send an
// unbounded set of headers.
function injectBaggage(baggage: Baggage, carrier: unknown, adapter: CarrierAdapter<unknown>): void {
  let items = 0;
  let bytes = 0;
  for (const key of baggage.keys()) {
    if (items === BAGGAGE_MAX_MEMBERS) return;
    const value = baggage.get(key);
    if (value === undefined) continue;
    let encoded: string;
    try {
      encoded = encodeURIComponent(value);
    } catch {
      continue; // a lone surrogate has no UTF-8 form
    }
    const added = key.length + 1 + encoded.length + (items === 0 ? 0 : 1);
    if (bytes + added > BAGGAGE_MAX_BYTES) continue;
    adapter.set(carrier, JAEGER_BAGGAGE_PREFIX + key.toLowerCase(), encoded);
    items++;
    bytes += added;
  }
}
