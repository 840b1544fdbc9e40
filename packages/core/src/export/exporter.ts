// The exporter contract and the counters behind getStats(). The counters are mutable and internal:
// users and exporter authors see only the readonly snapshots getStats() returns.
import { redactSecrets } from '../diagnostic-logger.js';
import { type Result, TraceError, err, ok } from '../result.js';
import type { Span } from '../span.js';

/** Why spans were lost, by reason. */
export interface LostSpans {
  /** The queue was at its span or byte bound when the span finished. */
  readonly queueFull: number;
  /** The span finished after shutdown, or was still queued when shutdown's deadline passed. */
  readonly shutdown: number;
  /** One span was larger than the queue's byte bound or the largest request body. */
  readonly spanTooLarge: number;
  /** The backend refused the batch and retrying would not help (e.g. HTTP 400). */
  readonly notRetryable: number;
  /** The backend stayed unreachable (or kept failing retryably) past the retry policy's bounds. */
  readonly retriesExhausted: number;
  /** The backend accepted the request but rejected these spans (OTLP partial success). */
  readonly rejected: number;
}

/**
 * Figures of one exporter, as they were when asked for: a fresh copy each time, which later
 * exports do not change. For every exporter: finished = exported + dropped + failed + queued.
 */
export interface ExportStats {
  /** Sampled spans handed to this exporter's pipeline. */
  readonly finishedSpans: number;
  readonly exportedSpans: number;
  /** Spans lost before an export was attempted: queue full, shutdown, too large. */
  readonly droppedSpans: number;
  /** Spans lost after export was attempted: not retryable, retries exhausted, rejected. */
  readonly failedSpans: number;
  /** Spans waiting in the queue or in an export still in flight. */
  readonly queuedSpans: number;
  /** Export calls that failed (each attempt counts). */
  readonly failedExports: number;
  /** Export attempts that were retries. */
  readonly retries: number;
  /** Spans the backend reported as rejected in a partial success. */
  readonly rejectedSpans: number;
  readonly lost: LostSpans;
  /** The last failure's message; never contains header values. */
  readonly lastError: string | undefined;
}

type LostSpanCounts = { -readonly [Reason in keyof LostSpans]: number };

/**
 * Where a {@link BaseSpanExporter} keeps its counters, for the pipeline that feeds it. A registered
 * symbol, so an exporter built against another copy of this package (ESM beside CommonJS) still
 * shares them; neither the key nor the counters are part of any public type.
 */
const EXPORT_COUNTERS = Symbol.for('@trace/core.exportCounters');

/**
 * Mutable counters behind {@link ExportStats}, shared by an exporter and the pipeline feeding it.
 * Internal to this package: no public type names it.
 */
export class ExportCounters {
  finishedSpans = 0;
  exportedSpans = 0;
  droppedSpans = 0;
  failedSpans = 0;
  queuedSpans = 0;
  failedExports = 0;
  retries = 0;
  rejectedSpans = 0;
  lastError: string | undefined = undefined;
  readonly lost: LostSpanCounts = { queueFull: 0, shutdown: 0, spanTooLarge: 0, notRetryable: 0, retriesExhausted: 0, rejected: 0 };
  /**
   * Set by the export pipeline that feeds these counters: from then on it alone counts export
   * outcomes (an attempt it timed out must not be counted again when the exporter answers late).
   */
  attachedToPipeline = false;
  /** Told of every loss, for the diagnostic logger; set by the pipeline. */
  onLost: ((reason: keyof LostSpans, count: number) => void) | undefined = undefined;

  /** Counts `count` spans lost for `reason`, as dropped or failed according to the reason. */
  recordLost(reason: keyof LostSpans, count: number): void {
    if (!(count > 0)) return;
    this.lost[reason] += count;
    if (reason === 'queueFull' || reason === 'shutdown' || reason === 'spanTooLarge') this.droppedSpans += count;
    else this.failedSpans += count;
    if (this.onLost !== undefined) this.onLost(reason, count);
  }

  /**
   * Counts the outcome of one export call of `spanCount` spans. Takes any value an exporter may
   * have returned (see {@link normalizeExportResult}); returns the result as counted.
   */
  recordExport(spanCount: number, outcome: unknown): ExportResult {
    const result = normalizeExportResult(outcome);
    if (result.ok) {
      const rejected = Math.min(result.value.rejectedSpans ?? 0, spanCount);
      const dropped = Math.min(result.value.droppedSpans ?? 0, spanCount - rejected);
      this.exportedSpans += spanCount - rejected - dropped;
      this.rejectedSpans += rejected;
      this.recordLost('rejected', rejected);
      this.recordLost('spanTooLarge', dropped);
      if (rejected > 0 && result.value.message) this.lastError = result.value.message;
    } else {
      this.failedExports++;
      this.lastError = result.error.message;
    }
    return result;
  }

  snapshot(): ExportStats {
    return {
      finishedSpans: this.finishedSpans,
      exportedSpans: this.exportedSpans,
      droppedSpans: this.droppedSpans,
      failedSpans: this.failedSpans,
      queuedSpans: this.queuedSpans,
      failedExports: this.failedExports,
      retries: this.retries,
      rejectedSpans: this.rejectedSpans,
      lost: { ...this.lost },
      lastError: this.lastError,
    };
  }
}

/** A failed export: whether trying again could help, and after how long the backend asked. */
export class ExportError extends TraceError {
  readonly retryable: boolean;
  /** Delay the backend asked for (`Retry-After`, gRPC retry info), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, retryable: boolean, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ExportError';
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A successful export; `rejectedSpans` > 0 for a partial success. */
export interface ExportSuccess {
  /** Spans the backend reported as rejected (OTLP partial success). */
  rejectedSpans?: number;
  /** Spans the exporter left out itself because even alone they were too large to send. */
  droppedSpans?: number;
  message?: string;
}

export type ExportResult = Result<ExportSuccess, ExportError>;

const EXPORT_OK: ExportResult = Object.freeze(ok(Object.freeze({})));

/** A count an exporter reported: a finite number >= 0, whole; anything else is 0. */
function countOf(value: unknown): number {
  return typeof value === 'number' && value > 0 && Number.isFinite(value) ? Math.floor(value) : 0;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object without a boolean ok' : `a ${typeof value}`;
}

/** An error (thrown, rejected, or carried in a failed result) as an {@link ExportError}, secrets removed. */
export function toExportError(error: unknown, fallbackCode = 'EXPORTER_FAILED'): ExportError {
  if (error instanceof ExportError) {
    const message = redactSecrets(error.message);
    return message === error.message ? error : new ExportError(error.code, message, error.retryable, error.retryAfterMs);
  }
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
    retryable?: unknown;
    retryAfterMs?: unknown;
  };
  const code = typeof fields.code === 'string' && fields.code !== '' ? fields.code.slice(0, 64) : fallbackCode;
  const text = typeof fields.message === 'string' ? fields.message : typeof error === 'string' ? error : 'no message';
  const retryAfter = fields.retryAfterMs;
  return new ExportError(
    code,
    `exporter failed: ${redactSecrets(text).slice(0, 500)}`,
    fields.retryable === true,
    typeof retryAfter === 'number' && retryAfter >= 0 && Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}

/**
 * What an exporter returned, as an {@link ExportResult}. Custom exporters return many shapes;
 * each has one meaning:
 *
 * | returned                                   | counted as                                              |
 * | ------------------------------------------ | ------------------------------------------------------- |
 * | `exportSucceeded()`, `ok()`, `{ ok: true }` | success (a malformed `value` reads as no partial success) |
 * | `undefined`, `null`, `true`                | success: the call completed without reporting a failure  |
 * | `{ ok: false, error }`, an `Error`         | failure; retried only when `error.retryable === true`    |
 * | `false`                                    | failure, not retryable                                  |
 * | anything else                              | failure `EXPORTER_INVALID_RESULT`, not retryable        |
 */
export function normalizeExportResult(value: unknown): ExportResult {
  if (value === undefined || value === null || value === true) return EXPORT_OK;
  if (value === false) return err(new ExportError('EXPORTER_FAILED', 'exporter reported failure (returned false)', false));
  if (value instanceof Error) return err(toExportError(value));
  if (typeof value === 'object' && !Array.isArray(value)) {
    const result = value as { ok?: unknown; value?: unknown; error?: unknown };
    if (result.ok === true) {
      const success = result.value;
      if (typeof success !== 'object' || success === null) return EXPORT_OK;
      const fields = success as { rejectedSpans?: unknown; droppedSpans?: unknown; message?: unknown };
      const rejectedSpans = countOf(fields.rejectedSpans);
      const droppedSpans = countOf(fields.droppedSpans);
      if (rejectedSpans === 0 && droppedSpans === 0) return EXPORT_OK;
      const message = typeof fields.message === 'string' ? redactSecrets(fields.message).slice(0, 500) : undefined;
      return ok({ rejectedSpans, droppedSpans, message });
    }
    if (result.ok === false) return err(toExportError(result.error, 'EXPORT_FAILED'));
  }
  return err(new ExportError('EXPORTER_INVALID_RESULT', `exporter returned ${describeValue(value)}, not an ExportResult`, false));
}

/** The plain successful {@link ExportResult}. */
export function exportSucceeded(partial?: ExportSuccess): ExportResult {
  return partial === undefined || (!partial.rejectedSpans && !partial.droppedSpans) ? EXPORT_OK : ok(partial);
}

/** A failed {@link ExportResult}. */
export function exportFailed(code: string, message: string, retryable: boolean, retryAfterMs?: number): ExportResult {
  return err(new ExportError(code, message, retryable, retryAfterMs));
}

export interface ExportOptions {
  /** Aborted when the pipeline's export deadline passes or on shutdown: stop the I/O. */
  signal?: AbortSignal;
}

/**
 * Sends finished spans to a backend. An exporter encodes
 * and sends one batch per call and classifies the outcome; queueing, batching and retries belong
 * to the tracer's export pipeline. Implementations never throw: failures are results.
 */
export interface SpanExporter {
  exportSpans(spans: readonly Span[], options?: ExportOptions): Promise<ExportResult>;
  /** Sends anything the exporter itself buffers (most buffer nothing). */
  flush(): Promise<void>;
  /** Releases connections; later exports fail with a non-retryable error. Safe to call twice. */
  shutdown(): Promise<void>;
  getStats(): ExportStats;
}

/**
 * The counters of an exporter made from {@link BaseSpanExporter} (of any copy of this package),
 * which the pipeline then records into so that the exporter's getStats() shows drops too; else
 * `undefined`. Duck-typed, since another copy's class is not this one.
 */
export function sharedExportCounters(exporter: SpanExporter): ExportCounters | undefined {
  const counters = (exporter as unknown as Partial<Record<typeof EXPORT_COUNTERS, Partial<ExportCounters>>>)[EXPORT_COUNTERS];
  return typeof counters?.recordLost === 'function' && typeof counters.recordExport === 'function' ? (counters as ExportCounters) : undefined;
}

/**
 * Base for exporters: counts every export, turns a throw or rejection of `send` into a failed
 * result, and refuses work after shutdown. Subclasses implement `send`.
 */
export abstract class BaseSpanExporter implements SpanExporter {
  readonly #counters = new ExportCounters();
  protected isShutdown = false;

  constructor() {
    // Not enumerable, not writable: only the pipeline looks it up (sharedExportCounters).
    Object.defineProperty(this, EXPORT_COUNTERS, { value: this.#counters });
  }

  /** Encodes and sends one batch. May throw; the base turns that into a failed result. */
  protected abstract send(spans: readonly Span[], options: ExportOptions): Promise<ExportResult>;

  async exportSpans(spans: readonly Span[], options: ExportOptions = {}): Promise<ExportResult> {
    let result: ExportResult;
    if (this.isShutdown) {
      result = exportFailed('EXPORTER_SHUT_DOWN', 'exporter was shut down', false);
    } else if (spans.length === 0) {
      return EXPORT_OK;
    } else {
      try {
        result = normalizeExportResult(await this.send(spans, options));
      } catch (error) {
        result = err(toExportError(error));
      }
    }
    // Inside a pipeline, the pipeline counts (it knows about deadlines and retries).
    if (!this.#counters.attachedToPipeline) this.#counters.recordExport(spans.length, result);
    return result;
  }

  async flush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.isShutdown = true;
  }

  getStats(): ExportStats {
    return this.#counters.snapshot();
  }
}
