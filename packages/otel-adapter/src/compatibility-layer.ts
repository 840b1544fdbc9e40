// The compatibility layer (seed §7 "Compatibility Layer"): one object that takes spans and
// metrics, holds them in bounded buffers, and hands them to pluggable sinks on flush.
//
//   exportSpans ──► pending spans  ─┐ flush (or a full batch) ┌─► spanExporter.exportSpans(spans)
//   exportMetrics ► pending metrics ┘───────────────────────► └─► metricsExporter.exportMetrics(resource, metrics)
//
// The sinks are interfaces, not packages: `@trace/exporter-otlp` (or anything else) plugs in
// without this package depending on an exporter.
import { ConfigError, type ExportOptions, type Result, type Span, type SpanExporter, TraceError, err, ok } from '@trace/core';
import type { OtelMetricData } from './metric-data.js';
import type { Metric } from './metric-model.js';
import { OpenTelemetryMetricsAdapter } from './metrics-adapter.js';
import { type OtelResource, createResource, createServiceResource, mergeResources } from './resource.js';
import type { OtelInstrumentationScope, OtelSpanData } from './span-data.js';
import { OpenTelemetryTracerAdapter, checkSpan } from './tracer-adapter.js';

/**
 * Where the layer sends metrics. `exportMetrics` sends one batch once and says how it went; it
 * should not throw (a throw or rejection is counted as a failure all the same).
 */
export interface MetricsExporter {
  exportMetrics(resource: OtelResource, metrics: readonly OtelMetricData[], options?: ExportOptions): Promise<Result<unknown, Error>>;
  flush?(): Promise<void>;
  shutdown?(): Promise<void>;
}

/** Options of {@link createOpenTelemetryCompatibilityLayer}. */
export interface CompatibilityLayerOptions {
  /** `service.namespace` of the resource. */
  namespace?: string;
  /** More resource attributes (e.g. `deployment.environment.name`), merged over the service resource. */
  resourceAttributes?: Readonly<Record<string, unknown>>;
  /** Where spans go on flush (e.g. an OTLP exporter). Without one, spans wait for {@link OpenTelemetryCompatibilityLayer.drainSpans}. */
  spanExporter?: SpanExporter;
  /** Where metrics go on flush. Without one, metrics wait for {@link OpenTelemetryCompatibilityLayer.drainMetrics}. */
  metricsExporter?: MetricsExporter;
  /** Spans held at most; more are dropped and counted. Default 2048. */
  maxPendingSpans?: number;
  /** Metrics held at most; more are dropped and counted. Default 1024. */
  maxPendingMetrics?: number;
  /** Spans or metrics per sink call; a buffer reaching it starts a flush. Default 512. */
  maxExportBatchSize?: number;
  /** How long one sink call may take before it counts as failed (and is aborted). Default 30000. */
  exportTimeoutMs?: number;
  /** Scope of metrics that name none. Default `{ name: '@trace/otel-adapter', version }`. */
  metricsScope?: OtelInstrumentationScope;
}

/** Figures of a {@link OpenTelemetryCompatibilityLayer}. */
export interface CompatibilityLayerStats {
  initialized: boolean;
  shutDown: boolean;
  /** Waiting for a flush (or a drain). */
  pendingSpans: number;
  pendingMetrics: number;
  /** Accepted by a sink. */
  exportedSpans: number;
  exportedMetrics: number;
  /** Handed to a sink that failed, timed out, threw, or (spans) rejected them in a partial success. */
  failedSpans: number;
  failedMetrics: number;
  /** Never handed to a sink: buffer full, after shutdown, or still pending without a sink at shutdown. */
  droppedSpans: number;
  droppedMetrics: number;
  /** Taken out with `drainSpans` / `drainMetrics`. */
  drainedSpans: number;
  drainedMetrics: number;
  /** Message of the last failure. */
  lastError: string | undefined;
}

/** What one `exportSpans` / `exportMetrics` call did with its input. */
export interface AcceptedCounts {
  /** Now pending. */
  accepted: number;
  /** Refused because the buffer was full (counted in the stats). */
  dropped: number;
}

const DEFAULTS = { maxPendingSpans: 2048, maxPendingMetrics: 1024, maxExportBatchSize: 512, exportTimeoutMs: 30_000 } as const;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigError(`createOpenTelemetryCompatibilityLayer: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one sink call with a deadline. Resolves (never rejects) with the call's result, or a
 * failure for a throw, a rejection or the deadline; the signal is aborted at the deadline.
 */
async function callSink(call: (options: ExportOptions) => Promise<Result<unknown, Error>>, timeoutMs: number): Promise<Result<unknown, Error>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Result<unknown, Error>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(err(new TraceError('EXPORT_TIMEOUT', `sink did not answer within ${timeoutMs} ms`)));
    }, timeoutMs);
    timer.unref?.();
  });
  try {
    const attempt = Promise.resolve()
      .then(() => call({ signal: controller.signal }))
      .then(
        (result): Result<unknown, Error> =>
          result !== null && typeof result === 'object' && typeof result.ok === 'boolean'
            ? result
            : err(new TraceError('EXPORT_FAILED', 'sink returned something other than a Result')),
        (error: unknown) => err(new TraceError('EXPORT_FAILED', `sink threw: ${describe(error)}`)),
      );
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a sink's optional flush/shutdown under the deadline, ignoring its failures (they have nowhere to go). */
async function callHook(hook: (() => Promise<void>) | undefined, timeoutMs: number): Promise<void> {
  if (hook === undefined) return;
  await callSink(async () => {
    await hook();
    return ok();
  }, timeoutMs);
}

/**
 * OpenTelemetry-style export of spans and metrics through one object (seed §7 "Compatibility
 * Layer"). Spans and metrics are checked when handed in (bad input is an error result, never a
 * throw), held in bounded buffers, and sent to the sinks by {@link flush}, by {@link shutdown},
 * or as soon as a buffer holds a full batch. Every span and metric ends up counted in
 * {@link getStats}: pending, exported, failed, dropped or drained.
 */
export class OpenTelemetryCompatibilityLayer {
  readonly resource: OtelResource;
  readonly tracerAdapter: OpenTelemetryTracerAdapter;
  readonly metricsAdapter: OpenTelemetryMetricsAdapter;
  private readonly spanExporter: SpanExporter | undefined;
  private readonly metricsExporter: MetricsExporter | undefined;
  private readonly maxPendingSpans: number;
  private readonly maxPendingMetrics: number;
  private readonly maxExportBatchSize: number;
  private readonly exportTimeoutMs: number;
  private pendingSpans: Span[] = [];
  private pendingMetrics: OtelMetricData[] = [];
  private initialized = false;
  private closing = false;
  private shutDown = false;
  // Flushes run one after another: each takes what is pending when it starts.
  private flushChain: Promise<Result> = Promise.resolve(ok());
  private shutdownPromise: Promise<Result> | undefined;
  private readonly stats = {
    exportedSpans: 0,
    exportedMetrics: 0,
    failedSpans: 0,
    failedMetrics: 0,
    droppedSpans: 0,
    droppedMetrics: 0,
    drainedSpans: 0,
    drainedMetrics: 0,
    lastError: undefined as string | undefined,
  };

  /** @throws {ConfigError} for an invalid service name or option. */
  constructor(serviceName: string, serviceVersion: string, options: CompatibilityLayerOptions = {}) {
    const service = createServiceResource(serviceName, serviceVersion, options.namespace);
    this.resource = options.resourceAttributes === undefined ? service : mergeResources(service, createResource(options.resourceAttributes));
    if (options.spanExporter !== undefined && typeof options.spanExporter?.exportSpans !== 'function') {
      throw new ConfigError('createOpenTelemetryCompatibilityLayer: spanExporter must have an exportSpans method');
    }
    if (options.metricsExporter !== undefined && typeof options.metricsExporter?.exportMetrics !== 'function') {
      throw new ConfigError('createOpenTelemetryCompatibilityLayer: metricsExporter must have an exportMetrics method');
    }
    this.spanExporter = options.spanExporter;
    this.metricsExporter = options.metricsExporter;
    this.maxPendingSpans = positiveInteger('maxPendingSpans', options.maxPendingSpans, DEFAULTS.maxPendingSpans);
    this.maxPendingMetrics = positiveInteger('maxPendingMetrics', options.maxPendingMetrics, DEFAULTS.maxPendingMetrics);
    this.maxExportBatchSize = positiveInteger('maxExportBatchSize', options.maxExportBatchSize, DEFAULTS.maxExportBatchSize);
    this.exportTimeoutMs = positiveInteger('exportTimeoutMs', options.exportTimeoutMs, DEFAULTS.exportTimeoutMs);
    this.tracerAdapter = new OpenTelemetryTracerAdapter(this.resource);
    this.metricsAdapter = new OpenTelemetryMetricsAdapter(this.resource, options.metricsScope === undefined ? {} : { scope: options.metricsScope });
  }

  /** Makes the layer ready to take data. Calling it again is harmless; after shutdown it is an error. */
  initialize(): Result {
    if (this.closing) return err(new TraceError('SHUT_DOWN', 'the compatibility layer was shut down'));
    this.initialized = true;
    return ok();
  }

  /**
   * Takes finished spans for export. All or nothing on validity: one entry that is not a finished
   * span makes the result an error and nothing is taken. Spans past the buffer bound are dropped
   * and counted.
   */
  exportSpans(spans: readonly Span[]): Result<AcceptedCounts> {
    const refused = this.refuse(Array.isArray(spans) ? spans.length : 0, 'spans');
    if (refused !== undefined) return refused;
    if (!Array.isArray(spans)) return err(new TraceError('INVALID_SPANS', 'exportSpans needs an array of spans'));
    for (let i = 0; i < spans.length; i++) {
      const problem = checkSpan(spans[i]);
      if (problem !== undefined) return err(new TraceError(problem.code, `span ${i}: ${problem.message}`));
    }
    const pending = this.pendingSpans;
    const room = Math.max(0, this.maxPendingSpans - pending.length);
    const accepted = Math.min(room, spans.length);
    for (let i = 0; i < accepted; i++) pending.push(spans[i] as Span);
    const dropped = spans.length - accepted;
    if (dropped > 0) this.noteDropped('spans', dropped, `span buffer full (${this.maxPendingSpans}): ${dropped} spans dropped`);
    if (this.spanExporter !== undefined && pending.length >= this.maxExportBatchSize) void this.flush();
    return ok({ accepted, dropped });
  }

  /**
   * Converts metrics of the model to OTel metric data and takes them for export. All or nothing
   * on validity (see {@link OpenTelemetryMetricsAdapter}); metrics past the buffer bound are
   * dropped and counted.
   */
  exportMetrics(metrics: readonly Metric[]): Result<AcceptedCounts> {
    const refused = this.refuse(Array.isArray(metrics) ? metrics.length : 0, 'metrics');
    if (refused !== undefined) return refused;
    const converted = this.metricsAdapter.convertMetrics(metrics);
    if (!converted.ok) return converted;
    const pending = this.pendingMetrics;
    const data = converted.value;
    const room = Math.max(0, this.maxPendingMetrics - pending.length);
    const accepted = Math.min(room, data.length);
    for (let i = 0; i < accepted; i++) pending.push(data[i] as OtelMetricData);
    const dropped = data.length - accepted;
    if (dropped > 0) this.noteDropped('metrics', dropped, `metric buffer full (${this.maxPendingMetrics}): ${dropped} metrics dropped`);
    if (this.metricsExporter !== undefined && pending.length >= this.maxExportBatchSize) void this.flush();
    return ok({ accepted, dropped });
  }

  /**
   * Sends everything pending to the sinks, in batches of `maxExportBatchSize`, then flushes the
   * sinks. Data without a sink stays pending. Resolves (never rejects) with an error result when
   * any batch failed; the stats say how many spans and metrics.
   */
  flush(): Promise<Result> {
    // flushOnce does not throw; the catch keeps one unforeseen failure from poisoning every later flush.
    const next = this.flushChain.then(
      () => this.flushOnce(),
      () => this.flushOnce(),
    );
    const guarded = next.catch((error: unknown) => err(new TraceError('EXPORT_FAILED', `flush failed: ${describe(error)}`)));
    this.flushChain = guarded;
    return guarded;
  }

  /**
   * Flushes, shuts the sinks down, and refuses data from then on. Data still pending without a
   * sink is dropped and counted. Calling it again returns the first call's outcome.
   */
  shutdown(): Promise<Result> {
    if (this.shutdownPromise === undefined) {
      this.closing = true;
      this.shutdownPromise = this.flush().then(async (flushed) => {
        const lostSpans = this.pendingSpans.length;
        const lostMetrics = this.pendingMetrics.length;
        this.pendingSpans = [];
        this.pendingMetrics = [];
        if (lostSpans > 0) this.noteDropped('spans', lostSpans, `${lostSpans} spans were pending without a sink at shutdown`);
        if (lostMetrics > 0) this.noteDropped('metrics', lostMetrics, `${lostMetrics} metrics were pending without a sink at shutdown`);
        const spanExporter = this.spanExporter;
        const metricsExporter = this.metricsExporter;
        await callHook(spanExporter === undefined ? undefined : () => spanExporter.shutdown(), this.exportTimeoutMs);
        await callHook(metricsExporter?.shutdown === undefined ? undefined : () => (metricsExporter.shutdown as () => Promise<void>)(), this.exportTimeoutMs);
        this.shutDown = true;
        return flushed;
      });
    }
    return this.shutdownPromise;
  }

  /** Takes the pending spans out as OTel span data (for a pipeline of your own, or without a sink). */
  drainSpans(): OtelSpanData[] {
    const spans = this.pendingSpans;
    this.pendingSpans = [];
    this.stats.drainedSpans += spans.length;
    const out: OtelSpanData[] = new Array(spans.length);
    for (let i = 0; i < spans.length; i++) out[i] = this.tracerAdapter.convertChecked(spans[i] as Span);
    return out;
  }

  /** Takes the pending metrics out. */
  drainMetrics(): OtelMetricData[] {
    const metrics = this.pendingMetrics;
    this.pendingMetrics = [];
    this.stats.drainedMetrics += metrics.length;
    return metrics;
  }

  /** A snapshot of the figures (seed `get_stats`). */
  getStats(): CompatibilityLayerStats {
    const stats = this.stats;
    return {
      initialized: this.initialized,
      shutDown: this.shutDown,
      pendingSpans: this.pendingSpans.length,
      pendingMetrics: this.pendingMetrics.length,
      exportedSpans: stats.exportedSpans,
      exportedMetrics: stats.exportedMetrics,
      failedSpans: stats.failedSpans,
      failedMetrics: stats.failedMetrics,
      droppedSpans: stats.droppedSpans,
      droppedMetrics: stats.droppedMetrics,
      drainedSpans: stats.drainedSpans,
      drainedMetrics: stats.drainedMetrics,
      lastError: stats.lastError,
    };
  }

  private refuse(count: number, what: 'spans' | 'metrics'): Result<never> | undefined {
    if (this.closing) {
      if (count > 0) this.noteDropped(what, count, `${count} ${what} handed in after shutdown`);
      return err(new TraceError('SHUT_DOWN', 'the compatibility layer was shut down'));
    }
    if (!this.initialized) return err(new TraceError('NOT_INITIALIZED', 'call initialize() before exporting'));
    return undefined;
  }

  private noteDropped(what: 'spans' | 'metrics', count: number, message: string): void {
    if (what === 'spans') this.stats.droppedSpans += count;
    else this.stats.droppedMetrics += count;
    this.stats.lastError = message;
  }

  private async flushOnce(): Promise<Result> {
    let failedSpans = 0;
    let failedMetrics = 0;
    const spanExporter = this.spanExporter;
    if (spanExporter !== undefined && this.pendingSpans.length > 0) {
      const spans = this.pendingSpans;
      this.pendingSpans = [];
      for (let start = 0; start < spans.length; start += this.maxExportBatchSize) {
        const batch = spans.slice(start, start + this.maxExportBatchSize);
        const result = await callSink((options) => spanExporter.exportSpans(batch, options), this.exportTimeoutMs);
        failedSpans += this.countSpanOutcome(batch.length, result);
      }
    }
    const metricsExporter = this.metricsExporter;
    if (metricsExporter !== undefined && this.pendingMetrics.length > 0) {
      const metrics = this.pendingMetrics;
      this.pendingMetrics = [];
      for (let start = 0; start < metrics.length; start += this.maxExportBatchSize) {
        const batch = metrics.slice(start, start + this.maxExportBatchSize);
        const result = await callSink((options) => metricsExporter.exportMetrics(this.resource, batch, options), this.exportTimeoutMs);
        if (result.ok) {
          this.stats.exportedMetrics += batch.length;
        } else {
          this.stats.failedMetrics += batch.length;
          failedMetrics += batch.length;
          this.stats.lastError = result.error.message;
        }
      }
    }
    if (spanExporter !== undefined) await callHook(() => spanExporter.flush(), this.exportTimeoutMs);
    if (metricsExporter?.flush !== undefined) await callHook(() => (metricsExporter.flush as () => Promise<void>)(), this.exportTimeoutMs);
    if (failedSpans === 0 && failedMetrics === 0) return ok();
    return err(
      new TraceError('EXPORT_FAILED', `${failedSpans} spans and ${failedMetrics} metrics failed to export: ${this.stats.lastError ?? 'unknown error'}`),
    );
  }

  /** Counts one span batch's outcome; returns how many of its spans failed. */
  private countSpanOutcome(size: number, result: Result<unknown, Error>): number {
    if (!result.ok) {
      this.stats.failedSpans += size;
      this.stats.lastError = result.error.message;
      return size;
    }
    // A partial success (OTLP) names spans the backend refused: those failed.
    const value = result.value as { rejectedSpans?: unknown; message?: unknown } | undefined;
    const rejectedRaw = value !== null && typeof value === 'object' ? value.rejectedSpans : undefined;
    const rejected = typeof rejectedRaw === 'number' && rejectedRaw > 0 ? Math.min(Math.floor(rejectedRaw), size) : 0;
    this.stats.exportedSpans += size - rejected;
    if (rejected > 0) {
      this.stats.failedSpans += rejected;
      this.stats.lastError = typeof value?.message === 'string' && value.message !== '' ? value.message : `${rejected} spans rejected by the backend`;
    }
    return rejected;
  }
}

/**
 * Creates a {@link OpenTelemetryCompatibilityLayer} for a service (seed §7
 * `create_opentelemetry_compatibility_layer`).
 *
 * @throws {ConfigError} for an empty service name or an invalid option.
 */
export function createOpenTelemetryCompatibilityLayer(
  serviceName: string,
  serviceVersion: string,
  options?: CompatibilityLayerOptions,
): OpenTelemetryCompatibilityLayer {
  return new OpenTelemetryCompatibilityLayer(serviceName, serviceVersion, options);
}
