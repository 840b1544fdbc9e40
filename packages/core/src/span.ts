// The span model. A span is written by the code that owns it, then frozen by finish;
// after that it is only read, by exporters. Ids stay as 32-bit words until their hex is read.
import { type TagValue, type Tags, sanitizeTagValue, sanitizeTags } from './attributes.js';
import { Baggage } from './baggage.js';
import { hexToWord, wordToHex, writeByteHex, writeWord, writeWordHex } from './ids.js';
import { createTextScratch, monotonicNowMs, monotonicToEpochMicros } from './platform.js';
import type { Result } from './result.js';
import type { ResolvedSpanLimits } from './span-limits.js';
import { TRACE_FLAG_SAMPLED, TraceContext, isTraceContext } from './trace-context.js';
import { TraceState } from './trace-state.js';

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatus = 'unset' | 'ok' | 'error';

/** A moment: epoch milliseconds (as `Date.now()`) or a `Date`. */
export type TimeInput = number | Date;

/** Something timestamped that happened during a span (an OpenTelemetry span event); frozen. */
export interface SpanEvent {
  readonly name: string;
  /**
   * Epoch microseconds (fractional), from the same monotonic-derived clock as the span's start
   * and end, and always within [startTime, endTime] of its span.
   */
  readonly time: number;
  readonly attributes: Readonly<Tags>;
  readonly droppedAttributesCount: number;
}

/** A link from a span to a span of another (or the same) trace; frozen. */
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

/** The kind a `span.kind` tag value sets (`'server'`, `'CLIENT'`, ...), or `undefined` for any other value. */
export function spanKindFromTag(value: unknown): SpanKind | undefined {
  return typeof value === 'string' && Object.hasOwn(KIND_BY_TAG, value) ? KIND_BY_TAG[value] : undefined;
}

/** Converts a {@link TimeInput} to epoch microseconds. */
export function toEpochMicros(time: TimeInput): number {
  return (typeof time === 'number' ? time : time.getTime()) * 1000;
}

/**
 * `time` in epoch microseconds, or `undefined` when it is not a time a span can carry: not a
 * number or a `Date`, not finite (an invalid `Date` too), before 1970, or past 2^53 µs (year
 * 2255). Callers then take the current time, so no exporter ever sees NaN or Infinity.
 */
export function validEpochMicros(time: unknown): number | undefined {
  const ms = typeof time === 'number' ? time : time instanceof Date ? time.getTime() : Number.NaN;
  const micros = ms * 1000;
  return micros >= 0 && micros <= Number.MAX_SAFE_INTEGER ? micros : undefined;
}

/** Rough bytes a finished span holds, for the export queue's byte bound. */
const SPAN_BASE_BYTES = 320;
/** Rough bytes of one tag whose value is not a long string. */
const TAG_BYTES = 48;

// Everything a span knows in one Smi: trace flags, state bits, kind and status.
//
//   bits 0-7  W3C trace flags      bit 8  finished      bit 9  recording     bit 10 kind given
//   bit 11    parent is remote     bit 12 debug         bits 13-15 kind      bits 16-17 status
//   bit 18    finished and frozen (tags, events, links)
/** @internal */
export const FLAG_FINISHED = 1 << 8;
/** @internal */
export const FLAG_RECORDING = 1 << 9;
const FLAG_KIND_EXPLICIT = 1 << 10;
const FLAG_PARENT_REMOTE = 1 << 11;
const FLAG_DEBUG = 1 << 12;
const KIND_SHIFT = 13;
const KIND_MASK = 7 << KIND_SHIFT;
const STATUS_SHIFT = 16;
const STATUS_MASK = 3 << STATUS_SHIFT;
const FLAG_FROZEN = 1 << 18;
const KINDS: readonly SpanKind[] = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly SpanStatus[] = ['unset', 'ok', 'error'];
const KIND_CODE: Readonly<Record<string, number>> = Object.freeze({ internal: 0, server: 1, client: 2, producer: 3, consumer: 4 });
const STATUS_CODE: Readonly<Record<string, number>> = Object.freeze({ unset: 0, ok: 1, error: 2 });

// `00-<trace id>-<span id>-<flags>`, built in place: ids go from words to ASCII with no strings.
const TRACEPARENT = createTextScratch(55);
TRACEPARENT.bytes.set([0x30, 0x30, 0x2d], 0);
TRACEPARENT.bytes[35] = 0x2d;
TRACEPARENT.bytes[52] = 0x2d;

/** @internal Initial flags of a recording, sampled span of kind internal. */
export const INITIAL_SPAN_FLAGS = TRACE_FLAG_SAMPLED | FLAG_RECORDING;

/** A readable name from whatever a caller passed; never throws (a throwing `toString` gives `''`). */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '';
  }
}

/** The current time on the monotonic-derived epoch clock spans start and end on. */
function nowEpochMicros(): number {
  return monotonicToEpochMicros(monotonicNowMs());
}

/**
 * The tags of one span. Objects made by one constructor get V8's in-object slack tracking, so
 * a span's first tags live inside the object instead of in a separate backing store; the null
 * prototype means no key can reach `Object.prototype`.
 */
class TagBag {}
Object.setPrototypeOf(TagBag.prototype, null);
Reflect.deleteProperty(TagBag.prototype, 'constructor');

/** What few spans have, kept out of the span object until first needed. */
class SpanExtras {
  events: SpanEvent[] | null = null;
  links: SpanLink[] | null = null;
  /** Frozen copies handed out while the span is open; dropped when what they copy changes. */
  tagsView: Readonly<Tags> | null = null;
  eventsView: readonly SpanEvent[] | null = null;
  linksView: readonly SpanLink[] | null = null;
  statusMessage = '';
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  /** Bytes of long tag values, events and links, for the queue's byte bound. */
  extraBytes = 0;
}

/**
 * A unit of work in a trace. Made by a {@link Tracer} or a
 * {@link SpanBuilder}; never constructed directly. Every mutator ignores (and counts) calls after
 * {@link Span.end}, and none of them throws.
 *
 * One rule for writes: a property that can be assigned (`operationName`, `serviceName`, `kind`,
 * `status`, `statusMessage`, `traceFlags`, `traceState`, `baggage`) does exactly what its setter
 * method does (checks, limits, ignored and counted after finish). Everything else — `tags`,
 * `events`, `links`, the `Baggage` and `TraceState` values, ids and times — is read-only by type
 * and frozen at run time, so a write through it changes nothing.
 */
export class Span {
  /** @internal */
  readonly _owner: SpanOwner;
  /** @internal trace id, four big-endian words */
  _trace0 = 0;
  /** @internal */
  _trace1 = 0;
  /** @internal */
  _trace2 = 0;
  /** @internal */
  _trace3 = 0;
  /** @internal span id words */
  _span0 = 0;
  /** @internal */
  _span1 = 0;
  /** @internal parent span id words; both 0 for a root span */
  _parent0 = 0;
  /** @internal */
  _parent1 = 0;
  /** @internal see the bit layout above */
  _flags = INITIAL_SPAN_FLAGS;
  /** @internal */
  _operationName: string;
  /** @internal */
  _serviceName: string;
  /** @internal epoch microseconds */
  _startTime = 0;
  /** @internal whole microseconds; -1 while open */
  _duration = -1;
  /** @internal */
  _tags: Tags | null = null;
  /** @internal */
  _tagCount = 0;
  /** @internal */
  _traceState: TraceState = TraceState.EMPTY;
  /** @internal */
  _baggage: Baggage = Baggage.EMPTY;
  /** @internal */
  _extras: SpanExtras | null = null;
  /** @internal the `traceparent` made by the first inject, kept for the next; ids are fixed at start, so only a flags change drops it */
  _traceparent: string | null = null;

  /** Not for applications: use `tracer.startSpan` or `SpanBuilder`. */
  constructor(owner: SpanOwner, operationName: string, serviceName: string) {
    this._owner = owner;
    this._operationName = operationName;
    this._serviceName = serviceName;
  }

  /** What the span does. Assigning it is the same as {@link Span.setOperationName}. */
  get operationName(): string {
    return this._operationName;
  }

  set operationName(name: string) {
    this.setOperationName(name);
  }

  /** Who does it. Assigning it is the same as {@link Span.setServiceName}. */
  get serviceName(): string {
    return this._serviceName;
  }

  set serviceName(name: string) {
    this.setServiceName(name);
  }

  /** Epoch microseconds (fractional: sub-µs precision where the clock has it). */
  get startTime(): number {
    return this._startTime;
  }

  /** Whole microseconds from a monotonic clock; -1 until the span finishes. */
  get duration(): number {
    return this._duration;
  }

  /** The `tracestate` this span forwards (from its parent context, or set). Assigning a `TraceState` sets it; ignored and counted after finish. */
  get traceState(): TraceState {
    return this._traceState;
  }

  set traceState(state: TraceState) {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return;
    }
    if (state instanceof TraceState) this._traceState = state;
  }

  /**
   * The baggage children inherit and injection sends downstream: a frozen value, read like a map
   * (`span.baggage.tenant`). Assigning a `Baggage` replaces it (ignored and counted after finish);
   * to add one item use {@link Span.setBaggage}.
   */
  get baggage(): Baggage {
    return this._baggage;
  }

  set baggage(baggage: Baggage) {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return;
    }
    if (baggage instanceof Baggage) this._baggage = baggage;
  }

  private extras(): SpanExtras {
    let extras = this._extras;
    if (extras === null) {
      extras = new SpanExtras();
      this._extras = extras;
    }
    return extras;
  }

  /** W3C trace flags (bit 0: sampled), handed to children and to injected context. */
  get traceFlags(): number {
    return this._flags & 0xff;
  }

  /** Ignored and counted after finish; only the low 8 bits are kept. */
  set traceFlags(flags: number) {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return;
    }
    if (typeof flags === 'number') {
      this._flags = (this._flags & ~0xff) | (flags & 0xff);
      this._traceparent = null;
    }
  }

  get kind(): SpanKind {
    return KINDS[(this._flags & KIND_MASK) >>> KIND_SHIFT] as SpanKind;
  }

  /** Assigning the kind is the same as {@link Span.setKind}. */
  set kind(kind: SpanKind) {
    this.setKind(kind);
  }

  get status(): SpanStatus {
    return STATUSES[(this._flags & STATUS_MASK) >>> STATUS_SHIFT] as SpanStatus;
  }

  /** Assigning the status is the same as {@link Span.setStatus} without a message. */
  set status(status: SpanStatus) {
    this.setStatus(status, this.statusMessage);
  }

  /** The error message of an `error` status, else `''`. */
  get statusMessage(): string {
    return this._extras?.statusMessage ?? '';
  }

  /** Sets the message of an `error` status (as `setStatus('error', message)`); ignored for other statuses, and counted after finish. */
  set statusMessage(message: string) {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return;
    }
    if (this.status === 'error') this.setStatus('error', message);
  }

  /** True when the parent came from another process (an extracted context). */
  get parentIsRemote(): boolean {
    return (this._flags & FLAG_PARENT_REMOTE) !== 0;
  }

  /** Debug / force-trace, inherited from the parent context (B3 `X-B3-Flags`, Jaeger 0x02). */
  get debug(): boolean {
    return (this._flags & FLAG_DEBUG) !== 0;
  }

  get droppedAttributesCount(): number {
    return this._extras?.droppedAttributesCount ?? 0;
  }

  get droppedEventsCount(): number {
    return this._extras?.droppedEventsCount ?? 0;
  }

  get droppedLinksCount(): number {
    return this._extras?.droppedLinksCount ?? 0;
  }

  /** @internal */
  _setParentFlags(parentIsRemote: boolean, debug: boolean): void {
    let flags = this._flags & ~(FLAG_PARENT_REMOTE | FLAG_DEBUG);
    if (parentIsRemote) flags |= FLAG_PARENT_REMOTE;
    if (debug) flags |= FLAG_DEBUG;
    this._flags = flags;
  }

  /** @internal */
  private noteDropped(what: 'droppedAttributesCount' | 'droppedEventsCount' | 'droppedLinksCount'): this {
    this.extras()[what]++;
    return this;
  }

  /** 32 lowercase hex characters, shared by every span of the trace. */
  get traceId(): string {
    return wordToHex(this._trace0) + wordToHex(this._trace1) + wordToHex(this._trace2) + wordToHex(this._trace3);
  }

  /** 16 lowercase hex characters. */
  get spanId(): string {
    return wordToHex(this._span0) + wordToHex(this._span1);
  }

  /** The parent's span id, or `''` for a root span. */
  get parentSpanId(): string {
    return this._parent0 === 0 && this._parent1 === 0 ? '' : wordToHex(this._parent0) + wordToHex(this._parent1);
  }

  /** True when `other` belongs to the same trace: compares id words, builds no strings. */
  hasSameTraceId(other: Span): boolean {
    return this._trace0 === other._trace0 && this._trace1 === other._trace1 && this._trace2 === other._trace2 && this._trace3 === other._trace3;
  }

  /** True when `other` has the same parent span id (or is a root, as this one is): compares id words. */
  hasSameParentSpanId(other: Span): boolean {
    return this._parent0 === other._parent0 && this._parent1 === other._parent1;
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

  /** Writes the trace id as 32 ASCII hex characters into `target` at `offset` (for text encoders). */
  writeTraceIdHex(target: Uint8Array, offset: number): void {
    writeWordHex(target, offset, this._trace0);
    writeWordHex(target, offset + 8, this._trace1);
    writeWordHex(target, offset + 16, this._trace2);
    writeWordHex(target, offset + 24, this._trace3);
  }

  /** Writes the span id as 16 ASCII hex characters into `target` at `offset`. */
  writeSpanIdHex(target: Uint8Array, offset: number): void {
    writeWordHex(target, offset, this._span0);
    writeWordHex(target, offset + 8, this._span1);
  }

  /** Writes the parent span id as 16 ASCII hex characters (zeros for a root) into `target` at `offset`. */
  writeParentSpanIdHex(target: Uint8Array, offset: number): void {
    writeWordHex(target, offset, this._parent0);
    writeWordHex(target, offset + 8, this._parent1);
  }

  /** Epoch microseconds at finish; 0 while the span is open. */
  get endTime(): number {
    return this.isFinished() ? this._startTime + this._duration : 0;
  }

  /**
   * Tags set on the span, read like a map (`span.tags['http.method']`): a frozen null-prototype
   * object. Change tags with {@link Span.setTag}; a write through this object changes nothing.
   * Once the span is finished this is the span's own (frozen) tag object, so encoders read it
   * without a copy; while it is open it is a frozen copy, remade only after a tag changes.
   */
  get tags(): Readonly<Tags> {
    const tags = this._tags;
    if (tags === null) return EMPTY_TAGS;
    if ((this._flags & FLAG_FINISHED) !== 0) {
      if ((this._flags & FLAG_FROZEN) === 0) this.freezeFinished();
      return tags;
    }
    const extras = this.extras();
    if (extras.tagsView === null) extras.tagsView = Object.freeze(Object.assign(new TagBag() as Tags, tags));
    return extras.tagsView;
  }

  /** Events in the order they were added (frozen; see {@link Span.tags} for how it is kept). */
  get events(): readonly SpanEvent[] {
    const extras = this._extras;
    if (extras === null || extras.events === null) return NO_EVENTS;
    if ((this._flags & FLAG_FINISHED) !== 0) {
      if ((this._flags & FLAG_FROZEN) === 0) this.freezeFinished();
      return extras.events;
    }
    extras.eventsView ??= Object.freeze(extras.events.slice());
    return extras.eventsView;
  }

  /** Links in the order they were added (frozen). */
  get links(): readonly SpanLink[] {
    const extras = this._extras;
    if (extras === null || extras.links === null) return NO_LINKS;
    if ((this._flags & FLAG_FINISHED) !== 0) {
      if ((this._flags & FLAG_FROZEN) === 0) this.freezeFinished();
      return extras.links;
    }
    extras.linksView ??= Object.freeze(extras.links.slice());
    return extras.linksView;
  }

  get sampled(): boolean {
    return (this._flags & TRACE_FLAG_SAMPLED) !== 0;
  }

  get instrumentationScope(): InstrumentationScope {
    return this._owner.instrumentationScope;
  }

  /** Rough bytes this span holds (for queue byte limits). */
  get estimatedBytes(): number {
    return SPAN_BASE_BYTES + this._tagCount * TAG_BYTES + (this._extras?.extraBytes ?? 0);
  }

  isFinished(): boolean {
    return (this._flags & FLAG_FINISHED) !== 0;
  }

  /** False for spans that were not sampled (they propagate context but record nothing) and after finish. */
  isRecording(): boolean {
    return (this._flags & (FLAG_RECORDING | FLAG_FINISHED)) === FLAG_RECORDING;
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
    // Kept this small so V8 inlines it where it is called: an unsampled span's tags then cost a
    // flag test in the caller, not a call each.
    const flags = this._flags;
    if ((flags & (FLAG_RECORDING | FLAG_FINISHED)) === FLAG_RECORDING) return this.storeTag(key, value, flags);
    if ((flags & FLAG_FINISHED) !== 0) this._owner.noteLateChange();
    return this;
  }

  /** The recording path of {@link Span.setTag}. */
  private storeTag(key: string, value: TagValue, flags: number): this {
    const limits = this._owner.limits;
    let stored: TagValue | undefined = value;
    const type = typeof value;
    if (type === 'string') {
      if ((value as string).length > limits.attributeValueLengthLimit) stored = (value as string).slice(0, limits.attributeValueLengthLimit);
    } else if (type !== 'number' && type !== 'boolean') {
      stored = sanitizeTagValue(value, limits.attributeValueLengthLimit);
    }
    if (stored === undefined || typeof key !== 'string' || key === '' || key === '__proto__') return this.noteDropped('droppedAttributesCount');
    let tags = this._tags;
    if (tags === null) {
      tags = new TagBag() as Tags;
      this._tags = tags;
    }
    if (tags[key] === undefined) {
      if (this._tagCount >= limits.attributeCountLimit) return this.noteDropped('droppedAttributesCount');
      this._tagCount++;
    }
    const extras = this._extras;
    if (extras !== null) extras.tagsView = null;
    if (typeof stored === 'string' && stored.length > 64) this.extras().extraBytes += stored.length;
    tags[key] = stored;
    if (key === 'span.kind' && (flags & FLAG_KIND_EXPLICIT) === 0 && typeof stored === 'string') {
      const kind = spanKindFromTag(stored);
      if (kind !== undefined) this._flags = (this._flags & ~KIND_MASK) | ((KIND_CODE[kind] as number) << KIND_SHIFT);
    }
    return this;
  }

  /** Sets several tags at once (see {@link Span.setTag}). */
  setTags(tags: Readonly<Record<string, TagValue>>): this {
    if (tags === null || typeof tags !== 'object') return this;
    try {
      for (const key in tags) {
        if (Object.hasOwn(tags, key)) this.setTag(key, tags[key] as TagValue);
      }
    } catch {
      // A getter that throws: the tags read before it are kept, and the failure is counted as a
      // dropped attribute, so the partial apply is visible.
      if (this.isRecording()) this.noteDropped('droppedAttributesCount');
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
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return this;
    }
    const next = this._baggage.set(key, value);
    if (next.ok) this._baggage = next.value;
    return this;
  }

  getBaggage(key: string): string | undefined {
    return this._baggage.get(key);
  }

  setStatus(status: SpanStatus, message?: string): this {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return this;
    }
    const code = STATUS_CODE[status];
    if (code === undefined) return this;
    this._flags = (this._flags & ~STATUS_MASK) | (code << STATUS_SHIFT);
    const text = status === 'error' && typeof message === 'string' ? message : '';
    if (text !== '' || this._extras !== null) this.extras().statusMessage = text;
    return this;
  }

  /** Sets the kind explicitly (a later `span.kind` tag no longer changes it). */
  setKind(kind: SpanKind): this {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return this;
    }
    const code = KIND_CODE[kind];
    if (code !== undefined) this._flags = (this._flags & ~KIND_MASK) | (code << KIND_SHIFT) | FLAG_KIND_EXPLICIT;
    return this;
  }

  setOperationName(name: string): this {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return this;
    }
    if (typeof name === 'string') this._operationName = name;
    return this;
  }

  setServiceName(name: string): this {
    if (this.isFinished()) {
      this._owner.noteLateChange();
      return this;
    }
    if (typeof name === 'string') this._serviceName = name;
    return this;
  }

  /**
   * Records a timestamped event; `time` defaults to now, on the clock the span's start and end
   * use. A time before the span's start is moved to the start; at finish, one after the end is
   * moved to the end, so every event lies within its span.
   */
  addEvent(name: string, attributes?: Readonly<Record<string, TagValue>>, time?: TimeInput): this {
    if (!this.isRecording()) {
      if (this.isFinished()) this._owner.noteLateChange();
      return this;
    }
    const limits = this._owner.limits;
    const extras = this.extras();
    let events = extras.events;
    if (events === null) {
      events = [];
      extras.events = events;
    }
    if (events.length >= limits.eventCountLimit) return this.noteDropped('droppedEventsCount');
    const clean =
      attributes === undefined
        ? { tags: EMPTY_TAGS, dropped: 0, count: 0 }
        : sanitizeTags(attributes, limits.attributePerEventCountLimit, limits.attributeValueLengthLimit);
    const at = (time === undefined ? undefined : validEpochMicros(time)) ?? nowEpochMicros();
    const eventName = nameOf(name);
    events.push(
      Object.freeze({
        name: eventName,
        time: Math.max(at, this._startTime),
        attributes: clean.count === 0 ? EMPTY_TAGS : Object.freeze(clean.tags),
        droppedAttributesCount: clean.dropped,
      }),
    );
    extras.eventsView = null;
    extras.extraBytes += 64 + eventName.length + 64 * clean.count;
    return this;
  }

  /** Links this span to another span's context. */
  addLink(context: TraceContext | Span, attributes?: Readonly<Record<string, TagValue>>): this {
    if (!this.isRecording()) {
      if (this.isFinished()) this._owner.noteLateChange();
      return this;
    }
    const limits = this._owner.limits;
    const extras = this.extras();
    let links = extras.links;
    if (links === null) {
      links = [];
      extras.links = links;
    }
    if (links.length >= limits.linkCountLimit) return this.noteDropped('droppedLinksCount');
    const target = isSpan(context) ? context.context() : context;
    if (!isTraceContext(target)) return this;
    const clean =
      attributes === undefined
        ? { tags: EMPTY_TAGS, dropped: 0, count: 0 }
        : sanitizeTags(attributes, limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit);
    links.push(
      Object.freeze({ context: target, attributes: clean.count === 0 ? EMPTY_TAGS : Object.freeze(clean.tags), droppedAttributesCount: clean.dropped }),
    );
    extras.linksView = null;
    extras.extraBytes += 96 + 64 * clean.count;
    return this;
  }

  /**
   * Records an error: status `error` with its message, the `error`, `error.message` and
   * `error.type` tags, and an `exception` event with type, message and stack.
   */
  recordException(error: unknown, time?: TimeInput): this {
    if (!this.isRecording()) {
      if (this.isFinished()) this._owner.noteLateChange();
      return this;
    }
    let type: string;
    let message: string;
    let stack: string | undefined;
    // An error object's getters are user code: one that throws must not escape into the app.
    try {
      const isError = error instanceof Error;
      type = isError ? nameOf(error.name || error.constructor.name) : typeof error;
      message = isError ? nameOf(error.message) : nameOf(error);
      stack = isError && typeof error.stack === 'string' ? error.stack : undefined;
    } catch {
      type = typeof error;
      message = '';
      stack = undefined;
    }
    this.setStatus('error', message);
    this.setTag('error', true);
    this.setTag('error.message', message);
    this.setTag('error.type', type);
    const attributes: Record<string, TagValue> = { 'exception.type': type, 'exception.message': message };
    if (stack !== undefined) attributes['exception.stacktrace'] = stack;
    return this.addEvent('exception', attributes, time);
  }

  /**
   * This span's W3C `traceparent` header value (version 00). Made on first use and kept: ids are
   * numbers until something needs their text, so the first call pays for the hex (what a tracer
   * that stores hex ids pays at span start) and later ones read a field.
   */
  toTraceparent(): string {
    let text = this._traceparent;
    if (text === null) {
      const bytes = TRACEPARENT.bytes;
      this.writeTraceIdHex(bytes, 3);
      this.writeSpanIdHex(bytes, 36);
      writeByteHex(bytes, 53, this._flags);
      text = TRACEPARENT.read(55);
      this._traceparent = text;
    }
    return text;
  }

  /** The context children and downstream services continue from. */
  context(): TraceContext {
    return new TraceContext({
      traceId: this.traceId,
      spanId: this.spanId,
      traceFlags: this._flags & 0xff,
      traceState: this._traceState,
      baggage: this._baggage,
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
    if (!this.isFinished()) this._owner.finishSpan(this);
  }

  /**
   * @internal Called once by the tracer as the span finishes: fixes the end and moves event
   * times past the end back to it. From then on nothing changes the span's tags, events or
   * links; they are frozen when first read (usually by an exporter), so a span nobody reads
   * never pays for it, and no one can reach them unfrozen.
   */
  _finish(endTime: number): void {
    this._duration = wholeMicros(endTime - this._startTime);
    this._flags |= FLAG_FINISHED;
    const extras = this._extras;
    if (extras === null) return;
    extras.tagsView = null;
    extras.eventsView = null;
    extras.linksView = null;
    const events = extras.events;
    if (events !== null) {
      const end = this._startTime + this._duration;
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as SpanEvent;
        if (event.time > end) events[i] = Object.freeze({ ...event, time: end });
      }
    }
  }

  private freezeFinished(): void {
    this._flags |= FLAG_FROZEN;
    if (this._tags !== null) Object.freeze(this._tags);
    const extras = this._extras;
    if (extras === null) return;
    if (extras.events !== null) Object.freeze(extras.events);
    if (extras.links !== null) Object.freeze(extras.links);
  }

  /** @internal from a validated 32-char hex trace id */
  _setTraceIdFromHex(traceId: string): void {
    this._trace0 = hexToWord(traceId, 0) ?? 0;
    this._trace1 = hexToWord(traceId, 8) ?? 0;
    this._trace2 = hexToWord(traceId, 16) ?? 0;
    this._trace3 = hexToWord(traceId, 24) ?? 0;
  }

  /** @internal from a validated 16-char hex span id */
  _setSpanIdFromHex(spanId: string): void {
    this._span0 = hexToWord(spanId, 0) ?? 0;
    this._span1 = hexToWord(spanId, 8) ?? 0;
  }

  /** @internal from a validated 16-char hex span id */
  _setParentIdFromHex(parentSpanId: string): void {
    this._parent0 = hexToWord(parentSpanId, 0) ?? 0;
    this._parent1 = hexToWord(parentSpanId, 8) ?? 0;
  }
}

Object.defineProperty(Span.prototype, SPAN_BRAND, { value: true });

/**
 * A duration in whole microseconds, never negative. Whole values up to ~35 minutes are small
 * integers that V8 keeps inside the span object instead of in a separate 16-byte heap number.
 */
function wholeMicros(micros: number): number {
  if (!(micros > 0)) return 0;
  return micros < 0x7fffffff ? Math.round(micros) | 0 : Math.round(micros);
}
