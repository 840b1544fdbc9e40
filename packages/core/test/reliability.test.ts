// The export pipeline's defaults under faults: an outage loses nothing while the queue has room,
// loss past that is counted and reported once a minute per reason, any result shape a custom
// exporter returns is handled, and counting can never freeze a queue.
import {
  BaseSpanExporter,
  DEFAULT_EXPORT_SETTINGS,
  DEFAULT_RETRY_POLICY,
  type DiagnosticLogger,
  type ExportResult,
  type ExportStats,
  type Span,
  type SpanExporter,
  Tracer,
  exportFailed,
  exportSucceeded,
  getDiagnosticLogLevel,
  normalizeExportResult,
  ok,
  setDiagnosticLogLevel,
  setDiagnosticLogger,
} from '@trace/core';
import { ManualScheduler, flushMicrotasks } from '@trace/core/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A foreign exporter's figures: it counts nothing itself. */
function noStats(): ExportStats {
  return {
    finishedSpans: 0,
    exportedSpans: 0,
    droppedSpans: 0,
    failedSpans: 0,
    queuedSpans: 0,
    failedExports: 0,
    retries: 0,
    rejectedSpans: 0,
    lost: { queueFull: 0, shutdown: 0, spanTooLarge: 0, notRetryable: 0, retriesExhausted: 0, rejected: 0 },
    lastError: undefined,
  };
}

/** Records diagnostic lines instead of writing them to stderr. */
function recordingLogger(): DiagnosticLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string) => lines.push(message);
  return { lines, error: push, warn: push, info: push, debug: push, verbose: push };
}

let logger: ReturnType<typeof recordingLogger>;
beforeEach(() => {
  logger = recordingLogger();
  setDiagnosticLogger(logger, 'info');
});
afterAll(() => setDiagnosticLogger(undefined));

/** A backend the test switches between down (503) and up. */
class OutageExporter extends BaseSpanExporter {
  down = true;
  attempts = 0;
  readonly delivered: string[] = [];

  protected async send(spans: readonly Span[]): Promise<ExportResult> {
    this.attempts++;
    if (this.down) return exportFailed('HTTP_503', 'service unavailable', true);
    for (const span of spans) this.delivered.push(span.operationName);
    return exportSucceeded();
  }
}

function tracerWith(exporter: SpanExporter, settings: Record<string, unknown> = {}) {
  const scheduler = new ManualScheduler();
  const tracer = new Tracer({ serviceName: 'svc', exporters: [exporter], exportSettings: { scheduler, ...settings } });
  let next = 0;
  const finish = (count: number) => {
    for (let i = 0; i < count; i++) tracer.startSpan(`op-${next++}`, { parent: null }).end();
  };
  const stats = () => tracer.getExportStats()[0] as ExportStats;
  return { scheduler, tracer, finish, stats };
}

function expectExact(stats: ExportStats) {
  expect(stats.queuedSpans).toBe(0);
  expect(stats.finishedSpans).toBe(stats.exportedSpans + stats.droppedSpans + stats.failedSpans);
}

describe('default retry and queue rules', () => {
  it('keeps retrying with capped backoff for 5 minutes and a queue of 16384 spans', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxRetries: Number.POSITIVE_INFINITY, maxElapsedTime: 300_000, maxRetryDelay: 5000 });
    expect(DEFAULT_EXPORT_SETTINGS.maxQueueSize).toBe(16_384);
  });

  it('a 2 minute outage loses no span while the queue has room, and spans arrive in order', async () => {
    const exporter = new OutageExporter();
    const { scheduler, tracer, finish, stats } = tracerWith(exporter);
    // 50 spans a second for two minutes of manual time, backend down throughout.
    for (let second = 0; second < 120; second++) {
      finish(50);
      await scheduler.advance(1000);
    }
    expect(stats().lost).toMatchObject({ queueFull: 0, retriesExhausted: 0 });
    expect(stats().retries).toBeGreaterThan(20);
    exporter.down = false;
    await scheduler.advance(6000); // at most one capped backoff (5 s + 20 % jitter) later
    expect((await tracer.flush()).ok).toBe(true);
    expect(stats()).toMatchObject({ finishedSpans: 6000, exportedSpans: 6000, droppedSpans: 0, failedSpans: 0 });
    expect(exporter.delivered).toEqual(Array.from({ length: 6000 }, (_, i) => `op-${i}`));
    expectExact(stats());
  });

  it('backs off exponentially up to maxRetryDelay: about one attempt per 5 s once capped', async () => {
    const exporter = new OutageExporter();
    const { scheduler, finish } = tracerWith(exporter, { retry: { jitter: 0 }, batchSize: 1 });
    finish(1);
    await scheduler.advance(100 + 200 + 400 + 800 + 1600 + 3200); // six retries
    expect(exporter.attempts).toBe(7);
    await scheduler.advance(50_000);
    expect(exporter.attempts).toBe(17);
  });

  it('when the queue is full during an outage the newest spans are dropped, counted as queueFull', async () => {
    const exporter = new OutageExporter();
    const { scheduler, tracer, finish, stats } = tracerWith(exporter, { maxQueueSize: 100, batchSize: 10, flushInterval: 100 });
    finish(150);
    await scheduler.advance(10_000);
    // the batch being retried (10) plus 100 waiting behind it
    expect(stats()).toMatchObject({ finishedSpans: 150, droppedSpans: 40, queuedSpans: 110 });
    expect(stats().lost.queueFull).toBe(40);
    exporter.down = false;
    await scheduler.advance(6000);
    await tracer.flush();
    expect(exporter.delivered).toEqual(Array.from({ length: 110 }, (_, i) => `op-${i}`));
    expectExact(stats());
    expect(logger.lines.filter((line) => line.includes('[queueFull]'))).toHaveLength(1);
  });

  it('the byte bound holds during an outage too', async () => {
    const exporter = new OutageExporter();
    const { scheduler, finish, stats } = tracerWith(exporter, { maxQueueBytes: 20_000, batchSize: 10 });
    finish(500);
    await scheduler.advance(1000);
    expect(stats().queuedSpans).toBeLessThan(500);
    expect(stats().lost.queueFull).toBe(500 - stats().queuedSpans);
  });

  it('gives a batch up as retriesExhausted once retrying would pass maxElapsedTime', async () => {
    const exporter = new OutageExporter();
    const { scheduler, tracer, finish, stats } = tracerWith(exporter, { batchSize: 5 });
    finish(5);
    // The last retry starts no later than 5 min after the first attempt (a capped backoff is 5 s ± 20 %).
    await scheduler.advance(290_000);
    expect(stats().failedSpans).toBe(0);
    const attempts = stats().failedExports;
    await scheduler.advance(20_000);
    // Backoffs of at least 4 s fit at most three attempts into the last 10 s before the bound.
    expect(stats().failedExports - attempts).toBeLessThanOrEqual(3);
    expect(stats().lost.retriesExhausted).toBe(5);
    // Given up means given up: no attempt after that.
    const final = stats().failedExports;
    await scheduler.advance(60_000);
    expect(stats().failedExports).toBe(final);
    expect((await tracer.flush()).ok).toBe(true);
    expectExact(stats());
  });

  it('a 400 fails at once, without a retry', async () => {
    const exporter = new (class extends BaseSpanExporter {
      calls = 0;
      protected async send(): Promise<ExportResult> {
        this.calls++;
        return exportFailed('HTTP_400', 'bad request', false);
      }
    })();
    const { tracer, finish, stats } = tracerWith(exporter);
    finish(3);
    expect((await tracer.flush()).ok).toBe(true);
    expect(exporter.calls).toBe(1);
    expect(stats()).toMatchObject({ retries: 0, failedSpans: 3 });
    expect(stats().lost.notRetryable).toBe(3);
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    let calls = 0;
    const exporter: SpanExporter = {
      exportSpans: async () => (++calls === 1 ? exportFailed('HTTP_429', 'slow down', true, 7000) : exportSucceeded()),
      flush: async () => {},
      shutdown: async () => {},
      getStats: noStats,
    };
    const { scheduler, finish, stats } = tracerWith(exporter, { batchSize: 1 });
    finish(1);
    await scheduler.advance(6999);
    expect(calls).toBe(1);
    await scheduler.advance(1);
    expect(calls).toBe(2);
    expect(stats().exportedSpans).toBe(1);
  });

  it('shutdown during an outage ends within its deadline and counts what was pending as shutdown', async () => {
    const exporter = new OutageExporter();
    const { scheduler, tracer, finish, stats } = tracerWith(exporter);
    finish(20);
    const done = tracer.shutdown({ deadlineMs: 3000 });
    await scheduler.advance(3000);
    const result = await done;
    expect(result.ok).toBe(false);
    expect(stats().lost.shutdown).toBe(20);
    expectExact(stats());
  });
});

describe('any result a custom exporter returns', () => {
  const error = new Error('boom');
  const shapes: [string, () => unknown, 'exported' | 'failed'][] = [
    ['ok()', () => ok(), 'exported'],
    ['{ ok: true }', () => ({ ok: true }), 'exported'],
    ['exportSucceeded()', () => exportSucceeded(), 'exported'],
    ['undefined', () => undefined, 'exported'],
    ['null', () => null, 'exported'],
    ['true', () => true, 'exported'],
    ['{ ok: true, value: 7 }', () => ({ ok: true, value: 7 }), 'exported'],
    ['{ ok: true, value: { rejectedSpans: "x" } }', () => ({ ok: true, value: { rejectedSpans: 'x' } }), 'exported'],
    ['false', () => false, 'failed'],
    ['{ ok: false }', () => ({ ok: false }), 'failed'],
    ['{ ok: false, error: "nope" }', () => ({ ok: false, error: 'nope' }), 'failed'],
    ['an Error', () => error, 'failed'],
    ['42', () => 42, 'failed'],
    ['"yes"', () => 'yes', 'failed'],
    ['[]', () => [], 'failed'],
    ['{}', () => ({}), 'failed'],
    [
      'a thrown error',
      () => {
        throw error;
      },
      'failed',
    ],
    ['a rejected promise', () => Promise.reject(error), 'failed'],
    ['a rejection with a non-error', () => Promise.reject(undefined), 'failed'],
  ];

  for (const kind of ['plain object', 'BaseSpanExporter'] as const) {
    it.each(shapes)(`${kind} returning %s: counted exactly, queue slots freed`, async (_name, make, outcome) => {
      const send = () => make();
      const exporter: SpanExporter =
        kind === 'plain object'
          ? { exportSpans: send as never, flush: async () => {}, shutdown: async () => {}, getStats: noStats }
          : new (class extends BaseSpanExporter {
              protected send(): Promise<ExportResult> {
                return Promise.resolve(send()) as Promise<ExportResult>;
              }
            })();
      const { tracer, finish, stats } = tracerWith(exporter, { maxQueueSize: 4, batchSize: 2 });
      // Three rounds through a queue of 4: a slot that was never freed would drop spans.
      for (let round = 0; round < 3; round++) {
        finish(4);
        expect((await tracer.flush()).ok).toBe(true);
      }
      const figures = stats();
      expect(figures.droppedSpans).toBe(0);
      expectExact(figures);
      if (outcome === 'exported') expect(figures.exportedSpans).toBe(12);
      else {
        expect(figures.exportedSpans).toBe(0);
        expect(figures.lost.notRetryable).toBe(12);
        expect(typeof figures.lastError).toBe('string');
      }
    });
  }

  it('a synchronous throw is a failure too', async () => {
    const exporter: SpanExporter = {
      exportSpans: () => {
        throw new Error('sync');
      },
      flush: async () => {},
      shutdown: async () => {},
      getStats: noStats,
    };
    const { tracer, finish, stats } = tracerWith(exporter);
    finish(2);
    expect((await tracer.flush()).ok).toBe(true);
    expect(stats().lost.notRetryable).toBe(2);
  });

  it('a failure that says it is retryable is retried, whatever its shape', async () => {
    let calls = 0;
    const exporter: SpanExporter = {
      exportSpans: async () => (++calls < 3 ? { ok: false, error: { code: 'DOWN', message: 'down', retryable: true } } : { ok: true }) as never,
      flush: async () => {},
      shutdown: async () => {},
      getStats: noStats,
    };
    const { scheduler, finish, stats } = tracerWith(exporter, { batchSize: 1 });
    finish(1);
    await scheduler.advance(1000);
    expect(calls).toBe(3);
    expect(stats()).toMatchObject({ exportedSpans: 1, retries: 2, failedExports: 2 });
  });

  it('a never-settling promise times out and is retried; the late answer is not counted', async () => {
    let calls = 0;
    let answerFirst: (value: unknown) => void = () => {};
    const exporter = new (class extends BaseSpanExporter {
      protected send(): Promise<ExportResult> {
        calls++;
        if (calls === 1) return new Promise((resolve) => (answerFirst = resolve as never));
        return Promise.resolve(exportSucceeded());
      }
    })();
    const { scheduler, finish, stats } = tracerWith(exporter, { batchSize: 2, exportTimeout: 1000 });
    finish(2);
    await scheduler.advance(1000 + 1000 + 200); // deadline, the grace for an answer, backoff
    expect(calls).toBe(2);
    answerFirst({ ok: true });
    await flushMicrotasks();
    expect(stats()).toMatchObject({ exportedSpans: 2, failedExports: 1, finishedSpans: 2 });
    expect(stats().lastError).toMatch(/did not finish within 1000 ms/);
  });

  it('a success that arrives just after the deadline aborted the export counts as delivered, not resent', async () => {
    // e.g. the backend said 200 and its body was still arriving when the deadline passed
    let calls = 0;
    const exporter = new (class extends BaseSpanExporter {
      protected send(_spans: readonly Span[], options: { signal?: AbortSignal }): Promise<ExportResult> {
        calls++;
        return new Promise((resolve) => options.signal?.addEventListener('abort', () => resolve(exportSucceeded())));
      }
    })();
    const { scheduler, finish, stats } = tracerWith(exporter, { batchSize: 2, exportTimeout: 1000 });
    finish(2);
    await scheduler.advance(5000);
    expect(calls).toBe(1);
    expect(stats()).toMatchObject({ exportedSpans: 2, failedExports: 0, retries: 0, queuedSpans: 0 });
  });

  it('a failure that arrives after the deadline aborted the export is the timeout, retried', async () => {
    let calls = 0;
    const exporter = new (class extends BaseSpanExporter {
      protected send(_spans: readonly Span[], options: { signal?: AbortSignal }): Promise<ExportResult> {
        calls++;
        if (calls > 1) return Promise.resolve(exportSucceeded());
        return new Promise((resolve) => options.signal?.addEventListener('abort', () => resolve(exportFailed('ABORTED', 'aborted', false))));
      }
    })();
    const { scheduler, finish, stats } = tracerWith(exporter, { batchSize: 2, exportTimeout: 1000 });
    finish(2);
    await scheduler.advance(5000);
    expect(calls).toBe(2);
    expect(stats()).toMatchObject({ exportedSpans: 2, failedExports: 1, retries: 1 });
    expect(stats().lastError).toMatch(/did not finish within 1000 ms/);
  });

  it('normalizeExportResult removes credentials from a foreign error message', () => {
    const result = normalizeExportResult({ ok: false, error: new Error('POST https://user:pw@collector/v1/traces?token=abc failed: Bearer s3cret') });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error.message;
    for (const secret of ['user:pw', 'token=abc', 's3cret']) expect(message).not.toContain(secret);
    expect(message).toContain('https://collector/v1/traces');
  });

  it('a failure inside counting never freezes the queue', async () => {
    class Exporter extends BaseSpanExporter {
      protected async send(): Promise<ExportResult> {
        return exportSucceeded();
      }
    }
    const exporter = new Exporter();
    // The counters a BaseSpanExporter shares with its pipeline sit under a registered symbol (so
    // every copy of core finds them); breaking their recordExport stands in for a counting bug.
    const counters = (exporter as unknown as Record<symbol, { recordExport(count: number, outcome: unknown): ExportResult }>)[
      Symbol.for('@trace/core.exportCounters')
    ];
    if (counters === undefined) throw new Error('BaseSpanExporter keeps no counters under its symbol');
    const recordExport = counters.recordExport;
    let breaks = 2;
    counters.recordExport = function (count, outcome) {
      if (breaks-- > 0) throw new TypeError('counting bug');
      return recordExport.call(this, count, outcome);
    };
    const { tracer, finish, stats } = tracerWith(exporter, { maxQueueSize: 4, batchSize: 2 });
    for (let round = 0; round < 3; round++) {
      finish(4);
      expect((await tracer.flush({ deadlineMs: 1000 })).ok).toBe(true);
    }
    expect(stats()).toMatchObject({ finishedSpans: 12, droppedSpans: 0, queuedSpans: 0 });
    // the two batches whose counting broke are counted as failed, the rest as exported
    expect(stats().lost.notRetryable).toBe(4);
    expect(stats().exportedSpans).toBe(8);
  });
});

describe('the diagnostic logger', () => {
  it('writes one line the first time for each reason, then at most once a minute with the counts', async () => {
    const exporter = new OutageExporter();
    const { scheduler, finish } = tracerWith(exporter, { maxQueueSize: 10, batchSize: 10 });
    finish(21); // 10 in the failing export, 10 waiting, 1 dropped
    await flushMicrotasks();
    expect(logger.lines).toEqual([
      'OutageExporter: 1 span(s) dropped: the export queue was full [queueFull], 1 in total. Figures: tracer.getExportStats()',
      expect.stringMatching(/^OutageExporter: 1 export attempt\(s\) failed \(last error code HTTP_503\), 1 in total/),
    ]);
    finish(3);
    await scheduler.advance(30_000);
    expect(logger.lines).toHaveLength(2);
    await scheduler.advance(30_000);
    expect(logger.lines).toHaveLength(4);
    expect(logger.lines).toContain(
      'OutageExporter: 3 span(s) dropped: the export queue was full [queueFull] (last error code HTTP_503), 4 in total. Figures: tracer.getExportStats()',
    );
    expect(logger.lines.filter((line) => line.includes('export attempt(s) failed'))).toHaveLength(2);
  });

  it('level none silences it; warn keeps loss lines; an unknown level is ignored', async () => {
    setDiagnosticLogLevel('none');
    const { finish } = tracerWith(new OutageExporter(), { maxQueueSize: 1, batchSize: 1 });
    finish(3);
    await flushMicrotasks();
    expect(logger.lines).toEqual([]);
    setDiagnosticLogLevel('warn');
    setDiagnosticLogLevel('loud' as never);
    expect(getDiagnosticLogLevel()).toBe('warn');
    const again = tracerWith(new OutageExporter(), { maxQueueSize: 1, batchSize: 1 });
    again.finish(3);
    expect(logger.lines.length).toBeGreaterThan(0);
  });

  it('a logger that throws never reaches the export path', async () => {
    setDiagnosticLogger({ error: boom, warn: boom, info: boom, debug: boom, verbose: boom }, 'all');
    function boom(): void {
      throw new Error('logger broke');
    }
    const { scheduler, tracer, finish, stats } = tracerWith(new OutageExporter(), { maxQueueSize: 1, batchSize: 1 });
    finish(3);
    const done = tracer.shutdown({ deadlineMs: 10 });
    await scheduler.advance(10);
    await done;
    expect(stats()).toMatchObject({ finishedSpans: 3, droppedSpans: 3, queuedSpans: 0 });
  });

  it('never writes a secret: lines name the reason, counts and error code only', async () => {
    const exporter = new (class extends BaseSpanExporter {
      protected async send(): Promise<ExportResult> {
        return exportFailed('HTTP_401', 'https://u:hunter2@collector/v1/traces?api_key=hunter2 said: Bearer hunter2', false);
      }
    })();
    const { tracer, finish, stats } = tracerWith(exporter);
    finish(2);
    await tracer.flush();
    expect(logger.lines.join('\n')).toContain('HTTP_401');
    expect(logger.lines.join('\n')).not.toContain('hunter2');
    expect(JSON.stringify(stats())).not.toContain('hunter2');
  });
});

describe('the README custom-exporter example', () => {
  it('runs as written and its spans are counted as exported', async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Writing an exporter'));
    const source = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(source).toBeDefined();
    const compiled = ts.transpileModule(`${source}\nmodule.exports = { exporter, tracer };`, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const printed: string[] = [];
    const fakeConsole = { ...console, log: (...args: unknown[]) => printed.push(args.join(' ')) };
    const module = { exports: {} as { exporter: SpanExporter; tracer: Tracer } };
    new Function('require', 'module', 'exports', 'console', compiled)(require, module, module.exports, fakeConsole);
    const { tracer } = module.exports;
    tracer.startSpan('checkout', { serviceName: 'shop' }).end();
    expect((await tracer.flush()).ok).toBe(true);
    expect(printed).toEqual([expect.stringMatching(/^[0-9a-f]{32} shop checkout \d+(\.\d+)?µs$/)]);
    expect(tracer.getExportStats()[0]).toMatchObject({ finishedSpans: 1, exportedSpans: 1, queuedSpans: 0 });
  });
});
