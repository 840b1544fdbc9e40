// Production-like OpenTelemetry JS setup, as the SDK documents it: AsyncLocalStorageContextManager
// registered as the global context manager, TracerProvider with its default sampler
// (ParentBased(AlwaysOn)), BatchSpanProcessor in front of an exporter that counts and discards.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@otel3/context-async-hooks';
import { type ExportResult, ExportResultCode } from '@otel3/core';
import { resourceFromAttributes } from '@otel3/resources';
import { TracerProvider, BatchSpanProcessor, type ReadableSpan, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Tracer } from '@opentelemetry/api';

let contextManagerInstalled = false;

/** Registers the async-local context manager once for the process (OTel allows one global). */
export function installOtelContextManager(): void {
  if (contextManagerInstalled) return;
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  context.setGlobalContextManager(manager);
  contextManagerInstalled = true;
}

/** Counts what reaches it and drops it, like {@link CountingTraceExporter} on the other side. */
export class CountingOtelExporter implements SpanExporter {
  received = 0;

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.received += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface OtelSide {
  provider: TracerProvider;
  tracer: Tracer;
  exporter: CountingOtelExporter;
  flushAndCheck(expected: number): Promise<string | undefined>;
}

export interface OtelSideOptions {
  /** At least the spans one sample creates, so the processor never drops. */
  maxQueueSize: number;
  /** Spans per export; the processor also exports as soon as this many are queued. Default 512. */
  maxExportBatchSize?: number;
  scheduledDelayMillis?: number;
  sampler?: Sampler;
  serviceName?: string;
  /** A real exporter (W7) instead of the counting one; the check then counts what the receiver got. */
  exporter?: SpanExporter;
}

export function createOtelSide(options: OtelSideOptions): OtelSide {
  installOtelContextManager();
  const exporter = new CountingOtelExporter();
  const processor = new BatchSpanProcessor({
    exporter: options.exporter ?? exporter,
    maxQueueSize: options.maxQueueSize,
    maxExportBatchSize: Math.min(options.maxExportBatchSize ?? 512, options.maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMillis ?? 5000,
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'bench-service' }),
    ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('bench');
  let checked = 0;
  return {
    provider,
    tracer,
    exporter,
    async flushAndCheck(expected) {
      try {
        await provider.forceFlush();
      } catch (error) {
        return `otel forceFlush failed: ${String(error)}`;
      }
      const got = exporter.received - checked;
      checked = exporter.received;
      if (got !== expected) return `otel exported ${got} of ${expected} spans`;
      return undefined;
    },
  };
}
