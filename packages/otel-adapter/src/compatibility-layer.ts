// The compatibility layer: one object that takes spans and metrics and hands them to pluggable
// sinks. Spans go through core's export pipeline (the same bounded queue, batching, deadline,
// retry and accounting a tracer uses); metrics, which have no core pipeline, wait in a bounded
// buffer until a flush or a full batch, each sink call under a deadline on core's scheduler.
//
//   exportSpans ──► ExportPipeline (queue, batches, retries) ──► spanExporter.exportSpans(spans)
//               └─► (no sink) pending spans ──► drainSpans()
//   exportMetrics ► pending metrics ── flush or a full batch ──► metricsExporter.exportMetrics(resource, metrics)
//
// The sinks are interfaces, not packages: `@trace/exporter-otlp` (or anything else) plugs in
// without this package depending on an exporter.
import {
  ConfigError,
  type ExportOptions,
  type ExportResult,
  type ExportStats,
  ExportPipeline,
  type Result,
  type RetryPolicy,
  type Scheduler,
  type Span,
  type SpanExporter,
  TraceError,
  err,
  ok,
  realScheduler,
} from '@trace/core';
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
  /**
   * Where spans go (e.g. an OTLP exporter), through core's export pipeline. Without one, spans
   * wait for {@link OpenTelemetryCompatibilityLayer.drainSpans}.
   */
  spanExporter?: SpanExporter;
  /** Where metrics go on flush. Without one, metrics wait for {@link OpenTelemetryCompatibilityLayer.drainMetrics}. */
  metricsExporter?: MetricsExporter;
  /**
   * Spans waiting at most (the pipeline's `maxQueueSize`); the batch in flight comes on top. More
   * are dropped and counted. Default 2048.
   */
  maxPendingSpans?: number;
  /** Metrics held at most; more are dropped and counted. Default 1024. */
  maxPendingMetrics?: number;
  /** Spans or metrics per sink call; a full batch leaves without waiting for a flush. Default 512. */
  maxExportBatchSize?: number;
  /** Longest a span waits before a partial batch leaves, in ms (the pipeline's `flushInterval`). Default 5000. */
  flushIntervalMs?: number;
  /** How long one sink call may take before it counts as failed (and is aborted). Default 30000. */
  exportTimeoutMs?: number;
  /** Retries of failed span batches (core's {@link RetryPolicy}; by default a batch is retried for up to 5 minutes). */
  retry?: Partial<RetryPolicy>;
  /** Timers of the span pipeline and of metric sink deadlines. Default: core's `realScheduler` (tests pass a `ManualScheduler`). */
  scheduler?: Scheduler;
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

const DEFAULTS = {
  maxPendingSpans: 2048,
  maxPendingMetrics: 1024,
  maxExportBatchSize: 512,
  flushIntervalMs: 5000,
  exportTimeoutMs: 30_000,
} as const;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigError(`createOpenTelemetryCompatibilityLayer: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

const noop = () => {};

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one metrics-sink call with a deadline on `scheduler`. Resolves (never rejects) with the
 * call's result, or a failure for a throw, a rejection, a value that is not a Result, or the
 * deadline; the signal is aborted at the deadline.
 */
function callSink(call: (options: ExportOptions) => Promise<Result<unknown, Error>>, timeoutMs: number, scheduler: Scheduler): Promise<Result<unknown, Error>> {
  const controller = new AbortController();
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: Result<unknown, Error>) => {
      if (done) return;
      done = true;
      scheduler.clearTimeout(timer);
      resolve(result);
    };
    const timer = scheduler.setTimeout(() => {
      controller.abort();
      finish(err(new TraceError('EXPORT_TIMEOUT', `sink did not answer within ${timeoutMs} ms`)));
    }, timeoutMs);
    Promise.resolve()
      .then(() => call({ signal: controller.signal }))
      .then(
        (result) =>
          finish(
            result !== null && typeof result === 'object' && typeof result.ok === 'boolean'
              ? result
              : err(new TraceError('EXPORT_FAILED', 'sink returned something other than a Result')),
          ),
        (error: unknown) => finish(err(new TraceError('EXPORT_FAILED', `sink threw: ${describe(error)}`))),
      );
  });
}

/** Runs a sink's optional flush/shutdown under the deadline, ignoring its failures (they have nowhere to go). */
async function callHook(hook: (() => Promise<void>) | undefined, timeoutMs: number, scheduler: Scheduler): Promise<void> {
  if (hook === undefined) return;
  await callSink(
    async () => {
      await hook();
      return ok();
    },
    timeoutMs,
    scheduler,
  );
}

/**
 * The span sink as the layer's pipeline sees it: the user's exporter, without the counters a
 * BaseSpanExporter shares with its pipeline, so the pipeline keeps figures of its own (the same
 * exporter may also serve a tracer, whose figures must not mix with the layer's). Its class name
 * is what diagnostics lines show.
 */
class CompatibilityLayerSpanSink implements SpanExporter {
  constructor(private readonly target: SpanExporter) {}
  exportSpans(spans: readonly Span[], options?: ExportOptions): Promise<ExportResult> {
    return this.target.exportSpans(spans, options);
  }
  flush(): Promise<void> {
    return this.target.flush();
  }
  shutdown(): Promise<void> {
    return this.target.shutdown();
  }
  getStats(): ExportStats {
    return this.target.getStats();
  }
}

/**
 * OpenTelemetry-style export of spans and metrics through one object. Spans and metrics are
 * checked when handed in (bad input is an error result, never a throw). Spans with a sink go
 * through core's {@link ExportPipeline}: a full batch leaves at once, a partial one after
 * `flushIntervalMs` or on {@link flush}, failed batches are retried with core's policy. Metrics
 * wait in a bounded buffer until {@link flush}, {@link shutdown} or a full batch. Every span and
 * metric ends up counted in {@link getStats}: pending, exported, failed, dropped or drained.
 */
export class OpenTelemetryCompatibilityLayer {
  readonly resource: OtelResource;
  readonly tracerAdapter: OpenTelemetryTracerAdapter;
  readonly metricsAdapter: OpenTelemetryMetricsAdapter;
  /** The span pipeline; undefined without a span sink. */
  private readonly pipeline: ExportPipeline | undefined;
  private readonly metricsExporter: MetricsExporter | undefined;
  private readonly scheduler: Scheduler;
  private readonly maxPendingSpans: number;
  private readonly maxPendingMetrics: number;
  private readonly maxExportBatchSize: number;
  private readonly exportTimeoutMs: number;
  /** Spans held for drainSpans when there is no span sink. */
  private pendingSpans: Span[] = [];
  private pendingMetrics: OtelMetricData[] = [];
  private initialized = false;
  private closing = false;
  private shutDown = false;
  // Flushes run one after another: each takes what is pending when it starts.
  private flushChain: Promise<Result> = Promise.resolve(ok());
  private shutdownPromise: Promise<Result> | undefined;
  /** The pipeline's last error as last seen, to tell when it has a newer one than ours. */
  private seenPipelineError: string | undefined;
  private readonly stats = {
    exportedMetrics: 0,
    failedMetrics: 0,
    /** Spans dropped by the layer itself (after shutdown, or without a sink); the pipeline counts its own. */
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
    this.metricsExporter = options.metricsExporter;
    this.scheduler = options.scheduler ?? realScheduler;
    this.maxPendingSpans = positiveInteger('maxPendingSpans', options.maxPendingSpans, DEFAULTS.maxPendingSpans);
    this.maxPendingMetrics = positiveInteger('maxPendingMetrics', options.maxPendingMetrics, DEFAULTS.maxPendingMetrics);
    this.maxExportBatchSize = positiveInteger('maxExportBatchSize', options.maxExportBatchSize, DEFAULTS.maxExportBatchSize);
    this.exportTimeoutMs = positiveInteger('exportTimeoutMs', options.exportTimeoutMs, DEFAULTS.exportTimeoutMs);
    const flushIntervalMs = positiveInteger('flushIntervalMs', options.flushIntervalMs, DEFAULTS.flushIntervalMs);
    this.pipeline =
      options.spanExporter === undefined
        ? undefined
        : new ExportPipeline(new CompatibilityLayerSpanSink(options.spanExporter), {
            maxQueueSize: this.maxPendingSpans,
            // A batch never exceeds the queue (the pipeline requires it).
            batchSize: Math.min(this.maxExportBatchSize, this.maxPendingSpans),
            flushInterval: flushIntervalMs,
            exportTimeout: this.exportTimeoutMs,
            scheduler: this.scheduler,
            ...(options.retry === undefined ? {} : { retry: options.retry }),
          });
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
   * span makes the result an error and nothing is taken. Spans past the bound (`maxPendingSpans`
   * spans waiting behind the batch in flight, or the pipeline's byte bound) are dropped and counted.
   */
  exportSpans(spans: readonly Span[]): Result<AcceptedCounts> {
    const refused = this.refuse(Array.isArray(spans) ? spans.length : 0, 'spans');
    if (refused !== undefined) return refused;
    if (!Array.isArray(spans)) return err(new TraceError('INVALID_SPANS', 'exportSpans needs an array of spans'));
    for (let i = 0; i < spans.length; i++) {
      const problem = checkSpan(spans[i]);
      if (problem !== undefined) return err(new TraceError(problem.code, `span ${i}: ${problem.message}`));
    }
    const pipeline = this.pipeline;
    if (pipeline !== undefined) {
      const droppedBefore = pipeline.getStats().droppedSpans;
      for (let i = 0; i < spans.length; i++) pipeline.enqueue(spans[i] as Span);
      const dropped = pipeline.getStats().droppedSpans - droppedBefore;
      return ok({ accepted: spans.length - dropped, dropped });
    }
    const pending = this.pendingSpans;
    const room = Math.max(0, this.maxPendingSpans - pending.length);
    const accepted = Math.min(room, spans.length);
    for (let i = 0; i < accepted; i++) pending.push(spans[i] as Span);
    const dropped = spans.length - accepted;
    if (dropped > 0) this.noteDropped('spans', dropped, `span buffer full (${this.maxPendingSpans}): ${dropped} spans dropped`);
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
   * Sends everything pending to the sinks and flushes the sinks: spans queued before this call
   * until each is exported or has failed (retries included) or `deadlineMs` (default 30 s)
   * passes; metrics in batches of `maxExportBatchSize`. Data without a sink stays pending.
   * Resolves (never rejects) with an error result when any span or metric failed meanwhile, or
   * the deadline passed; the stats say how many.
   */
  flush(options: { deadlineMs?: number } = {}): Promise<Result> {
    // flushOnce does not throw; the catch keeps one unforeseen failure from poisoning every later flush.
    const next = this.flushChain.then(
      () => this.flushOnce(options.deadlineMs),
      () => this.flushOnce(options.deadlineMs),
    );
    const guarded = next.catch((error: unknown) => err(new TraceError('EXPORT_FAILED', `flush failed: ${describe(error)}`)));
    this.flushChain = guarded;
    return guarded;
  }

  /**
   * Flushes within `deadlineMs` (default 30 s), shuts the sinks down, and refuses data from then
   * on. Spans still queued at the deadline, and data pending without a sink, are dropped and
   * counted. Calling it again returns the first call's outcome.
   */
  shutdown(options: { deadlineMs?: number } = {}): Promise<Result> {
    if (this.shutdownPromise === undefined) {
      this.closing = true;
      // After any flush in progress (it owns the metrics it took), then the last metrics and the pipeline's own flush.
      const previous = this.flushChain.then(noop, noop);
      this.shutdownPromise = previous.then(async () => {
        const failedMetrics = await this.flushMetrics();
        const pipeline = this.pipeline;
        const failedBefore = pipeline === undefined ? 0 : pipeline.getStats().failedSpans;
        const spans = pipeline === undefined ? ok() : await pipeline.shutdown(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs });
        const failedSpans = pipeline === undefined ? 0 : pipeline.getStats().failedSpans - failedBefore;
        const lostSpans = this.pendingSpans.length;
        const lostMetrics = this.pendingMetrics.length;
        this.pendingSpans = [];
        this.pendingMetrics = [];
        if (lostSpans > 0) this.noteDropped('spans', lostSpans, `${lostSpans} spans were pending without a sink at shutdown`);
        if (lostMetrics > 0) this.noteDropped('metrics', lostMetrics, `${lostMetrics} metrics were pending without a sink at shutdown`);
        const metricsExporter = this.metricsExporter;
        await callHook(
          metricsExporter?.shutdown === undefined ? undefined : () => (metricsExporter.shutdown as () => Promise<void>)(),
          this.exportTimeoutMs,
          this.scheduler,
        );
        this.shutDown = true;
        return this.outcome(spans, failedSpans, failedMetrics);
      });
      this.shutdownPromise = this.shutdownPromise.catch((error: unknown) => {
        this.shutDown = true;
        return err(new TraceError('EXPORT_FAILED', `shutdown failed: ${describe(error)}`));
      });
    }
    return this.shutdownPromise;
  }

  /** Takes the spans pending without a sink out as OTel span data (with a sink, spans are the pipeline's and this is empty). */
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

  /**
   * A snapshot of the figures. Span figures with a sink are the pipeline's (`pendingSpans` is
   * queued or in flight, `failedSpans` includes spans rejected in a partial success).
   */
  getStats(): CompatibilityLayerStats {
    this.takePipelineError();
    const stats = this.stats;
    const pipeline = this.pipeline?.getStats();
    return {
      initialized: this.initialized,
      shutDown: this.shutDown,
      pendingSpans: this.pendingSpans.length + (pipeline?.queuedSpans ?? 0),
      pendingMetrics: this.pendingMetrics.length,
      exportedSpans: pipeline?.exportedSpans ?? 0,
      exportedMetrics: stats.exportedMetrics,
      failedSpans: pipeline?.failedSpans ?? 0,
      failedMetrics: stats.failedMetrics,
      droppedSpans: stats.droppedSpans + (pipeline?.droppedSpans ?? 0),
      droppedMetrics: stats.droppedMetrics,
      drainedSpans: stats.drainedSpans,
      drainedMetrics: stats.drainedMetrics,
      lastError: stats.lastError,
    };
  }

  /** The span pipeline's own figures (lost spans by reason, retries, failed exports); undefined without a span sink. */
  getSpanExportStats(): ExportStats | undefined {
    return this.pipeline?.getStats();
  }

  private refuse(count: number, what: 'spans' | 'metrics'): Result<never> | undefined {
    if (this.closing) {
      if (count > 0) this.noteDropped(what, count, `${count} ${what} handed in after shutdown`);
      return err(new TraceError('SHUT_DOWN', 'the compatibility layer was shut down'));
    }
    if (!this.initialized) return err(new TraceError('NOT_INITIALIZED', 'call initialize() before exporting'));
    return undefined;
  }

  /** Adopts the pipeline's last error when it changed since last seen, so `lastError` stays the latest of both. */
  private takePipelineError(): void {
    const latest = this.pipeline?.getStats().lastError;
    if (latest !== undefined && latest !== this.seenPipelineError) {
      this.seenPipelineError = latest;
      this.stats.lastError = latest;
    }
  }

  private noteError(message: string): void {
    this.takePipelineError();
    this.stats.lastError = message;
  }

  private noteDropped(what: 'spans' | 'metrics', count: number, message: string): void {
    if (what === 'spans') this.stats.droppedSpans += count;
    else this.stats.droppedMetrics += count;
    this.noteError(message);
  }

  private async flushOnce(deadlineMs: number | undefined): Promise<Result> {
    const pipeline = this.pipeline;
    let spans: Result = ok();
    let failedSpans = 0;
    if (pipeline !== undefined) {
      const failedBefore = pipeline.getStats().failedSpans;
      spans = await pipeline.flush(deadlineMs === undefined ? {} : { deadlineMs });
      failedSpans = pipeline.getStats().failedSpans - failedBefore;
      await callHook(() => pipeline.exporter.flush(), this.exportTimeoutMs, this.scheduler);
    }
    const failedMetrics = await this.flushMetrics();
    const metricsExporter = this.metricsExporter;
    if (metricsExporter?.flush !== undefined) await callHook(() => (metricsExporter.flush as () => Promise<void>)(), this.exportTimeoutMs, this.scheduler);
    return this.outcome(spans, failedSpans, failedMetrics);
  }

  /** Sends the pending metrics in batches; returns how many failed. */
  private async flushMetrics(): Promise<number> {
    const metricsExporter = this.metricsExporter;
    if (metricsExporter === undefined || this.pendingMetrics.length === 0) return 0;
    let failed = 0;
    const metrics = this.pendingMetrics;
    this.pendingMetrics = [];
    for (let start = 0; start < metrics.length; start += this.maxExportBatchSize) {
      const batch = metrics.slice(start, start + this.maxExportBatchSize);
      const result = await callSink((options) => metricsExporter.exportMetrics(this.resource, batch, options), this.exportTimeoutMs, this.scheduler);
      if (result.ok) {
        this.stats.exportedMetrics += batch.length;
      } else {
        this.stats.failedMetrics += batch.length;
        failed += batch.length;
        this.noteError(result.error.message);
      }
    }
    return failed;
  }

  private outcome(spans: Result, failedSpans: number, failedMetrics: number): Result {
    if (!spans.ok) return spans;
    if (failedSpans === 0 && failedMetrics === 0) return ok();
    this.takePipelineError();
    return err(
      new TraceError('EXPORT_FAILED', `${failedSpans} spans and ${failedMetrics} metrics failed to export: ${this.stats.lastError ?? 'unknown error'}`),
    );
  }
}

/**
 * Creates a {@link OpenTelemetryCompatibilityLayer} for a service.
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
