// `@trace/otel-adapter/api-bridge`: code written against `@opentelemetry/api` (instrumented
// libraries, `@opentelemetry/instrumentation-*`) records `@trace` spans. This entry is the only
// one that imports `@opentelemetry/api`; apps that never import it never load the API.
//
//   @opentelemetry/api ──getTracer──▶ BridgeTracer ──startSpan──▶ @trace Tracer (scoped)
//          │ context.active/with                                   │ current span (AsyncLocalStorage)
//          ▼                                                       ▼
//   BridgeContextManager ◀──── reads and sets the same current span ─┘
//
// One current span: the bridge's context manager keeps the OpenTelemetry context of each
// `context.with` and the `@trace` span that was current when it began; when `@trace` code made
// another span current inside, that span is what OpenTelemetry sees as active.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type {
  Attributes,
  AttributeValue,
  Context,
  ContextManager,
  Exception,
  Link,
  SpanContext,
  SpanOptions,
  SpanStatus,
  TextMapGetter,
  TextMapPropagator,
  TextMapSetter,
  TimeInput,
  TraceState as OtelTraceState,
  Tracer as OtelTracer,
  TracerProvider,
  Span as OtelSpan,
} from '@opentelemetry/api';
import { ROOT_CONTEXT, context as contextApi, propagation as propagationApi, trace as traceApi } from '@opentelemetry/api';
import {
  Baggage,
  type CarrierAdapter,
  ConfigError,
  type Span,
  type SpanKind,
  type TagValue,
  TraceContext,
  TraceState,
  type Tracer,
  isSpan,
  currentAttachment,
  isTracingSuppressed,
  runWithAttachment,
  isValidHexId,
  suppressTracing,
} from '@trace/core';

// The key OpenTelemetry's SDK and instrumentations read to tell that tracing is suppressed (a
// context key is a global symbol, so this is the same key their code creates).
const OTEL_SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
const INVALID_SPAN_CONTEXT: SpanContext = Object.freeze({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });

const KINDS: readonly SpanKind[] = ['internal', 'server', 'client', 'producer', 'consumer'];
const NO_ATTRIBUTES: Readonly<Record<string, TagValue>> = Object.freeze({});

/** Epoch milliseconds from any OpenTelemetry `TimeInput`, or `undefined` for "now" / invalid. */
function toEpochMillis(time: TimeInput | undefined): number | undefined {
  if (time === undefined || time === null) return undefined;
  if (typeof time === 'number') {
    if (!Number.isFinite(time)) return undefined;
    // OpenTelemetry reads small numbers as `performance.now()` readings, large ones as epoch ms.
    return time < performance.timeOrigin ? performance.timeOrigin + time : time;
  }
  if (Array.isArray(time)) {
    const [seconds, nanos] = time as [number, number];
    const millis = seconds * 1000 + nanos / 1e6;
    return Number.isFinite(millis) ? millis : undefined;
  }
  if (time instanceof Date) return time.getTime();
  return undefined;
}

/** OpenTelemetry attributes as `@trace` tags: arrays lose `null`/`undefined` holes; other values pass. */
function toTags(attributes: Attributes | undefined): Readonly<Record<string, TagValue>> {
  if (attributes === undefined || attributes === null || typeof attributes !== 'object') return NO_ATTRIBUTES;
  const tags: Record<string, TagValue> = {};
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = toTagValue(attributes[key]);
    if (value !== undefined) tags[key] = value;
  }
  return tags;
}

/**
 * Sets OpenTelemetry attributes on `span` one by one: no intermediate tags object per call, and
 * nothing read at all when the span does not record. A throwing getter ends the loop quietly.
 */
function setAttributesOn(span: Span, attributes: Attributes | undefined): void {
  if (attributes === undefined || attributes === null || typeof attributes !== 'object' || !span.isRecording()) return;
  try {
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      if (value === undefined || value === null) continue;
      span.setTag(key, Array.isArray(value) ? (toTagValue(value) as TagValue) : (value as TagValue));
    }
  } catch {
    // the attributes read before the throw are kept, as on @trace's own setTags
  }
}

function toTagValue(value: AttributeValue | undefined): TagValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return value as TagValue;
  let holes = false;
  for (const item of value) if (item === null || item === undefined) holes = true;
  return (holes ? value.filter((item) => item !== null && item !== undefined) : value) as TagValue;
}

/** A `@trace` TraceState seen through OpenTelemetry's `TraceState` interface. */
class BridgeTraceState implements OtelTraceState {
  constructor(readonly state: TraceState) {}
  set(key: string, value: string): OtelTraceState {
    const next = this.state.set(key, value);
    return next.ok ? new BridgeTraceState(next.value) : this;
  }
  unset(key: string): OtelTraceState {
    return new BridgeTraceState(this.state.unset(key));
  }
  get(key: string): string | undefined {
    return this.state.get(key);
  }
  serialize(): string {
    return this.state.serialize();
  }
}

function toTraceState(state: OtelTraceState | undefined): TraceState | undefined {
  if (state === undefined || state === null) return undefined;
  if (state instanceof BridgeTraceState) return state.state;
  try {
    const parsed = TraceState.parse(state.serialize());
    return parsed.ok ? parsed.value : undefined;
  } catch {
    return undefined;
  }
}

/** A `@trace` context for an OpenTelemetry span context, or `undefined` when its ids are invalid. */
function toTraceContext(spanContext: SpanContext | undefined): TraceContext | undefined {
  if (spanContext === undefined || spanContext === null) return undefined;
  const { traceId, spanId } = spanContext;
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  if (!isValidHexId(traceId, 32) || !isValidHexId(spanId, 16)) return undefined;
  // An undefined traceState is the empty one, as TraceContext reads it: no spread per context.
  return new TraceContext({
    traceId,
    spanId,
    traceFlags: typeof spanContext.traceFlags === 'number' ? spanContext.traceFlags & 0xff : 0,
    isRemote: spanContext.isRemote === true,
    traceState: toTraceState(spanContext.traceState),
  });
}

const BRIDGE_SPAN = Symbol.for('@trace/otel-adapter.BridgeSpan');

/** A `@trace` span behind OpenTelemetry's `Span` interface. */
class BridgeSpan implements OtelSpan {
  declare readonly [BRIDGE_SPAN]: true;
  private cachedContext: SpanContext | undefined = undefined;

  constructor(readonly span: Span) {}

  spanContext(): SpanContext {
    if (this.cachedContext === undefined) {
      const span = this.span;
      this.cachedContext = {
        traceId: span.traceId,
        spanId: span.spanId,
        traceFlags: span.traceFlags & 0xff,
        traceState: new BridgeTraceState(span.traceState),
        isRemote: false,
      };
    }
    return this.cachedContext;
  }

  setAttribute(key: string, value: AttributeValue): this {
    const tag = toTagValue(value);
    if (tag !== undefined) this.span.setTag(key, tag);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    setAttributesOn(this.span, attributes);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    let attributes: Attributes | undefined;
    let when = time;
    if (attributesOrTime instanceof Date || Array.isArray(attributesOrTime) || typeof attributesOrTime === 'number') when = attributesOrTime;
    else attributes = attributesOrTime as Attributes | undefined;
    this.span.addEvent(String(name), toTags(attributes), toEpochMillis(when));
    return this;
  }

  addLink(link: Link): this {
    const context = toTraceContext(link?.context);
    if (context !== undefined) this.span.addLink(context, toTags(link.attributes));
    return this;
  }

  addLinks(links: Link[]): this {
    if (Array.isArray(links)) for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    const code = status?.code;
    // OpenTelemetry: OK is final, and UNSET never replaces another status.
    if (code === 1) this.span.setStatus('ok');
    else if (code === 2 && this.span.status !== 'ok') this.span.setStatus('error', typeof status.message === 'string' ? status.message : undefined);
    return this;
  }

  updateName(name: string): this {
    this.span.setOperationName(String(name));
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.span.isFinished()) return; // OpenTelemetry allows a second end() and ignores it
    this.span.end(toEpochMillis(endTime));
  }

  isRecording(): boolean {
    return this.span.isRecording();
  }

  /** An `exception` event, as OpenTelemetry records it; the status is left to the caller. */
  recordException(exception: Exception, time?: TimeInput): void {
    if (!this.span.isRecording()) return;
    const attributes: Record<string, TagValue> = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception !== null && typeof exception === 'object') {
      const { name, message, stack, code } = exception as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown };
      if (typeof name === 'string') attributes['exception.type'] = name;
      else if (code !== undefined && code !== null) attributes['exception.type'] = String(code);
      if (typeof message === 'string') attributes['exception.message'] = message;
      if (typeof stack === 'string') attributes['exception.stacktrace'] = stack;
    }
    this.span.addEvent('exception', attributes, toEpochMillis(time));
  }
}

// The brand lives on the prototype: one property for all wrappers, and a wrapper made by another
// copy of this package (ESM next to CommonJS) still carries it.
Object.defineProperty(BridgeSpan.prototype, BRIDGE_SPAN, { value: true });

function isBridgeSpan(value: unknown): value is BridgeSpan {
  return value instanceof BridgeSpan || (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRIDGE_SPAN] === true);
}

/** The `@trace` span or remote context an OpenTelemetry context holds as its span. */
function parentOf(context: Context): Span | TraceContext | null {
  const otelSpan = traceApi.getSpan(context);
  if (otelSpan === undefined) return null;
  if (isBridgeSpan(otelSpan)) return otelSpan.span;
  return toTraceContext(otelSpan.spanContext()) ?? null;
}

// A span started through the bridge gets its wrapper at start and travels in OpenTelemetry
// contexts with it, so no lookup is needed on that path. Spans that `@trace` code made current
// are wrapped on first sight here, so that `getActiveSpan()` twice gives the same object.
const wrappers = new WeakMap<Span, BridgeSpan>();
function wrap(span: Span): BridgeSpan {
  let wrapper = wrappers.get(span);
  if (wrapper === undefined) {
    wrapper = new BridgeSpan(span);
    wrappers.set(span, wrapper);
  }
  return wrapper;
}

/** An OpenTelemetry tracer (one instrumentation scope) that starts `@trace` spans. */
class BridgeTracer implements OtelTracer {
  constructor(
    private readonly tracer: Tracer,
    private readonly contextManager: BridgeContextManager,
  ) {}

  startSpan(name: string, options?: SpanOptions, context?: Context): OtelSpan {
    // The active context already carries `@trace`'s suppression as OpenTelemetry's key; a context
    // passed in does not, so only then is `@trace`'s own flag read as well.
    if (context === undefined || context === null) return this.start(name, options, this.contextManager.active(), false);
    return this.start(name, options, context, true);
  }

  private start(name: string, options: SpanOptions | undefined, base: Context, checkTrace: boolean): OtelSpan {
    // An exporter's own requests, or code that asked for no tracing: record nothing.
    if (base.getValue(OTEL_SUPPRESS_TRACING) === true || (checkTrace && isTracingSuppressed())) return traceApi.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parent = options?.root === true ? null : parentOf(base);
    const kind = typeof options?.kind === 'number' ? KINDS[options.kind] : undefined;
    const startTime = options?.startTime === undefined ? undefined : toEpochMillis(options.startTime);
    // Attributes go on after the start, straight from OpenTelemetry's object: the sampler does not
    // read them, and an unsampled span never looks at them.
    const span = this.tracer.startSpan(String(name), { parent, kind, startTime });
    if (options !== undefined && span.isRecording()) {
      setAttributesOn(span, options.attributes);
      const links = options.links;
      if (Array.isArray(links)) {
        for (const link of links) {
          const linked = toTraceContext(link?.context);
          if (linked !== undefined) span.addLink(linked, toTags(link.attributes));
        }
      }
    }
    return new BridgeSpan(span);
  }

  startActiveSpan<F extends (span: OtelSpan) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length >= 2 ? (rest[0] as SpanOptions | undefined) : undefined;
    const parentContext = rest.length >= 3 ? (rest[1] as Context | undefined) : undefined;
    const base = parentContext ?? this.contextManager.active();
    const span = this.start(name, options, base, parentContext !== undefined && parentContext !== null);
    return this.contextManager.with(traceApi.setSpan(base, span), fn as (span: OtelSpan) => ReturnType<F>, undefined, span);
  }
}

/** OpenTelemetry's tracer provider: one {@link BridgeTracer} per instrumentation name and version. */
class BridgeTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, BridgeTracer>();

  constructor(
    private readonly tracer: Tracer,
    private readonly contextManager: BridgeContextManager,
  ) {}

  getTracer(name: string, version?: string): OtelTracer {
    const key = `${name}@${version ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      const scope = version === undefined || version === '' ? { name: String(name) } : { name: String(name), version: String(version) };
      tracer = new BridgeTracer(this.tracer.forInstrumentationScope(scope), this.contextManager);
      this.tracers.set(key, tracer);
    }
    return tracer;
  }
}

/** What the bridge keeps per `context.with`: the OpenTelemetry context and its `@trace` span. */
class ActiveEntry {
  constructor(
    readonly context: Context,
    /** The `@trace` span current when this context became active. */
    readonly span: Span | undefined,
  ) {}
}

type Listener = (...args: unknown[]) => unknown;
type AddMethod = (this: EventEmitter, event: string | symbol, listener: Listener) => EventEmitter;

/**
 * What `context.bind(context, emitter)` leaves on an emitter: the context its listeners run in and
 * the emitter's own add methods, which the shared replacements below call.
 */
class EmitterBinding {
  constructor(
    readonly manager: BridgeContextManager,
    readonly context: Context,
    readonly on: AddMethod,
    readonly addListener: AddMethod,
    readonly prependListener: AddMethod,
  ) {}
}

const EMITTER_BINDING = Symbol('@trace/otel-adapter.emitterBinding');
type BindableEmitter = EventEmitter & { [EMITTER_BINDING]?: EmitterBinding };

// Node's removeListener, off and listeners() already look through a wrapper's `listener` property
// (that is how `once` works), so bound listeners carry their original there and the remove
// methods stay as they are. The add methods are replaced by these five shared functions rather
// than by closures per emitter.
function bindingOf(emitter: BindableEmitter): EmitterBinding | undefined {
  return typeof emitter === 'object' && emitter !== null ? emitter[EMITTER_BINDING] : undefined;
}

function boundOn(this: BindableEmitter, event: string | symbol, listener: Listener): EventEmitter {
  const binding = bindingOf(this);
  if (binding === undefined) return EventEmitter.prototype.on.call(this, event, listener);
  if (typeof listener !== 'function') return binding.on.call(this, event, listener);
  return binding.on.call(this, event, bindListener(binding, listener));
}

function boundAddListener(this: BindableEmitter, event: string | symbol, listener: Listener): EventEmitter {
  const binding = bindingOf(this);
  if (binding === undefined) return EventEmitter.prototype.addListener.call(this, event, listener);
  if (typeof listener !== 'function') return binding.addListener.call(this, event, listener);
  return binding.addListener.call(this, event, bindListener(binding, listener));
}

function boundPrependListener(this: BindableEmitter, event: string | symbol, listener: Listener): EventEmitter {
  const binding = bindingOf(this);
  if (binding === undefined) return EventEmitter.prototype.prependListener.call(this, event, listener);
  if (typeof listener !== 'function') return binding.prependListener.call(this, event, listener);
  return binding.prependListener.call(this, event, bindListener(binding, listener));
}

function boundOnce(this: BindableEmitter, event: string | symbol, listener: Listener): EventEmitter {
  const binding = bindingOf(this);
  if (binding === undefined) return EventEmitter.prototype.once.call(this, event, listener);
  if (typeof listener !== 'function') return binding.on.call(this, event, listener);
  return binding.on.call(this, event, bindOnceListener(binding, this, event, listener));
}

function boundPrependOnceListener(this: BindableEmitter, event: string | symbol, listener: Listener): EventEmitter {
  const binding = bindingOf(this);
  if (binding === undefined) return EventEmitter.prototype.prependOnceListener.call(this, event, listener);
  if (typeof listener !== 'function') return binding.prependListener.call(this, event, listener);
  return binding.prependListener.call(this, event, bindOnceListener(binding, this, event, listener));
}

function bindListener(binding: EmitterBinding, listener: Listener): Listener {
  const bound = bindFunction(binding.manager, binding.context, listener) as Listener & { listener?: Listener };
  bound.listener = listener;
  return bound;
}

// Node's own `once` would add its wrapper through `this.on`, binding a second time; this one takes
// itself off before the call and runs at most once, as Node's does (an emit from an earlier
// listener of the same event must not call it twice).
function bindOnceListener(binding: EmitterBinding, emitter: EventEmitter, event: string | symbol, listener: Listener): Listener {
  const { manager, context } = binding;
  let fired = false;
  const bound = function (this: unknown, ...args: unknown[]): unknown {
    if (fired) return undefined;
    fired = true;
    emitter.removeListener(event, bound);
    return manager.run(context, listener, this, args);
  } as Listener & { listener?: Listener };
  bound.listener = listener;
  return bound;
}

/**
 * `fn` running in `context`, with `fn`'s `length`. The common arities get a closure declared with
 * that many parameters, which needs no `defineProperty` per call.
 */
function bindFunction(manager: BridgeContextManager, context: Context, fn: Listener): Listener {
  switch (fn.length) {
    case 0:
      return function (this: unknown) {
        // biome-ignore lint/complexity/noArguments: passes the call's arguments on without copying them into an array first
        return manager.run(context, fn, this, arguments);
      };
    case 1:
      return function (this: unknown, _first: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return manager.run(context, fn, this, arguments);
      };
    case 2:
      return function (this: unknown, _first: unknown, _second: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return manager.run(context, fn, this, arguments);
      };
    case 3:
      return function (this: unknown, _first: unknown, _second: unknown, _third: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return manager.run(context, fn, this, arguments);
      };
    default: {
      const bound = function (this: unknown, ...args: unknown[]) {
        return manager.run(context, fn, this, args);
      };
      Object.defineProperty(bound, 'length', { value: fn.length });
      return bound;
    }
  }
}

function currentEntry(): ActiveEntry | undefined {
  const attachment = currentAttachment();
  return attachment instanceof ActiveEntry ? attachment : undefined;
}

/**
 * OpenTelemetry's context manager over `@trace`'s current span. Each context it makes active
 * rides in `@trace`'s own current-span storage, attached to the span: one storage switch per
 * `context.with`, and `@trace` code inside sees the same current span.
 */
class BridgeContextManager implements ContextManager {
  constructor(private readonly tracer: Tracer) {}

  active(): Context {
    if (isTracingSuppressed()) return (currentEntry()?.context ?? ROOT_CONTEXT).setValue(OTEL_SUPPRESS_TRACING, true);
    const entry = currentEntry();
    const current = this.tracer.getCurrentSpan();
    if (entry !== undefined && entry.span === current) return entry.context;
    if (entry === undefined && current === undefined) return ROOT_CONTEXT;
    const base = entry?.context ?? ROOT_CONTEXT;
    // `@trace` code made another span current inside this context (or outside any).
    return current === undefined ? traceApi.deleteSpan(base) : traceApi.setSpan(base, wrap(current));
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.run(context, fn as unknown as Listener, thisArg, args) as ReturnType<F>;
  }

  /** `with` for callers that already hold the arguments (bound functions pass theirs on). */
  run(context: Context, fn: Listener, thisArg: unknown, args: ArrayLike<unknown>): unknown {
    const otelSpan = traceApi.getSpan(context);
    const span = isBridgeSpan(otelSpan) ? otelSpan.span : undefined;
    const entry = new ActiveEntry(context, span);
    if (context.getValue(OTEL_SUPPRESS_TRACING) === true) return suppressTracing(() => runWithAttachment(span, entry, fn, thisArg, args));
    return runWithAttachment(span, entry, fn, thisArg, args);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target === 'function') return bindFunction(this, context, target as unknown as Listener) as unknown as T;
    if (target instanceof EventEmitter) this.bindEmitter(context, target);
    return target;
  }

  /** Listeners added to `emitter` from now on run in `context`; removing them still works. */
  private bindEmitter(context: Context, emitter: BindableEmitter): void {
    if (emitter[EMITTER_BINDING] !== undefined) return;
    const { on, addListener, prependListener } = emitter as unknown as Record<'on' | 'addListener' | 'prependListener', AddMethod>;
    if (typeof on !== 'function' || typeof addListener !== 'function' || typeof prependListener !== 'function') return;
    // Plain assignments: every bound emitter of a class takes the same hidden-class path.
    try {
      emitter[EMITTER_BINDING] = new EmitterBinding(this, context, on, addListener, prependListener);
      emitter.on = boundOn;
      emitter.addListener = boundAddListener;
      emitter.prependListener = boundPrependListener;
      emitter.once = boundOnce;
      emitter.prependOnceListener = boundPrependOnceListener;
    } catch {
      // A frozen or sealed emitter: its listeners run in whatever context emits.
    }
  }

  enable(): this {
    return this;
  }

  disable(): this {
    return this;
  }
}

/** An OpenTelemetry getter as a `@trace` carrier adapter, for extract. */
class GetterAdapter implements CarrierAdapter<unknown> {
  constructor(readonly getter: TextMapGetter) {}
  get(carrier: unknown, name: string): string | readonly string[] | undefined {
    return this.getter.get(carrier, name);
  }
  set(): void {}
  keys(carrier: unknown): string[] {
    return this.getter.keys(carrier);
  }
}

/** An OpenTelemetry setter as a `@trace` carrier adapter, for inject: it reads nothing. */
class SetterAdapter implements CarrierAdapter<unknown> {
  constructor(readonly setter: TextMapSetter) {}
  get(): undefined {
    return undefined;
  }
  set(carrier: unknown, name: string, value: string): void {
    this.setter.set(carrier, name, value);
  }
  keys(): string[] {
    return [];
  }
}

/** `@trace`'s propagators behind OpenTelemetry's `TextMapPropagator` interface. */
class BridgePropagator implements TextMapPropagator {
  // Instrumentations pass the same module-level getter and setter on every request: the adapter
  // of the last one is kept (they hold nothing but it), so a request allocates none.
  private getterAdapter: GetterAdapter | undefined = undefined;
  private setterAdapter: SetterAdapter | undefined = undefined;

  constructor(private readonly tracer: Tracer) {}

  private getterAdapterFor(getter: TextMapGetter): GetterAdapter {
    let adapter = this.getterAdapter;
    if (adapter === undefined || adapter.getter !== getter) this.getterAdapter = adapter = new GetterAdapter(getter);
    return adapter;
  }

  private setterAdapterFor(setter: TextMapSetter): SetterAdapter {
    let adapter = this.setterAdapter;
    if (adapter === undefined || adapter.setter !== setter) this.setterAdapter = adapter = new SetterAdapter(setter);
    return adapter;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    try {
      const otelSpan = traceApi.getSpan(context);
      let source: Span | TraceContext | undefined = isBridgeSpan(otelSpan) ? otelSpan.span : toTraceContext(otelSpan?.spanContext());
      if (source === undefined) return;
      const baggage = propagationApi.getBaggage(context);
      if (baggage !== undefined) {
        const record: Record<string, string> = {};
        for (const [key, entry] of baggage.getAllEntries()) record[key] = entry.value;
        const merged = Baggage.fromRecord(record);
        const base = isSpan(source) ? source.context() : source;
        if (merged.ok) source = base.with({ baggage: merged.value });
      }
      this.tracer.injectContext(source, carrier, this.setterAdapterFor(setter));
    } catch {
      // a setter's bug must not reach the instrumented code
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    try {
      const extracted = this.tracer.extractContextFromCarrier(carrier, this.getterAdapterFor(getter));
      if (!extracted.ok) return context;
      const value = extracted.value;
      let result = traceApi.setSpanContext(context, {
        traceId: value.traceId,
        spanId: value.spanId,
        traceFlags: value.traceFlags & 0xff,
        isRemote: true,
        traceState: new BridgeTraceState(value.traceState),
      });
      const baggage = value.baggage;
      if (baggage.size > 0) {
        const record: Record<string, { value: string }> = {};
        for (const key of baggage.keys()) record[key] = { value: baggage.get(key) ?? '' };
        result = propagationApi.setBaggage(result, propagationApi.createBaggage(record));
      }
      return result;
    } catch {
      return context;
    }
  }

  fields(): string[] {
    return [...this.tracer.propagator.fields()];
  }
}

/** What {@link registerOpenTelemetryApi} installed; `unregister()` takes all of it back. */
export interface OpenTelemetryApiRegistration {
  readonly tracerProvider: TracerProvider;
  readonly contextManager: ContextManager;
  readonly propagator: TextMapPropagator;
  /** Removes the tracer provider, context manager and propagator from `@opentelemetry/api`. */
  unregister(): void;
}

/**
 * Installs `tracer` as `@opentelemetry/api`'s global tracer provider, context manager and
 * propagator: `trace.getTracer(name, version).startSpan(...)` then records `@trace` spans, sampled
 * by `tracer`'s sampler and exported by its exporters, with `name`/`version` as the
 * instrumentation scope. Throws a {@link ConfigError} when another SDK already holds one of the
 * three globals (call its shutdown, or `trace.disable()` etc., first).
 */
export function registerOpenTelemetryApi(tracer: Tracer): OpenTelemetryApiRegistration {
  const contextManager = new BridgeContextManager(tracer);
  const tracerProvider = new BridgeTracerProvider(tracer, contextManager);
  const propagator = new BridgePropagator(tracer);
  const registered = [
    traceApi.setGlobalTracerProvider(tracerProvider),
    contextApi.setGlobalContextManager(contextManager),
    propagationApi.setGlobalPropagator(propagator),
  ];
  const unregister = (): void => {
    traceApi.disable();
    contextApi.disable();
    propagationApi.disable();
  };
  if (registered.includes(false)) {
    // Take back what this call installed, leave what was there before.
    if (registered[0]) traceApi.disable();
    if (registered[1]) contextApi.disable();
    if (registered[2]) propagationApi.disable();
    throw new ConfigError('@opentelemetry/api already has a global tracer provider, context manager or propagator; disable it before registering @trace');
  }
  return { tracerProvider, contextManager, propagator, unregister };
}
