import {
  BaseSpanExporter,
  ConfigError,
  type ExportOptions,
  type ExportResult,
  type Span,
  type SpanExporter,
  Tracer,
  exportFailed,
  exportSucceeded,
  ok,
} from '@trace/core';
import { InMemoryExporter, ManualScheduler } from '@trace/core/testing';
import {
  type Metric,
  type MetricsExporter,
  type OtelMetricData,
  type OtelResource,
  OtelStatusCode,
  createOpenTelemetryCompatibilityLayer,
} from '@trace/otel-adapter';

const tracer = new Tracer({ serviceName: 'my-service' });

function finishedSpans(count: number, tags?: Record<string, string>): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`op-${i}`, { parent: null, tags });
    span.end();
    spans.push(span);
  }
  return spans;
}

const requests: Metric = { type: 'counter', name: 'requests', points: [{ value: 3, attributes: { route: '/a' } }] };

/** A SpanExporter whose every call is answered by `answer`; records what it was given. */
class ScriptedExporter extends BaseSpanExporter {
  calls: number[] = [];
  signals: (AbortSignal | undefined)[] = [];
  constructor(private readonly answer: (spans: readonly Span[]) => Promise<ExportResult>) {
    super();
  }
  protected override async send(spans: readonly Span[], options: ExportOptions): Promise<ExportResult> {
    this.calls.push(spans.length);
    this.signals.push(options.signal);
    return this.answer(spans);
  }
}

/** An InMemoryExporter that records each batch's size. */
class BatchRecorder extends InMemoryExporter {
  calls: number[] = [];
  protected override async send(spans: readonly Span[]): Promise<ExportResult> {
    this.calls.push(spans.length);
    return super.send(spans);
  }
}

class RecordingMetricsExporter implements MetricsExporter {
  received: { resource: OtelResource; metrics: readonly OtelMetricData[] }[] = [];
  shutdowns = 0;
  constructor(private readonly fail = false) {}
  async exportMetrics(resource: OtelResource, metrics: readonly OtelMetricData[]) {
    this.received.push({ resource, metrics });
    return this.fail ? exportFailed('BACKEND_DOWN', 'metrics backend answered 503', true) : ok();
  }
  async shutdown() {
    this.shutdowns++;
  }
}

afterAll(async () => {
  await tracer.shutdown();
});

describe('createOpenTelemetryCompatibilityLayer', () => {
  it('builds the service resource with namespace and extra attributes', () => {
    const layer = createOpenTelemetryCompatibilityLayer('my-service', '1.0.0', {
      namespace: 'shop',
      resourceAttributes: { 'deployment.environment.name': 'test' },
    });
    expect(layer.resource.attributes).toMatchObject({
      'service.name': 'my-service',
      'service.version': '1.0.0',
      'service.namespace': 'shop',
      'telemetry.sdk.language': 'nodejs',
      'deployment.environment.name': 'test',
    });
    expect(layer.tracerAdapter.resource).toBe(layer.resource);
  });

  it('throws ConfigError for invalid set-up', () => {
    expect(() => createOpenTelemetryCompatibilityLayer('', '1.0.0')).toThrow(ConfigError);
    expect(() => createOpenTelemetryCompatibilityLayer('s', '1', { maxPendingSpans: 0 })).toThrow(/maxPendingSpans/);
    expect(() => createOpenTelemetryCompatibilityLayer('s', '1', { exportTimeoutMs: 1.5 })).toThrow(/exportTimeoutMs/);
    expect(() => createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: {} as SpanExporter })).toThrow(/spanExporter/);
    expect(() => createOpenTelemetryCompatibilityLayer('s', '1', { metricsExporter: {} as MetricsExporter })).toThrow(/metricsExporter/);
  });

  it('refuses data before initialize', () => {
    const layer = createOpenTelemetryCompatibilityLayer('s', '1');
    const result = layer.exportSpans(finishedSpans(1));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('NOT_INITIALIZED');
    expect(layer.getStats()).toMatchObject({ initialized: false, pendingSpans: 0, droppedSpans: 0 });
    expect(layer.initialize().ok).toBe(true);
    expect(layer.initialize().ok).toBe(true);
    expect(layer.getStats().initialized).toBe(true);
  });
});

describe('with sinks', () => {
  it('holds spans and metrics until flush, then counts them exported', async () => {
    const spanSink = new InMemoryExporter();
    const metricsSink = new RecordingMetricsExporter();
    const layer = createOpenTelemetryCompatibilityLayer('my-service', '1.0.0', { spanExporter: spanSink, metricsExporter: metricsSink });
    layer.initialize();
    const spans = finishedSpans(3);
    expect(layer.exportSpans(spans)).toEqual({ ok: true, value: { accepted: 3, dropped: 0 } });
    expect(layer.exportMetrics([requests])).toEqual({ ok: true, value: { accepted: 1, dropped: 0 } });
    expect(layer.getStats()).toMatchObject({ pendingSpans: 3, pendingMetrics: 1, exportedSpans: 0, exportedMetrics: 0 });
    expect(spanSink.getFinishedSpans()).toHaveLength(0);

    expect((await layer.flush()).ok).toBe(true);
    expect(spanSink.getFinishedSpans()).toEqual(spans);
    expect(metricsSink.received).toHaveLength(1);
    expect(metricsSink.received[0]?.resource).toBe(layer.resource);
    expect(metricsSink.received[0]?.metrics[0]).toMatchObject({ name: 'requests', dataCase: 'sum', sum: { isMonotonic: true } });
    expect(layer.getStats()).toMatchObject({ pendingSpans: 0, pendingMetrics: 0, exportedSpans: 3, exportedMetrics: 1, failedSpans: 0, failedMetrics: 0 });

    expect((await layer.shutdown()).ok).toBe(true);
    expect(metricsSink.shutdowns).toBe(1);
    expect((await spanSink.exportSpans(finishedSpans(1))).ok).toBe(false); // the layer shut its sink down
    expect(layer.getStats()).toMatchObject({ shutDown: true, exportedSpans: 3 });
  });

  it('counts a failing sink as failed and says so in flush', async () => {
    const spanSink = new ScriptedExporter(async () => exportFailed('HTTP_503', 'collector answered 503', true));
    const metricsSink = new RecordingMetricsExporter(true);
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: spanSink, metricsExporter: metricsSink, retry: { maxRetries: 0 } });
    layer.initialize();
    layer.exportSpans(finishedSpans(2));
    layer.exportMetrics([requests, { type: 'gauge', name: 'g', points: [{ value: 1 }] }]);
    const flushed = await layer.flush();
    expect(flushed.ok).toBe(false);
    if (!flushed.ok) expect(flushed.error.message).toMatch(/2 spans and 2 metrics failed/);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 0, pendingMetrics: 0, exportedSpans: 0, failedSpans: 2, exportedMetrics: 0, failedMetrics: 2 });
    expect(layer.getStats().lastError).toBe('metrics backend answered 503');
    expect(layer.getSpanExportStats()?.lost).toMatchObject({ retriesExhausted: 2 });
    await layer.shutdown();
  });

  it('counts a sink that throws, or never answers, as failed without throwing or hanging', async () => {
    const thrower: SpanExporter = {
      exportSpans: () => {
        throw new Error('socket exploded');
      },
      flush: async () => {},
      shutdown: async () => {},
      getStats: () => new InMemoryExporter().getStats(),
    };
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: thrower });
    layer.initialize();
    layer.exportSpans(finishedSpans(1));
    expect((await layer.flush()).ok).toBe(false);
    expect(layer.getStats()).toMatchObject({ failedSpans: 1, lastError: 'exporter failed: socket exploded' });
    expect(layer.getSpanExportStats()?.lost).toMatchObject({ notRetryable: 1 });
    await layer.shutdown();

    const hanging = new ScriptedExporter(() => new Promise<ExportResult>(() => {}));
    const slow = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: hanging, exportTimeoutMs: 30, retry: { maxRetries: 0 } });
    slow.initialize();
    slow.exportSpans(finishedSpans(2));
    const flushed = await slow.flush();
    expect(flushed.ok).toBe(false);
    expect(slow.getStats()).toMatchObject({ failedSpans: 2, lastError: 'export did not finish within 30 ms' });
    expect(hanging.signals[0]?.aborted).toBe(true);
    await slow.shutdown();
  });

  it('counts spans rejected in a partial success as failed', async () => {
    const sink = new ScriptedExporter(async () => exportSucceeded({ rejectedSpans: 2, message: 'spans too old' }));
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: sink });
    layer.initialize();
    layer.exportSpans(finishedSpans(5));
    expect((await layer.flush()).ok).toBe(false);
    expect(layer.getStats()).toMatchObject({ exportedSpans: 3, failedSpans: 2, lastError: 'spans too old' });
    await layer.shutdown();
  });

  it('sends full batches at once and a partial one after flushIntervalMs, through core pipeline timers', async () => {
    const scheduler = new ManualScheduler();
    const sink = new BatchRecorder();
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: sink, maxExportBatchSize: 4, flushIntervalMs: 1000, scheduler });
    layer.initialize();
    layer.exportSpans(finishedSpans(3));
    await scheduler.advance(999);
    expect(sink.calls).toEqual([]);
    layer.exportSpans(finishedSpans(6)); // 9 queued: full batches leave without a flush() call
    await scheduler.advance(0);
    expect(sink.calls).toEqual([4, 4]);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 1, exportedSpans: 8 });
    await scheduler.advance(1000); // the last, partial batch leaves after the interval
    expect(sink.calls).toEqual([4, 4, 1]);
    expect((await layer.flush()).ok).toBe(true); // nothing left
    expect(sink.calls).toEqual([4, 4, 1]);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 0, exportedSpans: 9 });
    await layer.shutdown();
  });

  it('retries a retryable failure with core backoff, on the scheduler it was given', async () => {
    const scheduler = new ManualScheduler();
    let failures = 1;
    const sink = new ScriptedExporter(async () => (failures-- > 0 ? exportFailed('HTTP_503', 'collector answered 503', true) : exportSucceeded()));
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: sink, scheduler, retry: { jitter: 0, baseRetryDelay: 200 } });
    layer.initialize();
    layer.exportSpans(finishedSpans(2));
    const flushed = layer.flush();
    await scheduler.advance(199);
    expect(sink.calls).toEqual([2]);
    await scheduler.advance(1);
    expect(sink.calls).toEqual([2, 2]);
    expect((await flushed).ok).toBe(true);
    expect(layer.getStats()).toMatchObject({ exportedSpans: 2, failedSpans: 0, pendingSpans: 0 });
    expect(layer.getSpanExportStats()).toMatchObject({ retries: 1, failedExports: 1 });
    await layer.shutdown();
  });

  it('bounds spans waiting at maxPendingSpans, the batch in flight on top, counting the rest dropped', async () => {
    const scheduler = new ManualScheduler();
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: new InMemoryExporter(), maxPendingSpans: 3, scheduler });
    layer.initialize();
    // the first 3 leave as a batch at once; 3 more wait behind it; 2 are dropped
    expect(layer.exportSpans(finishedSpans(8))).toEqual({ ok: true, value: { accepted: 6, dropped: 2 } });
    expect(layer.getStats()).toMatchObject({ pendingSpans: 6, droppedSpans: 2 });
    expect(layer.getSpanExportStats()?.lost).toMatchObject({ queueFull: 2 });
    expect((await layer.flush()).ok).toBe(true);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 0, exportedSpans: 6, droppedSpans: 2 });
    await layer.shutdown();
  });

  it('keeps figures of its own when its span sink also counts for someone else', async () => {
    const sink = new InMemoryExporter();
    await sink.exportSpans(finishedSpans(2)); // the sink's own figures: 2 exported
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: sink });
    layer.initialize();
    layer.exportSpans(finishedSpans(1));
    expect((await layer.flush()).ok).toBe(true);
    expect(layer.getStats().exportedSpans).toBe(1);
    expect(sink.getStats().exportedSpans).toBe(3);
    await layer.shutdown();
  });

  it('gives a metrics sink call its deadline on the scheduler, aborting it', async () => {
    const scheduler = new ManualScheduler();
    const signals: (AbortSignal | undefined)[] = [];
    const hanging: MetricsExporter = {
      exportMetrics: (_resource, _metrics, options) => {
        signals.push(options?.signal);
        return new Promise(() => {});
      },
    };
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { metricsExporter: hanging, exportTimeoutMs: 50, scheduler });
    layer.initialize();
    layer.exportMetrics([requests]);
    const flushed = layer.flush();
    await scheduler.advance(49);
    expect(signals[0]?.aborted).toBe(false);
    await scheduler.advance(1);
    expect((await flushed).ok).toBe(false);
    expect(signals[0]?.aborted).toBe(true);
    expect(layer.getStats()).toMatchObject({ failedMetrics: 1, lastError: 'sink did not answer within 50 ms' });
    expect(scheduler.pendingTimers).toBe(0);
    await layer.shutdown();
  });

  it('refuses a batch holding anything but finished spans, taking none of it', () => {
    const layer = createOpenTelemetryCompatibilityLayer('s', '1', { spanExporter: new InMemoryExporter() });
    layer.initialize();
    const open = tracer.startSpan('open', { parent: null });
    const result = layer.exportSpans([...finishedSpans(2), open]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^span 2: .*not finished/);
    expect(layer.exportSpans('x' as unknown as Span[]).ok).toBe(false);
    expect(layer.exportMetrics([{ type: 'gauge', name: 'bad name', points: [{ value: 1 }] }]).ok).toBe(false);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 0, pendingMetrics: 0, droppedSpans: 0 });
    open.end();
  });
});

describe('without sinks', () => {
  it('buffers up to the bound, counts drops, keeps data pending across flush, and drains as OTel data', async () => {
    const layer = createOpenTelemetryCompatibilityLayer('my-service', '1', { maxPendingSpans: 3, maxPendingMetrics: 1 });
    layer.initialize();
    expect(layer.exportSpans(finishedSpans(2, { error: 'true', 'error.message': 'refused' }))).toEqual({ ok: true, value: { accepted: 2, dropped: 0 } });
    expect(layer.exportSpans(finishedSpans(2))).toEqual({ ok: true, value: { accepted: 1, dropped: 1 } });
    expect(layer.exportMetrics([requests, requests])).toEqual({ ok: true, value: { accepted: 1, dropped: 1 } });
    expect(layer.getStats()).toMatchObject({ pendingSpans: 3, pendingMetrics: 1, droppedSpans: 1, droppedMetrics: 1 });

    expect((await layer.flush()).ok).toBe(true);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 3, pendingMetrics: 1, exportedSpans: 0 });

    const drained = layer.drainSpans();
    expect(drained).toHaveLength(3);
    expect(drained[0]?.status).toEqual({ code: OtelStatusCode.ERROR, message: 'refused' });
    expect(drained[0]?.resource).toBe(layer.resource);
    expect(drained[0]?.name).toBe('op-0');
    expect(layer.drainMetrics().map((metric) => metric.name)).toEqual(['requests']);
    expect(layer.getStats()).toMatchObject({ pendingSpans: 0, pendingMetrics: 0, drainedSpans: 3, drainedMetrics: 1 });
    await layer.shutdown();
  });

  it('drops what is still pending at shutdown, counted, and refuses data after it', async () => {
    const layer = createOpenTelemetryCompatibilityLayer('s', '1');
    layer.initialize();
    layer.exportSpans(finishedSpans(4));
    layer.exportMetrics([requests]);
    const first = layer.shutdown();
    expect(layer.shutdown()).toBe(first);
    expect((await first).ok).toBe(true);
    expect(layer.getStats()).toMatchObject({ shutDown: true, pendingSpans: 0, pendingMetrics: 0, droppedSpans: 4, droppedMetrics: 1 });

    const late = layer.exportSpans(finishedSpans(2));
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error.code).toBe('SHUT_DOWN');
    expect(layer.exportMetrics([requests]).ok).toBe(false);
    expect(layer.initialize().ok).toBe(false);
    expect(layer.getStats()).toMatchObject({ droppedSpans: 6, droppedMetrics: 2 });
  });
});
