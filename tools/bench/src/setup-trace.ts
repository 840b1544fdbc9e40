// Production-like @trace/core setup: the default sampler (parent-based always-on) unless told
// otherwise, the tracer's AsyncLocalStorage context, and the batch export pipeline in front of
// an exporter that counts and discards.
import { BaseSpanExporter, type ExportResult, type Sampler, type Span, Tracer, exportSucceeded } from '@trace/core';

/** Counts what reaches it and drops it: the cheapest possible backend, so the tracer is what is measured. */
export class CountingTraceExporter extends BaseSpanExporter {
  received = 0;

  protected send(spans: readonly Span[]): Promise<ExportResult> {
    this.received += spans.length;
    return Promise.resolve(exportSucceeded());
  }
}

/** A tracer plus its counting exporter, and the check every sample ends with. */
export interface TraceSide {
  tracer: Tracer;
  exporter: CountingTraceExporter;
  /** Flushes, then returns why the sample is void if fewer than `expected` spans were exported since the last check. */
  flushAndCheck(expected: number): Promise<string | undefined>;
}

export interface TraceSideOptions {
  /** At least the spans one sample creates, so the bounded queue never drops. */
  maxQueueSize: number;
  sampler?: Sampler;
  /** false: spans stay queued until flush (W6 holds finished spans this way). */
  exportOnFinish?: boolean;
  /** Byte bound of the queue; W6 raises it so that 100k held spans all fit. */
  maxQueueBytes?: number;
  serviceName?: string;
}

export function createTraceSide(options: TraceSideOptions): TraceSide {
  const exporter = new CountingTraceExporter();
  const tracer = new Tracer({
    serviceName: options.serviceName ?? 'bench-service',
    ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
    exporters: [exporter],
    exportSettings: {
      maxQueueSize: options.maxQueueSize,
      batchSize: Math.min(512, options.maxQueueSize),
      exportOnFinish: options.exportOnFinish ?? true,
      ...(options.maxQueueBytes === undefined ? {} : { maxQueueBytes: options.maxQueueBytes }),
    },
  });
  let checked = 0;
  return {
    tracer,
    exporter,
    async flushAndCheck(expected) {
      const flushed = await tracer.flush({ deadlineMs: 30_000 });
      const got = exporter.received - checked;
      checked = exporter.received;
      if (!flushed.ok) return `trace flush failed: ${flushed.error.message}`;
      if (got !== expected) {
        const stats = tracer.getExportStats()[0];
        return `trace exported ${got} of ${expected} spans (pipeline so far: dropped ${stats?.droppedSpans}, failed ${stats?.failedSpans})`;
      }
      return undefined;
    },
  };
}
