// The tracer: starts and finishes spans, carries context in and out of carriers,
// keeps the current span across async code, and feeds finished spans to its export pipelines.
import type { TagValue } from './attributes.js';
import type { CarrierAdapter } from './carrier.js';
import { type SpanObserver, notifyActivate, notifyStart, spanIn, spanObservers, spanStorage, storeFor } from './context-storage.js';
import { ExportPipeline, type ExportSettings, type FlushResult, resolveExportSettings } from './export/export-pipeline.js';
import type { ExportStats, SpanExporter } from './export/exporter.js';
import { randomWord } from './ids.js';
import { monotonicNowMs, monotonicToEpochMicros } from './platform.js';
import { type Propagator, W3CPropagator } from './propagator.js';
import { type Result, TraceError, err, ok } from './result.js';
import { type Sampler, type SamplingParameters, alwaysOn, isBuiltInSampler, parentBased } from './sampler.js';
import { type ShutdownHookOptions, installProcessShutdownHooks } from './shutdown-hooks.js';
import { type ResolvedSpanLimits, type SpanLimits, resolveSpanLimits } from './span-limits.js';
import {
  FLAG_FINISHED,
  FLAG_RECORDING,
  type InstrumentationScope,
  Span,
  type SpanKind,
  type SpanOwner,
  type TimeInput,
  isSpan,
  validEpochMicros,
} from './span.js';
import { CORE_VERSION } from './version.js';
import { TRACE_FLAG_SAMPLED, type TraceContext, isTraceContext } from './trace-context.js';

/** Options of {@link Tracer}. */
export interface TracerOptions {
  /** Service name given to spans started without one. Default `unknown_service:node`. */
  serviceName?: string;
  /** Default `parentBased(alwaysOn())`. */
  sampler?: Sampler;
  spanLimits?: SpanLimits;
  /** How context crosses process boundaries. Default W3C trace context + baggage. */
  propagator?: Propagator;
  /** Library that produced the spans (OTLP groups by it). Default `{ name: '@trace/core', version }` with this package's version. */
  instrumentationScope?: InstrumentationScope;
  /** Exporters to start with (each gets its own queue). */
  exporters?: SpanExporter[];
  exportSettings?: Partial<ExportSettings>;
}

/** Options of every span-starting call. */
export interface StartSpanOptions {
  /** Span kind; when absent, a `span.kind` tag sets it. */
  kind?: SpanKind;
  tags?: Readonly<Record<string, TagValue>>;
  /** Parent span or context. Default: the current span. `null` starts a new trace. */
  parent?: Span | TraceContext | null;
  links?: readonly (TraceContext | Span)[];
  /** Start time (epoch ms or Date). Default: now. */
  startTime?: TimeInput;
  /** Overrides the tracer's service name for this span. */
  serviceName?: string;
}

/** One exporter's figures, with the exporter's class name. */
export type NamedExportStats = ExportStats & { exporter: string };

const DEFAULT_SCOPE: InstrumentationScope = Object.freeze({ name: '@trace/core', version: CORE_VERSION });
const DEFAULT_SAMPLER = parentBased(alwaysOn());

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Central span management. Nothing here throws into the calling
 * code: invalid input is ignored or reported as a {@link Result}.
 */
export class Tracer implements SpanOwner {
  readonly serviceName: string;
  readonly limits: ResolvedSpanLimits;
  readonly instrumentationScope: InstrumentationScope;
  readonly propagator: Propagator;
  private readonly sampler: Sampler;
  private pipelines: ExportPipeline[] = [];
  private exportSettings: Partial<ExportSettings>;
  private lateChanges = 0;
  // The process-wide current-span storage and observer list, looked up once per tracer.
  private readonly currentSpans = spanStorage();
  private readonly observers = spanObservers();
  // Built-in samplers read the parameters during the call and keep nothing, so they share one
  // object, rewritten per span (no allocation on the default path). A user sampler may keep
  // what it is given, so it gets a fresh object of the same shape per decision instead, which
  // the tracer never touches again.
  private readonly reuseSamplingParameters: boolean;
  private readonly samplingParameters: { -readonly [K in keyof SamplingParameters]: SamplingParameters[K] } = {
    traceIdLowBits: 0,
    parentSampled: undefined,
    parentIsRemote: false,
    operationName: '',
  };

  constructor(options: TracerOptions = {}) {
    if (!spanShapesPinned) pinSpanShapes();
    this.serviceName = options.serviceName ?? 'unknown_service:node';
    this.sampler = options.sampler ?? DEFAULT_SAMPLER;
    this.reuseSamplingParameters = isBuiltInSampler(this.sampler);
    this.limits = resolveSpanLimits(options.spanLimits);
    this.propagator = options.propagator ?? new W3CPropagator();
    const scope = options.instrumentationScope;
    // A copy, frozen: every span of this tracer hands the same scope object to exporters.
    this.instrumentationScope =
      scope === undefined
        ? DEFAULT_SCOPE
        : Object.freeze(scope.version === undefined ? { name: String(scope.name) } : { name: String(scope.name), version: String(scope.version) });
    this.exportSettings = options.exportSettings ?? {};
    resolveExportSettings(this.exportSettings); // invalid settings throw here, at construction
    for (const exporter of options.exporters ?? []) this.addExporter(exporter);
  }

  // ── starting spans ───────────────────────────────────────────────────────────────────────────

  /**
   * Starts a span. Its parent is `options.parent` when given, else the current span; with
   * neither (or `parent: null`) it starts a new trace.
   */
  startSpan(operation: string, options?: StartSpanOptions): Span {
    const parent = options?.parent === undefined ? spanIn(this.currentSpans.getStore()) : options.parent;
    if (parent === null || parent === undefined) return this.createSpan(operation, undefined, undefined, undefined, options);
    if (isSpan(parent)) return this.createSpan(operation, undefined, parent, undefined, options);
    return this.createSpan(operation, undefined, undefined, parent, options);
  }

  /** Starts a child of `parent`; the service defaults to the parent's. */
  startChildSpan(parent: Span, operation: string, options?: StartSpanOptions): Span {
    if (!isSpan(parent)) return this.createSpan(operation, undefined, undefined, undefined, options);
    return this.createSpan(operation, options?.serviceName ?? parent.serviceName, parent, undefined, options);
  }

  /** Continues a trace received from elsewhere. */
  startSpanFromContext(context: TraceContext, operation: string, options?: StartSpanOptions): Span {
    if (!isTraceContext(context)) return this.createSpan(operation, undefined, undefined, undefined, options);
    return this.createSpan(operation, undefined, undefined, context, options);
  }

  /**
   * Shared by every way of starting a span. Private: the public ways in are the start methods
   * and {@link SpanBuilder} (which, in this package, calls it as `tracer['createSpan']`).
   */
  private createSpan(
    operation: string,
    service: string | undefined,
    parentSpan: Span | undefined,
    parentContext: TraceContext | undefined,
    options: StartSpanOptions | undefined,
    explicitTraceId?: string,
    explicitSpanId?: string,
  ): Span {
    const serviceName = service ?? options?.serviceName;
    const span = new Span(this, nameOf(operation), typeof serviceName === 'string' ? serviceName : this.serviceName);
    let parentSampled: boolean | undefined;
    let parentIsRemote = false;
    let parentFlags = TRACE_FLAG_SAMPLED;
    let debug = false;
    if (parentSpan !== undefined) {
      span._trace0 = parentSpan._trace0;
      span._trace1 = parentSpan._trace1;
      span._trace2 = parentSpan._trace2;
      span._trace3 = parentSpan._trace3;
      span._parent0 = parentSpan._span0;
      span._parent1 = parentSpan._span1;
      span._traceState = parentSpan._traceState;
      span._baggage = parentSpan._baggage;
      parentFlags = parentSpan.traceFlags;
      debug = parentSpan.debug;
      if (debug) span._setParentFlags(false, true);
      parentSampled = (parentFlags & TRACE_FLAG_SAMPLED) !== 0;
    } else if (parentContext !== undefined) {
      span._setTraceIdFromHex(parentContext.traceId);
      span._setParentIdFromHex(parentContext.spanId);
      span._traceState = parentContext.traceState;
      span._baggage = parentContext.baggage;
      parentFlags = parentContext.traceFlags;
      debug = parentContext.debug;
      parentIsRemote = parentContext.isRemote;
      span._setParentFlags(parentIsRemote, debug);
      parentSampled = (parentFlags & TRACE_FLAG_SAMPLED) !== 0;
    } else {
      if (explicitTraceId !== undefined) {
        span._setTraceIdFromHex(explicitTraceId);
      } else {
        span._trace0 = randomWord();
        span._trace1 = randomWord();
        span._trace2 = randomWord();
        span._trace3 = randomWord();
        if ((span._trace0 | span._trace1 | span._trace2 | span._trace3) === 0) span._trace3 = 1;
      }
    }
    if (explicitSpanId !== undefined) {
      span._setSpanIdFromHex(explicitSpanId);
    } else {
      span._span0 = randomWord();
      span._span1 = randomWord();
      if ((span._span0 | span._span1) === 0) span._span1 = 1;
    }

    let parameters: SamplingParameters;
    if (this.reuseSamplingParameters) {
      const shared = this.samplingParameters;
      shared.traceIdLowBits = span._trace3 >>> 0;
      shared.parentSampled = parentSampled;
      shared.parentIsRemote = parentIsRemote;
      shared.operationName = span._operationName;
      parameters = shared;
    } else {
      parameters = { traceIdLowBits: span._trace3 >>> 0, parentSampled, parentIsRemote, operationName: span._operationName };
    }
    let sampled: boolean;
    try {
      // A debug (force-trace) request from upstream is always recorded.
      sampled = debug || this.sampler.shouldSample(parameters) === true;
    } catch {
      sampled = false;
    }
    // Other trace-flag bits travel on unchanged; the sampled bit is this decision.
    if (!sampled) {
      // Nothing of an unsampled span is ever exported: no clock reads, no tags, only its context.
      span._flags = (span._flags & ~(0xff | FLAG_RECORDING)) | (parentFlags & 0xff & ~TRACE_FLAG_SAMPLED);
      if (this.observers.length !== 0) notifyStart(span);
      return span;
    }
    span._flags = (span._flags & ~0xff) | (parentFlags & 0xff) | TRACE_FLAG_SAMPLED;
    const startTime = options?.startTime;
    span._startTime = (startTime === undefined ? undefined : validEpochMicros(startTime)) ?? monotonicToEpochMicros(monotonicNowMs());
    if (options !== undefined) {
      if (options.kind !== undefined) span.setKind(options.kind);
      if (options.tags !== undefined) span.setTags(options.tags);
      const links = options.links;
      if (Array.isArray(links)) for (let i = 0; i < links.length; i++) span.addLink(links[i]);
    }
    if (this.observers.length !== 0) notifyStart(span);
    return span;
  }

  // ── finishing ────────────────────────────────────────────────────────────────────────────────

  /**
   * Finishes a span: fixes its end time and duration (monotonic) and hands it to every
   * exporter's queue if sampled. Finishing twice is an error result, not a second export.
   */
  finishSpan(span: Span, endTime?: TimeInput): Result {
    // instanceof first: one map check for spans of this copy of the package; the brand for others.
    if (!(span instanceof Span) && !isSpan(span)) return err(new TraceError('NOT_A_SPAN', 'finishSpan needs a Span'));
    if (span._owner !== this) return span._owner.finishSpan(span, endTime);
    const flags = span._flags;
    if ((flags & FLAG_FINISHED) !== 0) return err(new TraceError('SPAN_ALREADY_FINISHED', `span ${span.operationName} was already finished`));
    if ((flags & FLAG_RECORDING) === 0) {
      span._duration = 0;
      span._flags = flags | FLAG_FINISHED;
      return ok();
    }
    // The start time came from the same monotonic clock, so a wall-clock step cannot bite.
    span._finish((endTime === undefined ? undefined : validEpochMicros(endTime)) ?? monotonicToEpochMicros(monotonicNowMs()));
    const pipelines = this.pipelines;
    for (let i = 0; i < pipelines.length; i++) (pipelines[i] as ExportPipeline).enqueue(span);
    return ok();
  }

  /** Counts a change made to one of this tracer's spans after it finished (spans call it). */
  noteLateChange(): void {
    this.lateChanges++;
  }

  /** Problems the tracer absorbed instead of throwing. */
  getDiagnostics(): { changesAfterFinish: number } {
    return { changesAfterFinish: this.lateChanges };
  }

  // ── context propagation ──────────────────────────────────────────────────────────────────────

  /** The context to propagate from `span`. */
  extractContext(span: Span): TraceContext {
    return span.context();
  }

  /** Writes `context` (or a span's context) into `carrier` with the tracer's propagator. */
  injectContext(context: TraceContext | Span, carrier: unknown, adapter?: CarrierAdapter<unknown>): void {
    const propagator = this.propagator;
    if (!isSpan(context)) propagator.inject(context, carrier, adapter);
    else if (propagator.injectSpan !== undefined) propagator.injectSpan(context, carrier, adapter);
    else propagator.inject(context.context(), carrier, adapter);
  }

  /** Reads a context from `carrier`. */
  extractContextFromCarrier(carrier: unknown, adapter?: CarrierAdapter<unknown>): Result<TraceContext> {
    try {
      return this.propagator.extract(carrier, adapter);
    } catch (error) {
      return err(new TraceError('PROPAGATOR_FAILED', `propagator failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  // ── current span ─────────────────────────────────────────────────────────────────────────────

  /** Makes `span` current for the rest of this synchronous run and the async work it starts. */
  setCurrentSpan(span: Span): void {
    if (!isSpan(span)) return;
    this.currentSpans.enterWith(storeFor(this.currentSpans.getStore(), span));
    if (this.observers.length !== 0) notifyActivate(span);
  }

  /**
   * Makes no span current for the rest of this synchronous run and the async work it starts
   * (the way back from {@link setCurrentSpan}; instrumentation uses it where a connection's
   * context outlives the request that set it).
   */
  clearCurrentSpan(): void {
    const store = this.currentSpans.getStore();
    if (spanIn(store) !== undefined) this.currentSpans.enterWith(storeFor(store, undefined));
  }

  getCurrentSpan(): Span | undefined {
    return spanIn(this.currentSpans.getStore());
  }

  /** Runs `fn` with `span` current; the span is not finished. */
  runWithSpan<T>(span: Span, fn: (span: Span) => T): T {
    if (this.observers.length !== 0) notifyActivate(span);
    return this.currentSpans.run(storeFor(this.currentSpans.getStore(), span), fn, span);
  }

  /** Runs `fn` with no current span, so spans it starts without a parent begin new traces. */
  runWithoutSpan<T>(fn: () => T): T {
    return this.currentSpans.run(storeFor(this.currentSpans.getStore(), undefined), fn);
  }

  /**
   * A tracer whose spans name `scope` as the library that produced them (OTLP groups spans by
   * it); it shares everything else with this tracer: sampler, limits, propagator, exporters.
   */
  forInstrumentationScope(scope: InstrumentationScope): Tracer {
    // The scoped tracer inherits every field and method; only its scope is its own.
    const frozen = Object.freeze(scope.version === undefined ? { name: String(scope.name) } : { name: String(scope.name), version: String(scope.version) });
    return Object.create(this, { instrumentationScope: { value: frozen, enumerable: true } }) as Tracer;
  }

  /**
   * Runs `fn` inside a new current span. The span finishes
   * when `fn` returns, throws, or its promise settles; a throw or rejection is recorded on the
   * span and passed on unchanged.
   */
  withSpan<T>(operation: string, fn: (span: Span) => T, options?: StartSpanOptions): T {
    const span = this.startSpan(operation, options);
    if (this.observers.length !== 0) notifyActivate(span);
    let result: T;
    try {
      result = this.currentSpans.run(storeFor(this.currentSpans.getStore(), span), fn, span);
    } catch (error) {
      span.recordException(error);
      this.finishSpan(span);
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          this.finishSpan(span);
          return value;
        },
        (error: unknown) => {
          span.recordException(error);
          this.finishSpan(span);
          throw error;
        },
      ) as T;
    }
    this.finishSpan(span);
    return result;
  }

  // ── export ───────────────────────────────────────────────────────────────────────────────────

  /** Replaces every exporter with `exporter` (the old ones are shut down). */
  setExporter(exporter: SpanExporter): void {
    const old = this.pipelines;
    this.pipelines = [new ExportPipeline(exporter, this.exportSettings)];
    for (const pipeline of old) void pipeline.shutdown({ keepProcessAlive: false }); // nobody awaits it: it must not hold the process
  }

  /** Adds an exporter with its own queue, so a slow backend never holds back another. */
  addExporter(exporter: SpanExporter): void {
    this.pipelines = [...this.pipelines, new ExportPipeline(exporter, this.exportSettings)];
  }

  /** Changes export settings (batch size, interval, queue bounds, timeout, retries) of every exporter. */
  configureExport(settings: Partial<ExportSettings>): void {
    const merged = { ...this.exportSettings, ...settings };
    resolveExportSettings(merged);
    for (const pipeline of this.pipelines) pipeline.configure(merged);
    this.exportSettings = merged;
  }

  /** Flushes every exporter; `ok` when all spans finished before the call have settled. */
  async flush(options: { deadlineMs?: number } = {}): Promise<FlushResult> {
    const results = await Promise.all(this.pipelines.map((pipeline) => pipeline.flush(options)));
    await Promise.all(this.pipelines.map((pipeline) => pipeline.exporter.flush().catch(() => undefined)));
    return firstError(results);
  }

  /** Flushes within the deadline, then shuts every exporter down. Safe to call twice. */
  async shutdown(options: { deadlineMs?: number } = {}): Promise<FlushResult> {
    return firstError(await Promise.all(this.pipelines.map((pipeline) => pipeline.shutdown(options))));
  }

  /** One entry per exporter: the same figures as its `getStats()`, drops included. */
  getExportStats(): NamedExportStats[] {
    return this.pipelines.map((pipeline) => ({ exporter: pipeline.exporter.constructor.name, ...pipeline.getStats() }));
  }

  /** Flushes on SIGTERM / SIGINT / beforeExit within a deadline (opt-in). Returns an uninstaller. */
  installShutdownHooks(options?: ShutdownHookOptions): () => void {
    return installProcessShutdownHooks((hookOptions) => this.shutdown(hookOptions), options);
  }
}

/** A readable operation name from whatever a caller passed; never throws. */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return '';
  }
}

function firstError(results: FlushResult[]): FlushResult {
  for (const result of results) if (!result.ok) return result;
  return ok();
}

const GLOBAL_TRACER_KEY = Symbol.for('@trace/core.globalTracer');
type GlobalTracerSlot = { [GLOBAL_TRACER_KEY]?: Tracer };

/** The current span of whichever tracer made it, or `undefined` (no tracer is created). */
export function getCurrentSpan(): Span | undefined {
  return spanIn(spanStorage().getStore());
}

/** The process-wide tracer; created with defaults on first use. */
export function globalTracer(): Tracer {
  const slot = globalThis as GlobalTracerSlot;
  let tracer = slot[GLOBAL_TRACER_KEY];
  if (tracer === undefined) {
    tracer = new Tracer();
    slot[GLOBAL_TRACER_KEY] = tracer;
  }
  return tracer;
}

/** Replaces the process-wide tracer. */
export function setGlobalTracer(tracer: Tracer): void {
  (globalThis as GlobalTracerSlot)[GLOBAL_TRACER_KEY] = tracer;
}

/** Runs `fn` in a new current span of the global tracer, finished when `fn` returns (or its promise settles). */
export function traceSpan<T>(operation: string, fn: (span: Span) => T, options?: StartSpanOptions): T {
  return globalTracer().withSpan(operation, fn, options);
}

/** Runs `fn` in a new current child span of `parent`, on the global tracer, finished when `fn` returns (or its promise settles). */
export function traceChildSpan<T>(parent: Span, operation: string, fn: (span: Span) => T, options?: StartSpanOptions): T {
  return globalTracer().withSpan(operation, fn, { ...options, parent });
}

let spanShapesPinned = false;
const NO_OBSERVERS: readonly SpanObserver[] = Object.freeze([]);

// V8 keeps the hidden classes of spans (and their tags, extras and contexts) alive only while
// some object of that shape is alive. A full GC that finds none drops them, and every function
// that touched spans deoptimises until it is compiled again: tools/bench saw W1c fall from ~8x to
// ~3.6x OTel that way. A few finished spans and a context, pinned on globalThis for the life of
// the process (a module-level constant nobody reads could be collected), prevent it. Done by the
// first Tracer rather than at import, so importing the package runs nothing.
function pinSpanShapes(): void {
  spanShapesPinned = true;
  const tracer = new Tracer({ serviceName: 'shape-keeper' });
  // Its spans are nobody's: observers (request context, log correlation) must not see them, or
  // the first Tracer made inside a request would write these ids into that request's context.
  (tracer as unknown as { observers: readonly SpanObserver[] }).observers = NO_OBSERVERS;
  const root = tracer.startSpan('shape-keeper', { parent: null, kind: 'server' });
  root.setTag('shape', 'kept').setStatus('error', 'kept');
  root.addEvent('kept');
  const child = tracer.startChildSpan(root, 'shape-keeper-child');
  child.setTag('shape', 'kept');
  child.end();
  root.end();
  const unsampled = tracer.startSpanFromContext(root.context().with({ traceFlags: 0 }), 'shape-keeper-unsampled');
  unsampled.end();
  // A finished span's tags and events are frozen when first read: keep both shapes, one span
  // whose tags were read (root) and one whose were not (child).
  void root.tags;
  void root.events;
  const slot = globalThis as Record<symbol, unknown[] | undefined>;
  const key = Symbol.for('@trace/core.shapeKeeper');
  // Each copy of the package (ESM and CommonJS) has its own classes, so each adds its own spans.
  slot[key] = [...(slot[key] ?? []), root, child, unsampled, root.context()];
}
