// The span model (seed §2). A span is written by the code that owns it, then frozen by finish;
// after that it is only read, by exporters. Ids stay as 32-bit words until their hex is read.
import { type TagValue, type Tags, sanitizeTagValue, sanitizeTags } from './attributes.js';
import { Baggage } from './baggage.js';
import { hexToWord, wordToHex, writeWord } from './ids.js';
import type { Result } from './result.js';
import type { ResolvedSpanLimits } from './span-limits.js';
import { TRACE_FLAG_SAMPLED, TraceContext } from './trace-context.js';
import { TraceState } from './trace-state.js';

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatus = 'unset' | 'ok' | 'error';

/** A moment: epoch milliseconds (as `Date.now()`) or a `Date`. */
export type TimeInput = number | Date;

/** Something timestamped that happened during a span (an OpenTelemetry span event). */
export interface SpanEvent {
  readonly name: string;
  /** Epoch microseconds. */
  readonly time: number;
  readonly attributes: Readonly<Tags>;
  readonly droppedAttributesCount: number;
}

/** A link from a span to a span of another (or the same) trace. */
export interface SpanLink {
  readonly context: TraceContext;
  readonly attributes: Readonly<Tags>;
  readonly droppedAttributesCount: number;
}

/** Name and version of the library that produced spans (an OpenTelemetry instrumentation scope). */
export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
}

/** What a span needs from the tracer that made it. */
export interface SpanOwner {
  readonly limits: ResolvedSpanLimits;
  readonly instrumentationScope: InstrumentationScope;
  finishSpan(span: Span, endTime?: TimeInput): Result;
  /** Counts a change made to a span after it finished (ignored, never applied). */
  noteLateChange(): void;
}

const EMPTY_TAGS: Readonly<Tags> = Object.freeze({});
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);

const KIND_BY_TAG: Readonly<Record<string, SpanKind>> = Object.freeze({
  internal: 'internal',
  server: 'server',
  client: 'client',
  producer: 'producer',
  consumer: 'consumer',
  INTERNAL: 'internal',
  SERVER: 'server',
  CLIENT: 'client',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
});

const SPAN_BRAND = Symbol.for('@trace/core.Span');

/** True for a {@link Span} from any copy of this package (ESM or CommonJS). */
export function isSpan(value: unknown): value is Span {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SPAN_BRAND] === true;
}

/** Converts a {@link TimeInput} to epoch microseconds. */
export function toEpochMicros(time: TimeInput): number {
  return (typeof time === 'number' ? time : time.getTime()) * 1000;
}

/** Rough bytes a finished span holds, for the export queue's byte bound. */
const SPAN_BASE_BYTES = 320;

/**
 * A unit of work in a trace (seed §2 `trace_span`). Made by a {@link Tracer} or a
 * {@link SpanBuilder}; never constructed directly. Every mutator ignores (and counts) calls after
 * {@link Span.end}, and none of them throws.
 */
export class Span {
  /** @internal trace id, four big-endian words */
  _trace0 = 0;
  /** @internal */
  _trace1 = 0;
  /** @internal */
  _trace2 = 0;
  /** @internal */
  _trace3 = 0;
  /** @internal */
  _span0 = 0;
  /** @internal */
  _span1 = 0;
  /** @internal parent span id words; both 0 for a root span */
  _parent0 = 0;
  /** @internal */
  _parent1 = 0;
  /** @internal hex caches, filled on first read */
  _traceIdHex: string | undefined = undefined;
  /** @internal */
  _spanIdHex: string | undefined = undefined;
  /** @internal */
  _parentSpanIdHex: string | undefined = undefined;
  /** @internal */
  _tags: Tags | null = null;
  /** @internal */
  _tagCount = 0;
  /** @internal */
  _events: SpanEvent[] | null = null;
  /** @internal */
  _links: SpanLink[] | null = null;
  /** @internal monotonic ms at start, for a duration no wall-clock step can make negative */
  _startMonotonic = 0;
  /** @internal */
  _finished = false;
  /** @internal */
  _kindExplicit = false;
  /** @internal */
  _recording = true;
  /** @internal */
  _sizeEstimate = SPAN_BASE_BYTES;
  /** @internal */
  readonly _owner: SpanOwner;

  operationName: string;
  serviceName: string;
  kind: SpanKind = 'internal';
  /** Epoch microseconds (fractional: sub-µs precision where the clock has it). */
  startTime = 0;
  /** Microseconds from a monotonic clock; -1 until the span finishes. */
  duration = -1;
  status: SpanStatus = 'unset';
  statusMessage = '';
  /** W3C trace flags (bit 0: sampled), handed to children and to injected context. */
  traceFlags = TRACE_FLAG_SAMPLED;
  /** The `tracestate` this span forwards (received from its parent context, or set). */
  traceState: TraceState = TraceState.EMPTY;
  baggage: Baggage = Baggage.EMPTY;
  /** True when the parent came from another process (an extracted context). */
  parentIsRemote = false;
  /** Debug / force-trace, inherited from the parent context (B3 `X-B3-Flags`, Jaeger 0x02). */
  debug = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;

  /** @internal Use `tracer.startSpan` or `SpanBuilder`. */
  constructor(owner: SpanOwner, operationName: string, serviceName: string) {
    this._owner = owner;
    this.operationName = operationName;
    this.serviceName = serviceName;
  }

  /** 32 lowercase hex characters, shared by every span of the trace. */
  get traceId(): string {
    if (this._traceIdHex === undefined) {
      this._traceIdHex = wordToHex(this._trace0) + wordToHex(this._trace1) + wordToHex(this._trace2) + wordToHex(this._trace3);
    }
    return this._traceIdHex;
  }

  /** 16 lowercase hex characters. */
  get spanId(): string {
    if (this._spanIdHex === undefined) this._spanIdHex = wordToHex(this._span0) + wordToHex(this._span1);
    return this._spanIdHex;
  }

  /** The parent's span id, or `''` for a root span. */
  get parentSpanId(): string {
    if (this._parentSpanIdHex === undefined) {
      this._parentSpanIdHex = this._parent0 === 0 && this._parent1 === 0 ? '' : wordToHex(this._parent0) + wordToHex(this._parent1);
    }
    return this._parentSpanIdHex;
  }

  get hasParent(): boolean {
    return this._parent0 !== 0 || this._parent1 !== 0;
  }

  /** Writes the 16 trace id bytes into `target` at `offset` (for binary encoders). */
  writeTraceId(target: Uint8Array, offset: number): void {
    writeWord(target, offset, this._trace0);
    writeWord(target, offset + 4, this._trace1);
    writeWord(target, offset + 8, this._trace2);
    writeWord(target, offset + 12, this._trace3);
  }

  /** Writes the 8 span id bytes into `target` at `offset`. */
  writeSpanId(target: Uint8Array, offset: number): void {
    writeWord(target, offset, this._span0);
    writeWord(target, offset + 4, this._span1);
  }

  /** Writes the 8 parent span id bytes (zeros for a root) into `target` at `offset`. */
  writeParentSpanId(target: Uint8Array, offset: number): void {
    writeWord(target, offset, this._parent0);
    writeWord(target, offset + 4, this._parent1);
  }

  /** Epoch microseconds at finish; 0 while the span is open. */
  get endTime(): number {
    return this._finished ? this.startTime + this.duration : 0;
  }

  /** Tags set on the span. Read-only: change them with {@link Span.setTag}. */
  get tags(): Readonly<Tags> {
    return this._tags ?? EMPTY_TAGS;
  }

  get events(): readonly SpanEvent[] {
    return this._events ?? NO_EVENTS;
  }

  get links(): readonly SpanLink[] {
    return this._links ?? NO_LINKS;
  }

  get sampled(): boolean {
    return (this.traceFlags & TRACE_FLAG_SAMPLED) !== 0;
  }

  get instrumentationScope(): InstrumentationScope {
    return this._owner.instrumentationScope;
  }

  /** Rough bytes this span holds (for queue byte limits). */
  get estimatedBytes(): number {
    return this._sizeEstimate;
  }

  isFinished(): boolean {
    return this._finished;
  }

  /** False for spans that were not sampled: they propagate context but record nothing. */
  isRecording(): boolean {
    return this._recording && !this._finished;
  }

  getTag(key: string): TagValue | undefined {
    const tags = this._tags;
    return tags !== null && Object.hasOwn(tags, key) ? tags[key] : undefined;
  }

  /**
   * Sets a tag. Values must be strings, numbers, booleans or homogeneous arrays of one of them;
   * anything else, and tags past the count limit, are dropped and counted. Setting `span.kind`
   * also sets {@link Span.kind} unless a kind was given at start.
   */
  setTag(key: string, value: TagValue): this {
    if (!this._recording) return this;
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    let tags = this._tags;
    const limits = this._owner.limits;
    const sanitized =
      typeof value === 'string' && value.length <= limits.attributeValueLengthLimit ? value : sanitizeTagValue(value, limits.attributeValueLengthLimit);
    if (sanitized === undefined || typeof key !== 'string' || key === '' || key === '__proto__') {
      this.droppedAttributesCount++;
      return this;
    }
    if (tags === null) {
      tags = {};
      this._tags = tags;
    }
    if (tags[key] === undefined) {
      if (this._tagCount >= limits.attributeCountLimit) {
        this.droppedAttributesCount++;
        return this;
      }
      this._tagCount++;
      this._sizeEstimate += 48 + key.length + (typeof sanitized === 'string' ? sanitized.length : 16);
    }
    tags[key] = sanitized;
    if (key === 'span.kind' && !this._kindExplicit && typeof sanitized === 'string') {
      this.kind = KIND_BY_TAG[sanitized] ?? this.kind;
    }
    return this;
  }

  /** Sets several tags at once (see {@link Span.setTag}). */
  setTags(tags: Readonly<Record<string, TagValue>>): this {
    for (const key in tags) {
      if (Object.hasOwn(tags, key)) this.setTag(key, tags[key] as TagValue);
    }
    return this;
  }

  /** Alias of {@link Span.setTag}, for code written against OpenTelemetry. */
  setAttribute(key: string, value: TagValue): this {
    return this.setTag(key, value);
  }

  /** Alias of {@link Span.setTags}. */
  setAttributes(tags: Readonly<Record<string, TagValue>>): this {
    return this.setTags(tags);
  }

  /** Sets a baggage item, which children inherit and injection sends downstream. */
  setBaggage(key: string, value: string): this {
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    const next = this.baggage.set(key, value);
    if (next.ok) this.baggage = next.value;
    return this;
  }

  getBaggage(key: string): string | undefined {
    return this.baggage.get(key);
  }

  setStatus(status: SpanStatus, message?: string): this {
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    this.status = status;
    this.statusMessage = status === 'error' && typeof message === 'string' ? message : '';
    return this;
  }

  /** Sets the kind explicitly (a later `span.kind` tag no longer changes it). */
  setKind(kind: SpanKind): this {
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    this.kind = kind;
    this._kindExplicit = true;
    return this;
  }

  setOperationName(name: string): this {
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    if (typeof name === 'string') this.operationName = name;
    return this;
  }

  /** Records a timestamped event; `time` defaults to now. */
  addEvent(name: string, attributes?: Readonly<Record<string, TagValue>>, time?: TimeInput): this {
    if (!this._recording) return this;
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    const limits = this._owner.limits;
    let events = this._events;
    if (events === null) {
      events = [];
      this._events = events;
    }
    if (events.length >= limits.eventCountLimit) {
      this.droppedEventsCount++;
      return this;
    }
    const clean =
      attributes === undefined
        ? { tags: EMPTY_TAGS, dropped: 0 }
        : sanitizeTags(attributes, limits.attributePerEventCountLimit, limits.attributeValueLengthLimit);
    const at = time === undefined ? Date.now() * 1000 : toEpochMicros(time);
    events.push({ name: String(name), time: at, attributes: clean.tags, droppedAttributesCount: clean.dropped });
    this._sizeEstimate += 64 + String(name).length + 64 * Object.keys(clean.tags).length;
    return this;
  }

  /** Links this span to another span's context. */
  addLink(context: TraceContext | Span, attributes?: Readonly<Record<string, TagValue>>): this {
    if (!this._recording) return this;
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    const limits = this._owner.limits;
    let links = this._links;
    if (links === null) {
      links = [];
      this._links = links;
    }
    if (links.length >= limits.linkCountLimit) {
      this.droppedLinksCount++;
      return this;
    }
    const target = isSpan(context) ? context.context() : context;
    const clean =
      attributes === undefined
        ? { tags: EMPTY_TAGS, dropped: 0 }
        : sanitizeTags(attributes, limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit);
    links.push({ context: target, attributes: clean.tags, droppedAttributesCount: clean.dropped });
    this._sizeEstimate += 96 + 64 * Object.keys(clean.tags).length;
    return this;
  }

  /**
   * Records an error: status `error` with its message, the `error`, `error.message` and
   * `error.type` tags, and an `exception` event with type, message and stack.
   */
  recordException(error: unknown, time?: TimeInput): this {
    if (!this._recording) return this;
    if (this._finished) {
      this._owner.noteLateChange();
      return this;
    }
    const isError = error instanceof Error;
    const type = isError ? error.name || error.constructor.name : typeof error;
    const message = isError ? error.message : String(error);
    this.setStatus('error', message);
    this.setTag('error', true);
    this.setTag('error.message', message);
    this.setTag('error.type', type);
    const attributes: Record<string, TagValue> = { 'exception.type': type, 'exception.message': message };
    if (isError && typeof error.stack === 'string') attributes['exception.stacktrace'] = error.stack;
    return this.addEvent('exception', attributes, time);
  }

  /** The context children and downstream services continue from. */
  context(): TraceContext {
    return new TraceContext({
      traceId: this.traceId,
      spanId: this.spanId,
      traceFlags: this.traceFlags,
      traceState: this.traceState,
      baggage: this.baggage,
      parentSpanId: this.parentSpanId,
      debug: this.debug,
    });
  }

  /** Finishes the span through the tracer that made it; same as `tracer.finishSpan(span)`. */
  end(endTime?: TimeInput): Result {
    return this._owner.finishSpan(this, endTime);
  }

  /** `using span = tracer.startSpan(...)` finishes the span when the scope exits. */
  [Symbol.dispose](): void {
    if (!this._finished) this._owner.finishSpan(this);
  }

  /** @internal sets ids from hex strings that were already validated */
  _setIdsFromHex(traceId: string, spanId: string | undefined, parentSpanId: string): void {
    this._trace0 = hexToWord(traceId, 0) ?? 0;
    this._trace1 = hexToWord(traceId, 8) ?? 0;
    this._trace2 = hexToWord(traceId, 16) ?? 0;
    this._trace3 = hexToWord(traceId, 24) ?? 0;
    this._traceIdHex = traceId;
    if (spanId !== undefined) {
      this._span0 = hexToWord(spanId, 0) ?? 0;
      this._span1 = hexToWord(spanId, 8) ?? 0;
      this._spanIdHex = spanId;
    }
    if (parentSpanId !== '') {
      this._parent0 = hexToWord(parentSpanId, 0) ?? 0;
      this._parent1 = hexToWord(parentSpanId, 8) ?? 0;
    }
    this._parentSpanIdHex = parentSpanId;
  }
}

Object.defineProperty(Span.prototype, SPAN_BRAND, { value: true });
