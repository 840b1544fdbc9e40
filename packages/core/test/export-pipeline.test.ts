import { BaseSpanExporter, ExportPipeline, type ExportResult, type Span, Tracer, exportFailed, exportSucceeded, realScheduler } from '@trace/core';
import { InMemoryExporter, ManualScheduler, flushMicrotasks } from '@trace/core/testing';

/** An exporter whose answers the test controls, one call at a time. */
class ControlledExporter extends BaseSpanExporter {
  readonly calls: { spans: readonly Span[]; signal: AbortSignal | undefined; resolve: (result: ExportResult) => void }[] = [];
  shutdownCalls = 0;

  protected send(spans: readonly Span[], options: { signal?: AbortSignal }): Promise<ExportResult> {
    return new Promise((resolve) => this.calls.push({ spans, signal: options.signal, resolve }));
  }

  answer(result: ExportResult = exportSucceeded()): void {
    const call = this.calls.find((candidate) => !(candidate as { done?: boolean }).done);
    if (call === undefined) throw new Error('no pending call');
    (call as { done?: boolean }).done = true;
    call.resolve(result);
  }

  override async shutdown(): Promise<void> {
    this.shutdownCalls++;
    await super.shutdown();
  }
}

function setup(settings: Record<string, unknown> = {}, exporter: BaseSpanExporter = new ControlledExporter()) {
  const scheduler = new ManualScheduler();
  const tracer = new Tracer({ serviceName: 'svc', exportSettings: { scheduler, retry: { jitter: 0 }, ...settings } });
  tracer.addExporter(exporter);
  const finish = (count: number) => {
    for (let i = 0; i < count; i++) tracer.startSpan(`op-${i}`, { parent: null }).end();
  };
  return { scheduler, tracer, exporter, finish };
}

function expectIdentity(tracer: Tracer) {
  for (const stats of tracer.getExportStats()) {
    expect(stats.finishedSpans).toBe(stats.exportedSpans + stats.droppedSpans + stats.failedSpans + stats.queuedSpans);
  }
}

describe('batching', () => {
  it('sends a batch as soon as it is full, without waiting for the interval', async () => {
    const { exporter, finish } = setup({ batchSize: 3, maxQueueSize: 10 });
    const controlled = exporter as ControlledExporter;
    finish(3);
    await flushMicrotasks();
    expect(controlled.calls).toHaveLength(1);
    expect(controlled.calls[0]?.spans.map((span) => span.operationName)).toEqual(['op-0', 'op-1', 'op-2']);
  });

  it('sends a partial batch when flushInterval passes', async () => {
    const { scheduler, exporter, finish } = setup({ batchSize: 10, flushInterval: 1000 });
    const controlled = exporter as ControlledExporter;
    finish(2);
    await scheduler.advance(999);
    expect(controlled.calls).toHaveLength(0);
    await scheduler.advance(1);
    expect(controlled.calls).toHaveLength(1);
    expect(controlled.calls[0]?.spans).toHaveLength(2);
  });

  it('keeps at most one export in flight by default', async () => {
    const { exporter, finish, tracer } = setup({ batchSize: 2, maxQueueSize: 10 });
    const controlled = exporter as ControlledExporter;
    finish(6);
    await flushMicrotasks();
    expect(controlled.calls).toHaveLength(1);
    controlled.answer();
    await flushMicrotasks();
    expect(controlled.calls).toHaveLength(2);
    expect(tracer.getExportStats()[0]).toMatchObject({ exportedSpans: 2, queuedSpans: 4 });
    controlled.answer();
    await flushMicrotasks();
    expect(controlled.calls).toHaveLength(3);
    controlled.answer();
    await flushMicrotasks();
    expect(tracer.getExportStats()[0]).toMatchObject({ exportedSpans: 6, queuedSpans: 0 });
  });

  it('with exportOnFinish off, spans leave only on flush', async () => {
    const memory = new InMemoryExporter();
    const { scheduler, tracer, finish } = setup({ batchSize: 2, exportOnFinish: false }, memory);
    finish(5);
    await scheduler.advance(60_000);
    expect(memory.getFinishedSpans()).toHaveLength(0);
    expect((await tracer.flush()).ok).toBe(true);
    expect(memory.getFinishedSpans()).toHaveLength(5);
  });

  it('rejects invalid settings with a message naming the setting', () => {
    expect(() => new ExportPipeline(new InMemoryExporter(), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new ExportPipeline(new InMemoryExporter(), { batchSize: 10, maxQueueSize: 5 })).toThrow(/maxQueueSize/);
    expect(() => new ExportPipeline(new InMemoryExporter(), { flushInterval: -1 })).toThrow(/flushInterval/);
  });
});

describe('bounds and drops', () => {
  it('drops and counts spans past maxQueueSize waiting, the batch in flight on top; the app is never blocked', async () => {
    const { exporter, finish, tracer } = setup({ batchSize: 2, maxQueueSize: 4 });
    finish(10);
    await flushMicrotasks();
    const stats = tracer.getExportStats()[0];
    // 2 left in the first batch (unanswered), 4 wait behind it, 4 are dropped
    expect(stats).toMatchObject({ finishedSpans: 10, queuedSpans: 6, droppedSpans: 4 });
    expect(stats?.lost.queueFull).toBe(4);
    expect((exporter as ControlledExporter).calls[0]?.spans).toHaveLength(2);
    expect(exporter.getStats()).toEqual(Object.fromEntries(Object.entries(stats ?? {}).filter(([key]) => key !== 'exporter')));
    expectIdentity(tracer);
  });

  it('bounds the queue by estimated bytes and drops a span larger than the bound', async () => {
    const { finish, tracer } = setup({ batchSize: 100, maxQueueSize: 1000, maxQueueBytes: 2000 });
    finish(20); // ~320 bytes each: about six fit
    const big = tracer.startSpan('big', { parent: null });
    big.setTag('payload', 'x'.repeat(5000));
    big.end();
    const stats = tracer.getExportStats()[0];
    expect(stats?.queuedSpans).toBeLessThanOrEqual(6);
    expect(stats?.lost.queueFull).toBeGreaterThan(10);
    expect(stats?.lost.spanTooLarge).toBe(1);
    expectIdentity(tracer);
  });

  it('a slow exporter never holds back another one', async () => {
    const slow = new ControlledExporter();
    const fast = new InMemoryExporter();
    const scheduler = new ManualScheduler();
    const tracer = new Tracer({ exportSettings: { scheduler, batchSize: 1, maxQueueSize: 3 } });
    tracer.addExporter(slow);
    tracer.addExporter(fast);
    for (let i = 0; i < 20; i++) {
      tracer.startSpan('op').end();
      await flushMicrotasks(2);
    }
    expect(fast.getFinishedSpans()).toHaveLength(20);
    expect(slow.calls).toHaveLength(1);
    // one span in the unanswered export, three waiting
    expect(tracer.getExportStats()[0]?.lost.queueFull).toBe(16);
  });
});

describe('flush and shutdown', () => {
  it('flush resolves ok once every span queued before it is exported', async () => {
    const { exporter, finish, tracer } = setup({ batchSize: 100 });
    const controlled = exporter as ControlledExporter;
    finish(3);
    let settled = false;
    const flushing = tracer.flush().then((result) => {
      settled = true;
      return result;
    });
    await flushMicrotasks();
    expect(controlled.calls).toHaveLength(1);
    expect(settled).toBe(false);
    controlled.answer();
    expect((await flushing).ok).toBe(true);
  });

  it('flush says when its deadline passed first', async () => {
    const { scheduler, finish, tracer } = setup({ batchSize: 100, exportTimeout: 60_000 });
    finish(3);
    const flushing = tracer.flush({ deadlineMs: 500 });
    await scheduler.advance(500);
    const result = await flushing;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('FLUSH_DEADLINE_EXCEEDED');
      expect(result.error.message).toContain('3 span(s) still pending');
    }
  });

  it('shutdown flushes, then refuses new spans as dropped; calling it twice is safe', async () => {
    const memory = new InMemoryExporter();
    const { finish, tracer } = setup({ batchSize: 100 }, memory);
    finish(4);
    const [first, second] = await Promise.all([tracer.shutdown(), tracer.shutdown()]);
    expect(first.ok && second.ok).toBe(true);
    expect(memory.getFinishedSpans()).toHaveLength(4);
    finish(2);
    const stats = tracer.getExportStats()[0];
    expect(stats?.lost.shutdown).toBe(2);
    expect(stats?.droppedSpans).toBe(2);
    expectIdentity(tracer);
  });

  it('shutdown past its deadline aborts the export in flight and counts its spans', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish, tracer } = setup({ batchSize: 100, exportTimeout: 60_000 }, exporter);
    finish(3);
    const stopping = tracer.shutdown({ deadlineMs: 100 });
    await scheduler.advance(100);
    const result = await stopping;
    expect(result.ok).toBe(false);
    expect(exporter.calls[0]?.signal?.aborted).toBe(true);
    await flushMicrotasks();
    expect(exporter.shutdownCalls).toBe(1);
    expect(tracer.getExportStats()[0]).toMatchObject({ queuedSpans: 0, droppedSpans: 3 });
    expect(tracer.getExportStats()[0]?.lost.shutdown).toBe(3);
    expectIdentity(tracer);
  });
});

describe('misbehaving exporters are contained', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it.each([
    [
      'throws',
      () => {
        throw new Error('sync boom');
      },
    ],
    ['rejects', () => Promise.reject(new Error('async boom'))],
    ['returns garbage', () => Promise.resolve('not a result')],
  ])('an exporter that %s is counted as a failed export', async (_name, behaviour) => {
    const scheduler = new ManualScheduler();
    const tracer = new Tracer({ exportSettings: { scheduler, batchSize: 1 } });
    tracer.addExporter({
      exportSpans: behaviour as never,
      flush: async () => {},
      shutdown: async () => {},
      getStats: () => {
        throw new Error('unused');
      },
    });
    tracer.startSpan('op').end();
    await flushMicrotasks();
    const stats = tracer.getExportStats()[0];
    expect(stats).toMatchObject({ failedExports: 1, failedSpans: 1, queuedSpans: 0 });
    expect(stats?.lost.notRetryable).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('an exporter that never answers times out, its signal is aborted, and the batch is freed', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish, tracer } = setup({ batchSize: 1, exportTimeout: 1000, retry: { maxRetries: 0 } }, exporter);
    finish(1);
    await flushMicrotasks();
    const signal = exporter.calls[0]?.signal;
    expect(signal?.aborted).toBe(false);
    await scheduler.advance(1000);
    expect(signal?.aborted).toBe(true);
    expect(String((signal?.reason as Error | undefined)?.message)).toContain('1000 ms');
    expect(tracer.getExportStats()[0]).toMatchObject({ queuedSpans: 1 }); // its answer is awaited a moment more
    await scheduler.advance(1000);
    expect(tracer.getExportStats()[0]).toMatchObject({ queuedSpans: 0, failedSpans: 1 });
    expect(tracer.getExportStats()[0]?.lost.retriesExhausted).toBe(1);
    expect(unhandled).toEqual([]);
  });

  it('makes the signal only when the exporter reads it; read after the deadline, it is already aborted', async () => {
    const seen: { options: { signal?: AbortSignal }; resolve: (result: ExportResult) => void }[] = [];
    class LateReader extends BaseSpanExporter {
      protected send(_spans: readonly Span[], options: { signal?: AbortSignal }): Promise<ExportResult> {
        return new Promise((resolve) => seen.push({ options, resolve }));
      }
    }
    const { scheduler, finish } = setup({ batchSize: 1, exportTimeout: 1000, retry: { maxRetries: 0 } }, new LateReader());
    finish(1);
    await flushMicrotasks();
    await scheduler.advance(1000);
    const signal = seen[0]?.options.signal;
    expect(signal?.aborted).toBe(true);
    expect(String((signal?.reason as Error | undefined)?.message)).toContain('1000 ms');
    seen[0]?.resolve(exportSucceeded());
    await flushMicrotasks();
    expect(unhandled).toEqual([]);
  });
});

describe('retry policy', () => {
  it('retries retryable failures with exponential backoff, then succeeds', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish, tracer } = setup({ batchSize: 1, retry: { baseRetryDelay: 100, jitter: 0 } }, exporter);
    finish(1);
    await flushMicrotasks();
    exporter.answer(exportFailed('HTTP_503', 'unavailable', true));
    await scheduler.advance(99);
    expect(exporter.calls).toHaveLength(1);
    await scheduler.advance(1);
    expect(exporter.calls).toHaveLength(2);
    exporter.answer(exportFailed('HTTP_503', 'unavailable', true));
    await scheduler.advance(199);
    expect(exporter.calls).toHaveLength(2);
    await scheduler.advance(1);
    expect(exporter.calls).toHaveLength(3);
    exporter.answer();
    await flushMicrotasks();
    expect(tracer.getExportStats()[0]).toMatchObject({ exportedSpans: 1, retries: 2, failedExports: 2, queuedSpans: 0 });
  });

  it('honours Retry-After up to maxRetryAfter', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish } = setup({ batchSize: 1, retry: { baseRetryDelay: 100, jitter: 0, maxRetryAfter: 2000 } }, exporter);
    finish(1);
    await flushMicrotasks();
    exporter.answer(exportFailed('HTTP_429', 'slow down', true, 60_000));
    await scheduler.advance(1999);
    expect(exporter.calls).toHaveLength(1);
    await scheduler.advance(1);
    expect(exporter.calls).toHaveLength(2);
  });

  it('does not retry a failure that is not retryable', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish, tracer } = setup({ batchSize: 1 }, exporter);
    finish(1);
    await flushMicrotasks();
    exporter.answer(exportFailed('HTTP_400', 'bad request', false));
    await scheduler.advance(10_000);
    expect(exporter.calls).toHaveLength(1);
    expect(tracer.getExportStats()[0]).toMatchObject({ retries: 0, failedSpans: 1 });
    expect(tracer.getExportStats()[0]?.lost.notRetryable).toBe(1);
    expect(tracer.getExportStats()[0]?.lastError).toBe('bad request');
  });

  it('gives up after maxRetries and counts retriesExhausted', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish, tracer } = setup({ batchSize: 2, retry: { maxRetries: 2, baseRetryDelay: 10, jitter: 0 } }, exporter);
    finish(2);
    for (let attempt = 0; attempt < 3; attempt++) {
      await flushMicrotasks();
      exporter.answer(exportFailed('CONNECTION', 'refused', true));
      await scheduler.advance(100);
    }
    expect(exporter.calls).toHaveLength(3);
    expect(tracer.getExportStats()[0]).toMatchObject({ retries: 2, failedSpans: 2 });
    expect(tracer.getExportStats()[0]?.lost.retriesExhausted).toBe(2);
    expectIdentity(tracer);
  });

  it('requeueOnFailure puts a batch that ran out of retries back in the queue', async () => {
    const exporter = new ControlledExporter();
    const { scheduler, finish, tracer } = setup({ batchSize: 2, flushInterval: 1000, requeueOnFailure: true, retry: { maxRetries: 0 } }, exporter);
    finish(2);
    await flushMicrotasks();
    exporter.answer(exportFailed('HTTP_503', 'unavailable', true));
    await flushMicrotasks();
    expect(tracer.getExportStats()[0]).toMatchObject({ queuedSpans: 2, failedSpans: 0 });
    await scheduler.advance(1000);
    expect(exporter.calls).toHaveLength(2);
    expect(exporter.calls[1]?.spans.map((span) => span.operationName)).toEqual(['op-0', 'op-1']);
    exporter.answer();
    await flushMicrotasks();
    expect(tracer.getExportStats()[0]?.exportedSpans).toBe(2);
  });

  it('counts rejected spans of a partial success as failed', async () => {
    const exporter = new ControlledExporter();
    const { finish, tracer } = setup({ batchSize: 5 }, exporter);
    finish(5);
    await flushMicrotasks();
    exporter.answer(exportSucceeded({ rejectedSpans: 2, message: 'two spans had no name' }));
    await flushMicrotasks();
    expect(tracer.getExportStats()[0]).toMatchObject({ exportedSpans: 3, rejectedSpans: 2, failedSpans: 2, lastError: 'two spans had no name' });
    expect(tracer.getExportStats()[0]?.lost.rejected).toBe(2);
    expectIdentity(tracer);
  });
});

describe('process friendliness', () => {
  it('the default scheduler does not keep the process alive', () => {
    const handle = realScheduler.setTimeout(() => {}, 60_000) as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    realScheduler.clearTimeout(handle);
  });
});

describe('soak', () => {
  it('1,000,000 spans through a slow exporter and a small queue: bounded heap, exact accounting', async () => {
    class SlowExporter extends BaseSpanExporter {
      protected async send(): Promise<ExportResult> {
        await new Promise((resolve) => setImmediate(resolve));
        return exportSucceeded();
      }
    }
    const exporter = new SlowExporter();
    const tracer = new Tracer({ exporters: [exporter], exportSettings: { batchSize: 100, maxQueueSize: 1000, flushInterval: 5 } });
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = 0;
    for (let chunk = 0; chunk < 100; chunk++) {
      for (let i = 0; i < 10_000; i++) {
        const span = tracer.startSpan('soak', { parent: null });
        span.setTag('i', i);
        span.end();
      }
      expectIdentity(tracer);
      await new Promise((resolve) => setImmediate(resolve));
      if (chunk % 10 === 9) {
        gc?.();
        peak = Math.max(peak, process.memoryUsage().heapUsed - heapBefore);
      }
    }
    await tracer.shutdown({ deadlineMs: 10_000 });
    const stats = exporter.getStats();
    expect(stats.finishedSpans).toBe(1_000_000);
    expect(stats.exportedSpans + stats.droppedSpans + stats.failedSpans + stats.queuedSpans).toBe(1_000_000);
    expect(stats.queuedSpans).toBe(0);
    expect(stats.exportedSpans).toBeGreaterThan(0);
    expect(stats.lost.queueFull).toBe(stats.droppedSpans);
    // The queue holds at most 1000 spans (~0.5 MB); anything near 1M spans' worth would be >300 MB.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
