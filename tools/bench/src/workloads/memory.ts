// W6: heap retained per span, read from process.memoryUsage().heapUsed after forced GCs.
//   finished: spans ended but not yet exported, held by the batch queue (export waits for flush)
//   live:     spans started and not ended, held by the caller in an array
// The tracer / provider is built after the first reading, so its own queue storage is counted.
// The holder array of the live case costs the same ~8 bytes per span on both sides.
import type { Span as OtelSpan, Tracer as OtelTracer } from '@opentelemetry/api';
import type { Span, Tracer } from '@trace/core';
import { createOtelSide } from '../setup-otel.js';
import { createTraceSide } from '../setup-trace.js';
import type { MemoryReading, MemoryWorkload, Side } from '../workload.js';

const OPERATION = 'GET /api/users/:id';

function collect(): number {
  const gc = globalThis.gc as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function finishedTrace(tracer: Tracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', true);
    span.setTag('http.route', '/api/users/:id');
    span.end();
  }
}

function finishedOtel(tracer: OtelTracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.load', 0.75);
    span.setAttribute('cache.hit', true);
    span.setAttribute('http.route', '/api/users/:id');
    span.end();
  }
}

function liveTrace(tracer: Tracer, n: number, held: Span[]): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', true);
    span.setTag('http.route', '/api/users/:id');
    held.push(span);
  }
}

function liveOtel(tracer: OtelTracer, n: number, held: OtelSpan[]): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.load', 0.75);
    span.setAttribute('cache.hit', true);
    span.setAttribute('http.route', '/api/users/:id');
    held.push(span);
  }
}

async function measureFinished(side: Side, n: number): Promise<MemoryReading> {
  if (side === 'trace') {
    const before = collect();
    const t = createTraceSide({ maxQueueSize: n, exportOnFinish: false, maxQueueBytes: 2 ** 40 });
    finishedTrace(t.tracer, n);
    const after = collect();
    const voidReason = await t.flushAndCheck(n);
    await t.tracer.shutdown();
    return { bytesPerSpan: (after - before) / n, ...(voidReason === undefined ? {} : { voidReason }) };
  }
  const before = collect();
  // One more than the spans held: the processor exports as soon as a full batch is queued.
  const o = createOtelSide({ maxQueueSize: n + 1, maxExportBatchSize: n + 1, scheduledDelayMillis: 3_600_000 });
  finishedOtel(o.tracer, n);
  const after = collect();
  const exportedEarly = o.exporter.received;
  const voidReason = exportedEarly !== 0 ? `otel exported ${exportedEarly} spans before the reading` : await o.flushAndCheck(n);
  await o.provider.shutdown();
  return { bytesPerSpan: (after - before) / n, ...(voidReason === undefined ? {} : { voidReason }) };
}

async function measureLive(side: Side, n: number): Promise<MemoryReading> {
  if (side === 'trace') {
    const before = collect();
    const t = createTraceSide({ maxQueueSize: n, maxQueueBytes: 2 ** 40 });
    const held: Span[] = [];
    liveTrace(t.tracer, n, held);
    const after = collect();
    for (const span of held) span.end();
    const voidReason = await t.flushAndCheck(n);
    await t.tracer.shutdown();
    return { bytesPerSpan: (after - before) / n, ...(voidReason === undefined ? {} : { voidReason }) };
  }
  const before = collect();
  const o = createOtelSide({ maxQueueSize: n });
  const held: OtelSpan[] = [];
  liveOtel(o.tracer, n, held);
  const after = collect();
  for (const span of held) span.end();
  const voidReason = await o.flushAndCheck(n);
  await o.provider.shutdown();
  return { bytesPerSpan: (after - before) / n, ...(voidReason === undefined ? {} : { voidReason }) };
}

export const w6Finished: MemoryWorkload = {
  kind: 'memory',
  id: 'W6-finished',
  title: 'retained heap per finished, not yet exported span (W1 span, 100k queued)',
  spans: 100_000,
  measure: measureFinished,
};

export const w6Live: MemoryWorkload = {
  kind: 'memory',
  id: 'W6-live',
  title: 'retained heap per live span (W1 span before end, 100k held)',
  spans: 100_000,
  measure: measureLive,
};
