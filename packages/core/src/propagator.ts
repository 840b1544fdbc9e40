// Propagators move a TraceContext in and out of carriers. Core ships the W3C formats; more
// (B3, Jaeger, composites) live in @trace/context and implement the same interface.
import { BAGGAGE_MAX_MEMBERS, Baggage } from './baggage.js';
import { type CarrierAdapter, defaultCarrierAdapter } from './carrier.js';
import { type Result, TraceError, err, ok } from './result.js';
import type { Span } from './span.js';
import { TraceContext, formatTraceparent, isTraceContext, traceparentProblem } from './trace-context.js';
import { hexByteAt } from './ids.js';
import { TraceState } from './trace-state.js';

/** Injects a context into a carrier and extracts one back. */
export interface Propagator {
  /** Writes `context` into `carrier`. Never throws. */
  inject(context: TraceContext, carrier: unknown, adapter?: CarrierAdapter<unknown>): void;
  /**
   * Writes a span's context straight from the span, without making a {@link TraceContext} first;
   * the tracer uses it when present. Must write what `inject(span.context(), ...)` would.
   */
  injectSpan?(span: Span, carrier: unknown, adapter?: CarrierAdapter<unknown>): void;
  /** Reads a context from `carrier`; the error says what was missing or malformed. Never throws. */
  extract(carrier: unknown, adapter?: CarrierAdapter<unknown>): Result<TraceContext>;
  /**
   * Reads only baggage, for propagators that carry baggage but no trace ids; composite
   * propagators merge it into the context another propagator extracted.
   */
  extractBaggage?(carrier: unknown, adapter?: CarrierAdapter<unknown>): Baggage | undefined;
  /** Header names this propagator reads and writes. */
  fields(): readonly string[];
}

/** Error code when a carrier holds no trace context at all (the common case at a trace's edge). */
export const NO_TRACE_CONTEXT = 'NO_TRACE_CONTEXT';
// Returned by every extract that finds nothing (the common case), so frozen: one caller cannot
// change what the next one reads.
const MISSING = frozenError(NO_TRACE_CONTEXT, 'carrier has no traceparent header');
const NOT_A_STRING = frozenError('TRACEPARENT_INVALID', 'traceparent header is not a string');

function frozenError(code: string, message: string): Result<never> {
  return Object.freeze(err(Object.freeze(new TraceError(code, message))));
}

/** One header text from what an adapter returned: repeated headers joined by `,`, non-strings skipped. */
function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  let text: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === 'string') text = text === undefined ? item : `${text},${item}`;
  }
  return text;
}

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';
export const BAGGAGE_HEADER = 'baggage';
/** Prefix of the one-header-per-item baggage form, an alternative to the W3C `baggage` list (`baggage-user_id: 12345`). */
export const BAGGAGE_ITEM_PREFIX = 'baggage-';

/**
 * True when `name` starts with `baggage-` in any case. Compared code by code: every header of
 * every extract passes here, and slicing and lowercasing each one allocated two strings.
 */
function hasBaggageItemPrefix(name: string): boolean {
  for (let i = 0; i < BAGGAGE_ITEM_PREFIX.length; i++) {
    // `| 0x20` lowercases ASCII letters; the prefix's `-` (0x2d) already has the bit set.
    const code = name.charCodeAt(i);
    if ((i === 7 ? code : code | 0x20) !== BAGGAGE_ITEM_PREFIX.charCodeAt(i)) return false;
  }
  return true;
}

/** Options of {@link W3CPropagator}. */
export interface W3CPropagatorOptions {
  /** Also inject each baggage item as a `baggage-<key>` header. Default false. */
  injectBaggageItemHeaders?: boolean;
  /** Read `baggage-<key>` headers on extract. Default true. */
  extractBaggageItemHeaders?: boolean;
  /** Carry `traceparent`/`tracestate`. Default true. */
  traceContext?: boolean;
  /** Carry the W3C `baggage` header. Default true. */
  baggage?: boolean;
}

/**
 * W3C Trace Context (`traceparent`, `tracestate`) and W3C Baggage in one propagator: the
 * tracer's default.
 */
export class W3CPropagator implements Propagator {
  private readonly injectItems: boolean;
  private readonly extractItems: boolean;
  private readonly carriesTraceContext: boolean;
  private readonly carriesBaggage: boolean;
  private readonly fieldNames: readonly string[];

  constructor(options: W3CPropagatorOptions = {}) {
    this.injectItems = options.injectBaggageItemHeaders ?? false;
    this.extractItems = options.extractBaggageItemHeaders ?? true;
    this.carriesTraceContext = options.traceContext ?? true;
    this.carriesBaggage = options.baggage ?? true;
    const fields: string[] = [];
    if (this.carriesTraceContext) fields.push(TRACEPARENT_HEADER, TRACESTATE_HEADER);
    if (this.carriesBaggage) fields.push(BAGGAGE_HEADER);
    this.fieldNames = Object.freeze(fields);
  }

  fields(): readonly string[] {
    return this.fieldNames;
  }

  inject(context: TraceContext, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    if (!isTraceContext(context)) return;
    const traceparent = this.carriesTraceContext ? formatTraceparent(context.traceId, context.spanId, context.traceFlags) : '';
    this.writeHeaders(traceparent, context.traceState, context.baggage, carrier, adapter);
  }

  /** Injects straight from a span: the header comes from the span's id words, with no context object or hex strings. */
  injectSpan(span: Span, carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): void {
    this.writeHeaders(this.carriesTraceContext ? span.toTraceparent() : '', span.traceState, span.baggage, carrier, adapter);
  }

  private writeHeaders(traceparent: string, traceState: TraceState, baggage: Baggage, carrier: unknown, adapter: CarrierAdapter<unknown>): void {
    try {
      if (traceparent !== '') {
        adapter.set(carrier, TRACEPARENT_HEADER, traceparent);
        if (traceState.size > 0) adapter.set(carrier, TRACESTATE_HEADER, traceState.serialize());
      }
      if (this.carriesBaggage && baggage.size > 0) {
        const { header } = baggage.serialize();
        if (header !== '') adapter.set(carrier, BAGGAGE_HEADER, header);
        if (this.injectItems) {
          for (const key of baggage.keys()) adapter.set(carrier, BAGGAGE_ITEM_PREFIX + key.toLowerCase(), encodeURIComponent(baggage.get(key) as string));
        }
      }
    } catch {
      // A carrier whose setter throws (frozen object, exotic Headers) loses the context, not the app.
    }
  }

  /**
   * Reads `traceparent`, `tracestate` and baggage. Never throws, whatever the carrier or adapter
   * does: a carrier that cannot be read is `NO_TRACE_CONTEXT`, a header that is not a string is
   * `TRACEPARENT_INVALID`.
   */
  extract(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Result<TraceContext> {
    if (!this.carriesTraceContext) return MISSING;
    let header: unknown;
    try {
      header = adapter.get(carrier, TRACEPARENT_HEADER);
    } catch {
      return MISSING;
    }
    if (header === undefined) return MISSING;
    if (typeof header !== 'string') {
      if (!Array.isArray(header)) return NOT_A_STRING;
      if (header.length !== 1) return err(new TraceError('TRACEPARENT_REPEATED', 'carrier has more than one traceparent header'));
      header = header[0];
      if (typeof header !== 'string') return NOT_A_STRING;
    }
    let text = header as string;
    if (text.length !== 55) text = text.trim();
    const problem = traceparentProblem(text);
    if (problem !== undefined) return problem;
    const traceState = this.extractTraceState(carrier, adapter);
    const baggage = this.extractBaggage(carrier, adapter) ?? Baggage.EMPTY;
    return ok(
      new TraceContext({ traceId: text.slice(3, 35), spanId: text.slice(36, 52), traceFlags: hexByteAt(text, 53), traceState, baggage, isRemote: true }),
    );
  }

  /** Reads the `baggage` header and, if enabled, `baggage-<key>` headers; invalid input reads as none. */
  extractBaggage(carrier: unknown, adapter: CarrierAdapter<unknown> = defaultCarrierAdapter): Baggage | undefined {
    if (!this.carriesBaggage) return undefined;
    try {
      let baggage = Baggage.EMPTY;
      const header = headerText(adapter.get(carrier, BAGGAGE_HEADER));
      if (header !== undefined) {
        const parsed = Baggage.parse(header);
        if (parsed.ok) baggage = parsed.value;
      }
      if (this.extractItems) baggage = this.extractItemHeaders(carrier, adapter, baggage);
      return baggage.size === 0 ? undefined : baggage;
    } catch {
      return undefined;
    }
  }

  private extractTraceState(carrier: unknown, adapter: CarrierAdapter<unknown>): TraceState {
    let header: string | undefined;
    try {
      header = headerText(adapter.get(carrier, TRACESTATE_HEADER));
    } catch {
      return TraceState.EMPTY;
    }
    if (header === undefined) return TraceState.EMPTY;
    // Repeated tracestate headers are one list (RFC 7230 §3.2.2); an invalid one is discarded.
    const parsed = TraceState.parse(header);
    return parsed.ok ? parsed.value : TraceState.EMPTY;
  }

  private extractItemHeaders(carrier: unknown, adapter: CarrierAdapter<unknown>, baggage: Baggage): Baggage {
    const names: unknown = adapter.keys(carrier);
    if (!Array.isArray(names)) return baggage;
    // Collected first and added with one copy: adding one at a time copies the baggage per item.
    const entries: [string, string][] = [];
    for (const name of names as unknown[]) {
      if (typeof name !== 'string' || name.length <= BAGGAGE_ITEM_PREFIX.length || !hasBaggageItemPrefix(name)) continue;
      const key = name.slice(BAGGAGE_ITEM_PREFIX.length);
      if (baggage.has(key)) continue; // the W3C header wins
      // The name as the carrier stores it finds the value at once; a lowercase-only adapter needs
      // the lowercase name (a mixed-case lookup would scan every header per item).
      let raw: unknown = adapter.get(carrier, name);
      if (raw === undefined && name !== name.toLowerCase()) raw = adapter.get(carrier, name.toLowerCase());
      const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw[0] : undefined;
      if (typeof value !== 'string') continue;
      let decoded = value;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        // keep the raw value
      }
      entries.push([key, decoded]);
      if (entries.length + baggage.size >= BAGGAGE_MAX_MEMBERS) break;
    }
    return entries.length === 0 ? baggage : baggage.setAll(entries);
  }
}
