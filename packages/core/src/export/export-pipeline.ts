// One pipeline per exporter: a bounded FIFO of finished spans, batches out of it, one export in
// flight (by default), retries with backoff, and exact accounting of every span that went in.
// While the backend is down the batch in flight is retried (capped backoff, up to
// retry.maxElapsedTime) and new spans wait behind it in the queue; when the queue is full, the
// newest span is the one dropped, so what is kept is the start of the outage, in order.
//
//   finishSpan ─▶ enqueue ─▶ [ ring buffer: head ... head+count ) ─▶ batch ─▶ exportSpans ─▶ retry?
//                    │ full / too large / shut down                              │ gave up
//                    ▼                                                           ▼
//                 dropped (by reason)                                       failed (by reason)
import { suppressTracing } from '../context-storage.js';
import { type Result, TraceError, err, ok } from '../result.js';
import { type Scheduler, realScheduler } from '../scheduler.js';
import type { Span } from '../span.js';
import { ConfigError } from '../result.js';
import {
  ExportCounters,
  ExportError,
  type ExportResult,
  type ExportStats,
  type SpanExporter,
  normalizeExportResult,
  sharedExportCounters,
  toExportError,
} from './exporter.js';
import { LossReporter } from './loss-reporter.js';
import { type RetryPolicy, resolveRetryPolicy, retryDelay } from './retry-policy.js';

/** How spans leave the process. */
export interface ExportSettings {
  /** Most spans per export call. Default 512. */
  batchSize: number;
  /** Longest a span waits before a partial batch leaves, in ms. Default 5000. */
  flushInterval: number;
  /**
   * Most spans waiting to be exported. Batches in flight (at most `maxConcurrentExports` ×
   * `batchSize` spans) come on top, as in OpenTelemetry's BatchSpanProcessor. Default 16384.
   */
  maxQueueSize: number;
  /** Most estimated bytes held, waiting or in flight: the hard memory bound. Default 64 MiB. */
  maxQueueBytes: number;
  /** Export automatically as batches fill or the interval passes; false: only on flush(). Default true. */
  exportOnFinish: boolean;
  /**
   * Deadline of one export attempt, in ms; the exporter's I/O is aborted when it passes, and its
   * answer awaited up to 1 s more (a success then still counts). Default 30000.
   */
  exportTimeout: number;
  /** Export calls in flight at once. Default 1. */
  maxConcurrentExports: number;
  /**
   * Put a batch whose retries ran out (see `retry.maxElapsedTime`) back at the front of the queue,
   * if there is room, instead of counting it as failed. Default false.
   */
  requeueOnFailure: boolean;
  /** Retry behaviour; see {@link RetryPolicy}. */
  retry: Partial<RetryPolicy>;
  /** Timers (tests pass a manual scheduler). */
  scheduler: Scheduler;
}

export const DEFAULT_EXPORT_SETTINGS: Readonly<Omit<ExportSettings, 'scheduler' | 'retry'>> = Object.freeze({
  batchSize: 512,
  flushInterval: 5000,
  maxQueueSize: 16_384,
  maxQueueBytes: 64 * 1024 * 1024,
  exportOnFinish: true,
  exportTimeout: 30_000,
  maxConcurrentExports: 1,
  requeueOnFailure: false,
});

type ResolvedSettings = Readonly<Omit<ExportSettings, 'retry'>> & { readonly retry: Readonly<RetryPolicy> };

/** Fills in defaults and validates; invalid values throw a {@link ConfigError} naming the setting. */
export function resolveExportSettings(settings: Partial<ExportSettings> = {}): ResolvedSettings {
  const resolved = {
    ...DEFAULT_EXPORT_SETTINGS,
    scheduler: realScheduler,
    ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
  } as ExportSettings;
  const positiveIntegers = ['batchSize', 'maxQueueSize', 'maxConcurrentExports'] as const;
  for (const key of positiveIntegers) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1)
      throw new ConfigError(`export setting ${key} must be an integer >= 1, got ${String(resolved[key])}`);
  }
  for (const key of ['flushInterval', 'exportTimeout', 'maxQueueBytes'] as const) {
    if (typeof resolved[key] !== 'number' || !(resolved[key] > 0))
      throw new ConfigError(`export setting ${key} must be a number > 0, got ${String(resolved[key])}`);
  }
  if (resolved.batchSize > resolved.maxQueueSize)
    throw new ConfigError(`export setting batchSize (${resolved.batchSize}) must not exceed maxQueueSize (${resolved.maxQueueSize})`);
  return { ...resolved, retry: resolveRetryPolicy(settings.retry) };
}

/** How long an export's answer is still awaited after its deadline aborted it, in ms. */
const EXPORT_ABORT_GRACE_MS = 1000;

/** Deadline of `flush()` and `shutdown()` when none is given, in ms. */
export const DEFAULT_FLUSH_DEADLINE_MS = 30_000;

/** Outcome of a flush: `ok` when every span queued before it settled, else an error saying how many are pending. */
export type FlushResult = Result<void, TraceError>;

interface FlushWaiter {
  target: number;
  resolve: (result: FlushResult) => void;
  timer: unknown;
  keepAlive: ReturnType<typeof setTimeout> | undefined;
}

const noop = () => {};

/**
 * One export call in flight: its deadline, and the `signal` of the options the exporter gets.
 * The AbortController behind the signal is made only when the exporter reads it: one that never
 * looks (an in-memory or counting exporter) costs no controller, no listener, per export.
 */
class ExportAttempt {
  private controller: AbortController | undefined = undefined;
  /** Why the export was cut off (deadline or shutdown), once it was. */
  private abortReason: TraceError | undefined = undefined;
  private done = false;
  private timedOut: ExportError | undefined = undefined;
  private grace: unknown = undefined;
  private readonly timer: unknown;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly exportTimeout: number,
    private readonly registry: Set<ExportAttempt>,
    private readonly resolve: (result: ExportResult) => void,
  ) {
    registry.add(this);
    this.timer = scheduler.setTimeout(() => this.onDeadline(), exportTimeout);
  }

  /** The exporter's abort signal (an {@link ExportOptions} field), made on first read. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      // Cut off before anyone asked: the signal starts aborted.
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** The exporter answered. After a timeout only a success is taken: its failure then is our abort. */
  settle(result: ExportResult): void {
    const timedOut = this.timedOut;
    this.finish(timedOut !== undefined && !result.ok ? { ok: false, error: timedOut } : result);
  }

  /** Shutdown cuts the export off: its I/O is aborted and the attempt fails at once. */
  abortForShutdown(): void {
    this.abortReason ??= new TraceError('SHUTDOWN', 'exporter pipeline shut down');
    this.controller?.abort(this.abortReason);
    if (this.timedOut === undefined) this.finish({ ok: false, error: new ExportError('EXPORT_ABORTED', 'export was aborted by shutdown', false) });
  }

  private onDeadline(): void {
    const timeout = new ExportError('EXPORT_TIMEOUT', `export did not finish within ${this.exportTimeout} ms`, true);
    this.timedOut = timeout;
    this.abortReason = timeout;
    // Aborting frees the exporter's socket and its hold on the batch. Its answer is still
    // awaited a moment: a backend that said 2xx before the abort has the batch, and counting
    // that as a timeout would resend it.
    this.grace = this.scheduler.setTimeout(() => this.finish({ ok: false, error: timeout }), Math.min(EXPORT_ABORT_GRACE_MS, this.exportTimeout));
    this.controller?.abort(timeout);
  }

  private finish(result: ExportResult): void {
    if (this.done) return;
    this.done = true;
    this.scheduler.clearTimeout(this.timer);
    if (this.grace !== undefined) this.scheduler.clearTimeout(this.grace);
    this.registry.delete(this);
    this.resolve(result);
  }
}

/** The queue, batching and retry loop in front of one exporter. Never throws, never rejects. */
export class ExportPipeline {
  readonly exporter: SpanExporter;
  /** Live and mutable: shared with the exporter when it comes from BaseSpanExporter. Users get getStats() snapshots. */
  private readonly counters: ExportCounters;
  private readonly reporter: LossReporter;
  private readonly reporterName: string;
  private settings: ResolvedSettings;
  private ring: (Span | undefined)[];
  private head = 0;
  private count = 0;
  private queuedBytes = 0;
  private inFlightSpans = 0;
  private inFlightBytes = 0;
  private inFlightExports = 0;
  /** Spans accepted, and spans whose fate is final (exported, failed or dropped after acceptance). */
  private accepted = 0;
  private settled = 0;
  private timer: unknown = undefined;
  private waiters: FlushWaiter[] = [];
  private readonly attempts = new Set<ExportAttempt>();
  private readonly retryTimers = new Set<{ handle: unknown; wake: () => void }>();
  private state: 'running' | 'shutting-down' | 'shut-down' = 'running';
  private shutdownPromise: Promise<FlushResult> | undefined;

  constructor(exporter: SpanExporter, settings: Partial<ExportSettings> = {}) {
    this.exporter = exporter;
    this.counters = sharedExportCounters(exporter) ?? new ExportCounters();
    this.settings = resolveExportSettings(settings);
    this.ring = new Array(this.settings.maxQueueSize);
    // From here on this pipeline alone counts export outcomes, so a late answer is never counted twice.
    this.counters.attachedToPipeline = true;
    const name = typeof exporter.constructor?.name === 'string' && exporter.constructor.name !== '' ? exporter.constructor.name : 'exporter';
    this.reporterName = name;
    this.reporter = new LossReporter(name, () => this.settings.scheduler);
    this.counters.onLost = (reason, count) => this.reporter.lost(reason, count);
  }

  /** Applies new settings to spans queued from now on (the queue keeps what it holds). */
  configure(settings: Partial<ExportSettings>): void {
    const next = resolveExportSettings(settings);
    if (next.maxQueueSize !== this.settings.maxQueueSize) {
      const ring = new Array<Span | undefined>(next.maxQueueSize);
      const keep = Math.min(this.count, next.maxQueueSize);
      for (let i = 0; i < keep; i++) ring[i] = this.ring[(this.head + i) % this.ring.length];
      this.dropSettled(this.count - keep, 'queueFull', keep);
      this.ring = ring;
      this.head = 0;
      this.count = keep;
    }
    this.settings = next;
    this.counters.queuedSpans = this.count + this.inFlightSpans;
  }

  getStats(): ExportStats {
    return this.counters.snapshot();
  }

  /**
   * What `util.inspect` shows: the exporter's name, state and figures, never the exporter itself
   * (whatever it holds, headers included, stays out of an inspected tracer).
   */
  [Symbol.for('nodejs.util.inspect.custom')](): { exporter: string; state: string; stats: ExportStats } {
    return { exporter: this.reporterName, state: this.state, stats: this.getStats() };
  }

  /** Queues a finished span; drops and counts it if the queue is full or shut down. O(1). */
  enqueue(span: Span): void {
    const counters = this.counters;
    counters.finishedSpans++;
    if (this.state !== 'running') {
      counters.recordLost('shutdown', 1);
      return;
    }
    const settings = this.settings;
    const bytes = span.estimatedBytes;
    if (bytes > settings.maxQueueBytes) {
      counters.recordLost('spanTooLarge', 1);
      return;
    }
    if (this.count >= settings.maxQueueSize || this.queuedBytes + this.inFlightBytes + bytes > settings.maxQueueBytes) {
      counters.recordLost('queueFull', 1);
      return;
    }
    const ring = this.ring;
    ring[(this.head + this.count) % ring.length] = span;
    this.count++;
    this.queuedBytes += bytes;
    this.accepted++;
    counters.queuedSpans++;
    if (!settings.exportOnFinish) return;
    if (this.count >= settings.batchSize) {
      if (this.inFlightExports < settings.maxConcurrentExports) this.startExport();
    } else if (this.timer === undefined) {
      this.timer = settings.scheduler.setTimeout(() => this.onTimer(), settings.flushInterval);
    }
  }

  /**
   * Exports everything queued before this call. Resolves `ok` when those spans have all been
   * exported or have failed, or with a `FLUSH_DEADLINE_EXCEEDED` error when `deadlineMs` (default
   * 30 s) passes first. While it is pending, and only then, the pipeline keeps the process alive.
   */
  flush(options: { deadlineMs?: number; keepProcessAlive?: boolean } = {}): Promise<FlushResult> {
    const target = this.accepted;
    if (this.settled >= target) return Promise.resolve(ok());
    return new Promise<FlushResult>((resolve) => {
      const deadline = options.deadlineMs ?? DEFAULT_FLUSH_DEADLINE_MS;
      const waiter: FlushWaiter = { target, resolve, timer: undefined, keepAlive: undefined };
      waiter.timer = this.settings.scheduler.setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        if (waiter.keepAlive !== undefined) clearTimeout(waiter.keepAlive);
        const pending = target - this.settled;
        resolve(err(new TraceError('FLUSH_DEADLINE_EXCEEDED', `flush deadline of ${deadline} ms passed with ${pending} span(s) still pending`)));
      }, deadline);
      // The pipeline's own timers are unref'd; someone awaiting this flush wants the process to
      // stay until it settles, so one ref'd timer holds it, never past the deadline. A test's
      // manual scheduler owns time itself and gets none.
      if (this.settings.scheduler === realScheduler && options.keepProcessAlive !== false) waiter.keepAlive = setTimeout(noop, deadline + 1);
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /**
   * Flushes within `deadlineMs` (default 30 s), then refuses new spans (counted as dropped for
   * shutdown), aborts what is still in flight and shuts the exporter down. Safe to call twice.
   * `keepProcessAlive: false` is for a shutdown nobody awaits (an exporter being replaced): it
   * then holds the process no more than the rest of the pipeline does.
   */
  shutdown(options: { deadlineMs?: number; keepProcessAlive?: boolean } = {}): Promise<FlushResult> {
    if (this.shutdownPromise === undefined) {
      this.shutdownPromise = this.runShutdown(options.deadlineMs ?? DEFAULT_FLUSH_DEADLINE_MS, options.keepProcessAlive !== false);
    }
    return this.shutdownPromise;
  }

  private async runShutdown(deadlineMs: number, keepProcessAlive: boolean): Promise<FlushResult> {
    this.state = 'shutting-down';
    // The pipeline's own timers are unref'd; while someone awaits this shutdown, one ref'd timer
    // keeps the process alive until the deadline, so a retry backoff cannot end it silently.
    const keepAlive = keepProcessAlive ? setTimeout(noop, deadlineMs) : undefined;
    try {
      return await this.finishShutdown(deadlineMs, keepProcessAlive);
    } finally {
      if (keepAlive !== undefined) clearTimeout(keepAlive);
    }
  }

  private async finishShutdown(deadlineMs: number, keepProcessAlive: boolean): Promise<FlushResult> {
    const flushed = await this.flush({ deadlineMs, keepProcessAlive });
    this.state = 'shut-down';
    this.clearTimer();
    // Whatever is still queued will never leave; whatever is in flight is cut off.
    this.dropSettled(this.count, 'shutdown', 0);
    for (const attempt of this.attempts) attempt.abortForShutdown();
    for (const retry of this.retryTimers) retry.wake();
    try {
      await this.exporter.shutdown();
    } catch {
      // An exporter that fails to shut down has nothing left for us to do.
    }
    // Lines held back by the once-a-minute rule are written now: no timer will run after exit.
    this.reporter.flushPending();
    return flushed;
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.count > 0 && this.inFlightExports < this.settings.maxConcurrentExports) this.startExport();
    else if (this.count > 0 && this.inFlightExports === 0) this.armTimer();
  }

  private armTimer(): void {
    if (this.timer === undefined && this.count > 0 && this.settings.exportOnFinish) {
      this.timer = this.settings.scheduler.setTimeout(() => this.onTimer(), this.settings.flushInterval);
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      this.settings.scheduler.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Starts exports while there is work that should leave now and room in flight. */
  private pump(): void {
    const flushing = this.waiters.length > 0 || this.state === 'shutting-down';
    while (this.count > 0 && this.inFlightExports < this.settings.maxConcurrentExports) {
      if (!flushing && this.count < this.settings.batchSize) break;
      this.startExport();
    }
    if (this.count > 0) this.armTimer();
  }

  private startExport(): void {
    this.clearTimer();
    const size = Math.min(this.count, this.settings.batchSize);
    const batch: Span[] = new Array(size);
    const ring = this.ring;
    let bytes = 0;
    for (let i = 0; i < size; i++) {
      const index = (this.head + i) % ring.length;
      const span = ring[index] as Span;
      ring[index] = undefined;
      batch[i] = span;
      bytes += span.estimatedBytes;
    }
    this.head = (this.head + size) % ring.length;
    this.count -= size;
    this.queuedBytes -= bytes;
    this.inFlightSpans += size;
    this.inFlightBytes += bytes;
    this.inFlightExports++;
    void this.exportBatch(batch, bytes).then(
      () => this.afterExport(),
      () => this.afterExport(),
    );
  }

  private afterExport(): void {
    this.inFlightExports--;
    this.pump();
  }

  /**
   * Exports one batch until it is delivered, refused, out of retries or cut off by shutdown. Every
   * path ends with the batch's spans settled exactly once, even if counting itself failed, so a
   * queue slot is never held forever.
   */
  private async exportBatch(batch: Span[], bytes: number): Promise<void> {
    let done = false;
    const settleLost = (reason: 'notRetryable' | 'retriesExhausted' | 'shutdown') => {
      done = true;
      this.release(batch.length, bytes);
      this.counters.recordLost(reason, batch.length);
    };
    try {
      const policy = this.settings.retry;
      const startedAt = this.settings.scheduler.now();
      let retries = 0;
      for (;;) {
        const result = await this.attempt(batch);
        this.counters.recordExport(batch.length, result);
        if (result.ok) {
          // rejected and dropped spans were counted by recordExport, with their reasons
          done = true;
          this.release(batch.length, bytes);
          return;
        }
        const error = result.error;
        const stopping = this.isShutDown();
        const delay = retryDelay(policy, retries + 1, error.retryAfterMs);
        const elapsed = this.settings.scheduler.now() - startedAt;
        const exhausted = retries >= policy.maxRetries || elapsed + delay > policy.maxElapsedTime;
        this.reporter.exportFailed(error.code, error.retryable && !stopping && !exhausted);
        if (stopping) return settleLost('shutdown');
        if (!error.retryable) return settleLost('notRetryable');
        if (exhausted) {
          if (this.settings.requeueOnFailure && this.state === 'running' && this.requeue(batch, bytes)) {
            done = true;
            return;
          }
          return settleLost('retriesExhausted');
        }
        retries++;
        this.counters.retries++;
        await this.sleep(delay);
        if (this.isShutDown()) return settleLost('shutdown');
      }
    } catch {
      // Only a bug in counting gets here; the spans must still leave the queue's bounds.
      if (!done) {
        done = true;
        this.release(batch.length, bytes);
        try {
          this.counters.recordLost('notRetryable', batch.length);
        } catch {
          // Nothing more can be counted; the slots are free, which is what matters.
        }
      }
    }
  }

  /** A method, not a field read, so the compiler does not narrow it across an await. */
  private isShutDown(): boolean {
    return this.state === 'shut-down';
  }

  /** Puts a failed batch back at the front of the queue; false when there is no room. */
  private requeue(batch: Span[], bytes: number): boolean {
    const ring = this.ring;
    if (this.count + batch.length > ring.length) return false;
    for (let i = batch.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + ring.length) % ring.length;
      ring[this.head] = batch[i];
    }
    this.count += batch.length;
    this.queuedBytes += bytes;
    this.inFlightSpans -= batch.length;
    this.inFlightBytes -= bytes;
    return true;
  }

  /** One export call with a deadline that aborts the exporter's I/O; never rejects. */
  private attempt(batch: Span[]): Promise<ExportResult> {
    return new Promise<ExportResult>((resolve) => {
      const attempt = new ExportAttempt(this.settings.scheduler, this.settings.exportTimeout, this.attempts, resolve);
      let pending: Promise<unknown>;
      try {
        pending = Promise.resolve(suppressTracing(() => this.exporter.exportSpans(batch, attempt)));
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (result) => attempt.settle(normalizeExportResult(result)),
        (error: unknown) => attempt.settle({ ok: false, error: toExportError(error) }),
      );
    });
  }

  private sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { handle: undefined as unknown, wake: () => {} };
      entry.wake = () => {
        this.settings.scheduler.clearTimeout(entry.handle);
        this.retryTimers.delete(entry);
        resolve();
      };
      entry.handle = this.settings.scheduler.setTimeout(entry.wake, delayMs);
      this.retryTimers.add(entry);
    });
  }

  /** A batch's spans reached their final fate: they leave the in-flight count. */
  private release(spanCount: number, bytes: number): void {
    this.inFlightSpans -= spanCount;
    this.inFlightBytes -= bytes;
    this.counters.queuedSpans = this.count + this.inFlightSpans;
    this.settle(spanCount);
  }

  /** Drops `dropCount` spans from the queue from position `keep` on, counted for `reason`. */
  private dropSettled(dropCount: number, reason: 'queueFull' | 'shutdown', keep: number): void {
    if (dropCount <= 0) return;
    const ring = this.ring;
    for (let i = keep; i < keep + dropCount; i++) {
      const index = (this.head + i) % ring.length;
      const span = ring[index];
      if (span !== undefined) this.queuedBytes -= span.estimatedBytes;
      ring[index] = undefined;
    }
    this.count -= dropCount;
    this.counters.recordLost(reason, dropCount);
    this.counters.queuedSpans = this.count + this.inFlightSpans;
    this.settle(dropCount);
  }

  private settle(spanCount: number): void {
    this.settled += spanCount;
    if (this.waiters.length === 0) return;
    const remaining: FlushWaiter[] = [];
    for (const waiter of this.waiters) {
      if (this.settled >= waiter.target) {
        this.settings.scheduler.clearTimeout(waiter.timer);
        if (waiter.keepAlive !== undefined) clearTimeout(waiter.keepAlive);
        waiter.resolve(ok());
      } else {
        remaining.push(waiter);
      }
    }
    this.waiters = remaining;
  }
}
