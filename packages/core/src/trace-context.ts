// W3C Trace Context `traceparent`: https://www.w3.org/TR/trace-context/#traceparent-header
import { Baggage } from './baggage.js';
import { byteToHex, hexByteAt, isValidHexId, scanHexId } from './ids.js';
import { type Result, TraceError, err, ok } from './result.js';
import { TraceState } from './trace-state.js';

/** Trace flag bit for "sampled" (W3C §3.2.2.5). */
export const TRACE_FLAG_SAMPLED = 0x01;

/** Fields of a {@link TraceContext}; ids are lowercase hex. */
export interface TraceContextInit {
  traceId: string;
  spanId: string;
  traceFlags?: number;
  traceState?: TraceState;
  baggage?: Baggage;
  isRemote?: boolean;
  /** The sending span's parent id, for formats that carry it (B3 `X-B3-ParentSpanId`). */
  parentSpanId?: string;
  /** Debug / force-trace request (B3 `X-B3-Flags: 1`, Jaeger flag 0x02); implies sampled. */
  debug?: boolean;
}

const TRACE_CONTEXT_BRAND = Symbol.for('@trace/core.TraceContext');

/** True for a {@link TraceContext} from any copy of this package (ESM or CommonJS). */
export function isTraceContext(value: unknown): value is TraceContext {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TRACE_CONTEXT_BRAND] === true;
}

/**
 * What crosses a process boundary: trace id, the sender's span id, flags, `tracestate` and
 * baggage. Frozen: a context handed to many spans or requests cannot be
 * changed by any of them. Made by hand, it is sampled unless `traceFlags` says otherwise, so a
 * span continued from it is recorded and exported (the usual intent of copying ids by hand).
 */
export class TraceContext {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters: the span that sent this context (the receiver's parent). */
  readonly spanId: string;
  /** All 8 flag bits as received; only bit 0 (sampled) has a meaning today. */
  readonly traceFlags: number;
  readonly traceState: TraceState;
  readonly baggage: Baggage;
  /** True when the context was extracted from a carrier rather than made in this process. */
  readonly isRemote: boolean;
  /** The sending span's parent id, or `''`; only some formats carry it. */
  readonly parentSpanId: string;
  /** A debug / force-trace request travels with the trace (B3, Jaeger); not part of W3C. */
  readonly debug: boolean;

  constructor(init: TraceContextInit) {
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.traceFlags = (init.traceFlags ?? TRACE_FLAG_SAMPLED) & 0xff;
    this.traceState = init.traceState ?? TraceState.EMPTY;
    this.baggage = init.baggage ?? Baggage.EMPTY;
    this.isRemote = init.isRemote ?? false;
    this.parentSpanId = init.parentSpanId ?? '';
    this.debug = init.debug ?? false;
    Object.freeze(this);
  }

  /** Builds a context after checking the ids; bad ids give an error that names the field. */
  static create(init: TraceContextInit): Result<TraceContext> {
    if (init === null || typeof init !== 'object') return err(new TraceError('INVALID_TRACE_CONTEXT', 'TraceContext.create needs an object'));
    if (!isValidHexId(init.traceId, 32)) return err(new TraceError('INVALID_TRACE_ID', 'traceId must be 32 lowercase hex characters, not all zero'));
    if (!isValidHexId(init.spanId, 16)) return err(new TraceError('INVALID_SPAN_ID', 'spanId must be 16 lowercase hex characters, not all zero'));
    return ok(new TraceContext(init));
  }

  get sampled(): boolean {
    return (this.traceFlags & TRACE_FLAG_SAMPLED) !== 0;
  }

  /** `00-{traceId}-{spanId}-{flags}`. Always version 00: the only version whose fields we know. */
  toW3CTraceparent(): string {
    return formatTraceparent(this.traceId, this.spanId, this.traceFlags);
  }

  /** Parses a `traceparent` header; the error says what is wrong with it. */
  static fromW3CTraceparent(header: string): Result<TraceContext> {
    const parsed = parseTraceparent(header);
    if (!parsed.ok) return parsed;
    const fields = parsed.value;
    return ok(new TraceContext({ traceId: fields.traceId, spanId: fields.spanId, traceFlags: fields.traceFlags, isRemote: true }));
  }

  /** A copy with some fields replaced. */
  with(changes: Partial<TraceContextInit>): TraceContext {
    if (changes === null || typeof changes !== 'object') return this;
    return new TraceContext({
      traceId: changes.traceId ?? this.traceId,
      spanId: changes.spanId ?? this.spanId,
      traceFlags: changes.traceFlags ?? this.traceFlags,
      traceState: changes.traceState ?? this.traceState,
      baggage: changes.baggage ?? this.baggage,
      isRemote: changes.isRemote ?? this.isRemote,
      parentSpanId: changes.parentSpanId ?? this.parentSpanId,
      debug: changes.debug ?? this.debug,
    });
  }
}

Object.defineProperty(TraceContext.prototype, TRACE_CONTEXT_BRAND, { value: true });

export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${byteToHex(traceFlags)}`;
}

/** The parsed fields of a `traceparent`. */
export interface Traceparent {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT_LENGTH = 55;

/**
 * Parses `traceparent` per the Recommendation's processing model: version 00 must be exactly 55
 * characters; a higher version may be longer if a `-` follows the flags; version `ff`, uppercase
 * or non-hex characters and all-zero ids are invalid. One pass, no allocation until success.
 */
export function parseTraceparent(header: string): Result<Traceparent> {
  const problem = traceparentProblem(header);
  if (problem !== undefined) return problem;
  return ok({ traceId: header.slice(3, 35), spanId: header.slice(36, 52), traceFlags: hexByteAt(header, 53) });
}

/**
 * Checks a `traceparent` as {@link parseTraceparent} does; undefined when it is valid, so a
 * propagator can build its context from the header with no fields object in between.
 */
export function traceparentProblem(header: string): Result<never> | undefined {
  if (typeof header !== 'string') return invalid('TRACEPARENT_INVALID', 'traceparent must be a string');
  const length = header.length;
  if (length < TRACEPARENT_LENGTH) return invalid('TRACEPARENT_INVALID_LENGTH', `traceparent is ${length} characters; it needs 55`);
  const version = hexByteAt(header, 0);
  if (version < 0) return invalid('TRACEPARENT_INVALID_VERSION', 'traceparent version is not two lowercase hex digits');
  if (version === 0xff) return invalid('TRACEPARENT_INVALID_VERSION', 'traceparent version ff is forbidden');
  if (version === 0 && length !== TRACEPARENT_LENGTH) {
    return invalid('TRACEPARENT_INVALID_LENGTH', `traceparent version 00 must be 55 characters, got ${length}`);
  }
  if (version !== 0 && length > TRACEPARENT_LENGTH && header.charCodeAt(TRACEPARENT_LENGTH) !== 0x2d) {
    return invalid('TRACEPARENT_INVALID', 'traceparent of a future version must have "-" after the flags');
  }
  if (header.charCodeAt(2) !== 0x2d || header.charCodeAt(35) !== 0x2d || header.charCodeAt(52) !== 0x2d) {
    return invalid('TRACEPARENT_INVALID', 'traceparent fields must be separated by "-"');
  }
  if (scanHexId(header, 3, 32) <= 0) return invalid('TRACEPARENT_INVALID_TRACE_ID', 'trace-id must be 32 lowercase hex characters, not all zero');
  if (scanHexId(header, 36, 16) <= 0) return invalid('TRACEPARENT_INVALID_PARENT_ID', 'parent-id must be 16 lowercase hex characters, not all zero');
  if (hexByteAt(header, 53) < 0) return invalid('TRACEPARENT_INVALID_FLAGS', 'trace-flags must be two lowercase hex digits');
  return undefined;
}

function invalid(code: string, message: string): Result<never> {
  return err(new TraceError(code, message));
}
