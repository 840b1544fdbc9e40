// W6: heap retained per span, read from process.memoryUsage().heapUsed after forced GCs.
//   finished: W1 spans ended and handed over by each side's batch pipeline, kept by the exporter
//   live:     W1 spans started and not ended, kept by the caller
// Both sides keep their spans the same way, in a plain array grown by push that the bench owns,
// so the figure is the spans and their attributes on either side, not the difference between two
// queue designs (a preallocated ring against a growing array). Tracer / provider, exporter and
// the empty array are built before the first reading; their fixed storage is not counted.
import type { Span as OtelSpan, Tracer as OtelTracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { type ExportResult as OtelExportResult, ExportResultCode } from '@otel3/core';
import { BaseSpanExporter, type ExportResult, type Span, type Tracer, exportSucceeded } from '@trace/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { inChunks } from '../chunks.js';
import { createOtelSide } from '../setup-otel.js';
import type { MemoryReading, MemoryWorkload, Side } from '../workload.js';
import { Tracer as TraceTracer } from '@trace/core';
import { SERVICE_NAME } from '../fixtures.js';
import { OPERATION } from './spans.js';

// The same bounded pipeline on both sides (OTel's default queue); spans leave it in batches.
const QUEUE_SIZE = 2048;
const BATCH_SIZE = 512;

function collect(): number {
  const gc = globalThis.gc as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * The first reading: a few turns and GCs first, so that whatever an earlier measurement left to
 * pending callbacks (a provider's last promise, a cleared timer) is gone before, not during, this one.
 */
async function settledBaseline(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await sleep(20);
  }
  return collect();
}

/** Keeps every span it is handed, in `kept`. */
class KeepingTraceExporter extends BaseSpanExporter {
  readonly kept: Span[] = [];

  protected send(spans: readonly Span[]): Promise<ExportResult> {
    for (const span of spans) this.kept.push(span);
    return Promise.resolve(exportSucceeded());
  }
}

/** Keeps every span it is handed, in `kept`, like {@link KeepingTraceExporter}. */
class KeepingOtelExporter {
  readonly kept: ReadableSpan[] = [];

  export(spans: ReadableSpan[], resultCallback: (result: OtelExportResult) => void): void {
    for (const span of spans) this.kept.push(span);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function w1Trace(tracer: Tracer, n: number, held: Span[] | undefined): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', true);
    span.setTag('http.route', '/api/users/:id');
    if (held === undefined) span.end();
    else held.push(span);
  }
}

function w1Otel(tracer: OtelTracer, n: number, held: OtelSpan[] | undefined): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.load', 0.75);
    span.setAttribute('cache.hit', true);
    span.setAttribute('http.route', '/api/users/:id');
    if (held === undefined) span.end();
    else held.push(span);
  }
}

function traceSide(): { tracer: TraceTracer; exporter: KeepingTraceExporter } {
  const exporter = new KeepingTraceExporter();
  const tracer = new TraceTracer({ serviceName: SERVICE_NAME, exporters: [exporter], exportSettings: { maxQueueSize: QUEUE_SIZE, batchSize: BATCH_SIZE } });
  return { tracer, exporter };
}

function otelSide(): { tracer: OtelTracer; exporter: KeepingOtelExporter; shutdown(): Promise<void>; flush(): Promise<void> } {
  const exporter = new KeepingOtelExporter();
  const o = createOtelSide({ maxQueueSize: QUEUE_SIZE, maxExportBatchSize: BATCH_SIZE, exporter });
  return { tracer: o.tracer, exporter, shutdown: () => o.provider.shutdown(), flush: () => o.provider.forceFlush() };
}

function reading(before: number, after: number, n: number, kept: number, side: Side): MemoryReading {
  const bytesPerSpan = (after - before) / n;
  if (kept !== n) return { bytesPerSpan, voidReason: `${side} kept ${kept} of ${n} spans` };
  // Less heap with 100k spans than without: memory from before the reading was freed during it.
  if (bytesPerSpan <= 0) return { bytesPerSpan, voidReason: `${side} heap shrank by ${(-bytesPerSpan).toFixed(0)} B a span during the reading` };
  return { bytesPerSpan };
}

async function measureFinished(side: Side, n: number): Promise<MemoryReading> {
  if (side === 'trace') {
    const t = traceSide();
    const before = await settledBaseline();
    // One batch at a time with a turn between, so the bounded queue drains as in a server.
    await inChunks(n, BATCH_SIZE, (count) => w1Trace(t.tracer, count, undefined));
    const flushed = await t.tracer.flush({ deadlineMs: 30_000 });
    const after = collect();
    const result = reading(before, after, n, t.exporter.kept.length, side);
    await t.tracer.shutdown();
    return flushed.ok ? result : { ...result, voidReason: `trace flush failed: ${flushed.error.message}` };
  }
  const o = otelSide();
  const before = await settledBaseline();
  await inChunks(n, BATCH_SIZE, (count) => w1Otel(o.tracer, count, undefined));
  await o.flush();
  const after = collect();
  const result = reading(before, after, n, o.exporter.kept.length, side);
  await o.shutdown();
  return result;
}

async function measureLive(side: Side, n: number): Promise<MemoryReading> {
  if (side === 'trace') {
    const t = traceSide();
    const held: Span[] = [];
    const before = await settledBaseline();
    w1Trace(t.tracer, n, held);
    const after = collect();
    await inChunks(n, BATCH_SIZE, (count) => {
      for (const span of held.splice(0, count)) span.end();
    });
    const flushed = await t.tracer.flush({ deadlineMs: 30_000 });
    const result = reading(before, after, n, t.exporter.kept.length, side);
    await t.tracer.shutdown();
    return flushed.ok ? result : { ...result, voidReason: `trace flush failed: ${flushed.error.message}` };
  }
  const o = otelSide();
  const held: OtelSpan[] = [];
  const before = await settledBaseline();
  w1Otel(o.tracer, n, held);
  const after = collect();
  await inChunks(n, BATCH_SIZE, (count) => {
    for (const span of held.splice(0, count)) span.end();
  });
  await o.flush();
  const result = reading(before, after, n, o.exporter.kept.length, side);
  await o.shutdown();
  return result;
}

export const w6Finished: MemoryWorkload = {
  kind: 'memory',
  id: 'W6-finished',
  title: 'retained heap per finished span (W1 span, 100k), handed over by the batch pipeline and kept in an array, same on both sides',
  spans: 100_000,
  measure: measureFinished,
};

export const w6Live: MemoryWorkload = {
  kind: 'memory',
  id: 'W6-live',
  title: 'retained heap per live span (W1 span before end, 100k kept in an array)',
  spans: 100_000,
  measure: measureLive,
};
