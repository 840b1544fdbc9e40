// W1, W1b, W1c, W8: the span path itself. Every loop exists twice, once per library, and the
// unsampled loops are separate copies again, so V8's feedback for one never shapes another.
import { type Span as OtelSpan, type Tracer as OtelTracer, context as otelContext, trace as otelTrace } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace';
import { type Span, type Tracer, alwaysOff } from '@trace/core';
import { chunkOps, inChunks } from '../chunks.js';
import { createOtelSide } from '../setup-otel.js';
import { createTraceSide } from '../setup-trace.js';
import type { TimedWorkload } from '../workload.js';

export const OPERATION = 'GET /api/users/:id';

// ── W1: root span, 5 attributes, finish ───────────────────────────────────────────────────────

/** W1's body: root span, 5 attributes, end; the span source of the export workloads too. */
export function w1Trace(tracer: Tracer, n: number): void {
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

export function w1Otel(tracer: OtelTracer, n: number): void {
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

export const w1: TimedWorkload = {
  kind: 'timed',
  id: 'W1',
  title: 'root span, 5 attributes (string, int, double, bool, string), finish',
  op: 'span',
  opsPerSample: 20_000,
  async setup(n) {
    const t = createTraceSide({ maxQueueSize: n });
    const o = createOtelSide({ maxQueueSize: n });
    return {
      trace: { run: () => inChunks(n, chunkOps(1), (count) => w1Trace(t.tracer, count)), verify: () => t.flushAndCheck(n) },
      otel: { run: () => inChunks(n, chunkOps(1), (count) => w1Otel(o.tracer, count)), verify: () => o.flushAndCheck(n) },
    };
  },
};

// ── W1b: root + 3 children with explicit parents ──────────────────────────────────────────────
// Every child carries W1's 5 attributes, set through one helper per side.

function tagTrace(span: Span): void {
  span.setTag('http.request.method', 'GET');
  span.setTag('http.response.status_code', 200);
  span.setTag('server.load', 0.75);
  span.setTag('cache.hit', true);
  span.setTag('http.route', '/api/users/:id');
}

function tagOtel(span: OtelSpan): void {
  span.setAttribute('http.request.method', 'GET');
  span.setAttribute('http.response.status_code', 200);
  span.setAttribute('server.load', 0.75);
  span.setAttribute('cache.hit', true);
  span.setAttribute('http.route', '/api/users/:id');
}

function w1bTrace(tracer: Tracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const root = tracer.startSpan('handle request');
    const a = tracer.startChildSpan(root, 'authenticate');
    tagTrace(a);
    a.end();
    const b = tracer.startChildSpan(root, 'load user');
    tagTrace(b);
    b.end();
    const c = tracer.startChildSpan(root, 'render');
    tagTrace(c);
    c.end();
    root.end();
  }
}

function w1bOtel(tracer: OtelTracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const root = tracer.startSpan('handle request');
    // OTel takes a parent only through a Context; building it once per root is the cheapest legal way.
    const parent = otelTrace.setSpan(otelContext.active(), root);
    const a = tracer.startSpan('authenticate', undefined, parent);
    tagOtel(a);
    a.end();
    const b = tracer.startSpan('load user', undefined, parent);
    tagOtel(b);
    b.end();
    const c = tracer.startSpan('render', undefined, parent);
    tagOtel(c);
    c.end();
    root.end();
  }
}

export const w1b: TimedWorkload = {
  kind: 'timed',
  id: 'W1b',
  title: 'root + 3 children with explicit parents, each child with the 5 W1 attributes (4 spans per op)',
  op: 'trace of 4 spans',
  opsPerSample: 5_000,
  async setup(n) {
    const t = createTraceSide({ maxQueueSize: 4 * n });
    const o = createOtelSide({ maxQueueSize: 4 * n });
    return {
      trace: { run: () => inChunks(n, chunkOps(4), (count) => w1bTrace(t.tracer, count)), verify: () => t.flushAndCheck(4 * n) },
      otel: { run: () => inChunks(n, chunkOps(4), (count) => w1bOtel(o.tracer, count)), verify: () => o.flushAndCheck(4 * n) },
    };
  },
};

// ── W1c: three nested current spans ───────────────────────────────────────────────────────────
// The two inner spans carry W1's 5 attributes, as W1b's children do. The callbacks are module-level functions on both sides, so neither side allocates a closure
// per operation that the other does not.

let nestedTraceTracer: Tracer | undefined;
let nestedOtelTracer: OtelTracer | undefined;

function traceInnermost(span: Span): number {
  tagTrace(span);
  return 1;
}
function traceMiddle(span: Span): number {
  tagTrace(span);
  return (nestedTraceTracer as Tracer).withSpan('query', traceInnermost);
}
function traceOuter(_span: Span): number {
  return (nestedTraceTracer as Tracer).withSpan('load user', traceMiddle);
}

function w1cTrace(tracer: Tracer, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += tracer.withSpan('handle request', traceOuter);
  return sum;
}

function otelInnermost(span: OtelSpan): number {
  tagOtel(span);
  span.end();
  return 1;
}
function otelMiddle(span: OtelSpan): number {
  tagOtel(span);
  const result = (nestedOtelTracer as OtelTracer).startActiveSpan('query', otelInnermost);
  span.end();
  return result;
}
function otelOuter(span: OtelSpan): number {
  const result = (nestedOtelTracer as OtelTracer).startActiveSpan('load user', otelMiddle);
  span.end();
  return result;
}

function w1cOtel(tracer: OtelTracer, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += tracer.startActiveSpan('handle request', otelOuter);
  return sum;
}

export const w1c: TimedWorkload = {
  kind: 'timed',
  id: 'W1c',
  title: 'three nested current spans, the 2 children with the 5 W1 attributes (tracer.withSpan vs startActiveSpan; 3 spans per op)',
  op: 'nest of 3 spans',
  opsPerSample: 5_000,
  async setup(n) {
    const t = createTraceSide({ maxQueueSize: 3 * n });
    const o = createOtelSide({ maxQueueSize: 3 * n });
    nestedTraceTracer = t.tracer;
    nestedOtelTracer = o.tracer;
    return {
      trace: {
        run: () =>
          inChunks(n, chunkOps(3), (count) => {
            if (w1cTrace(t.tracer, count) !== count) throw new Error('trace withSpan lost a return value');
          }),
        verify: () => t.flushAndCheck(3 * n),
      },
      otel: {
        run: () =>
          inChunks(n, chunkOps(3), (count) => {
            if (w1cOtel(o.tracer, count) !== count) throw new Error('otel startActiveSpan lost a return value');
          }),
        verify: () => o.flushAndCheck(3 * n),
      },
    };
  },
};

// ── W8: an unsampled span (the W1 body under an always-off sampler) ───────────────────────────

function w8Trace(tracer: Tracer, n: number): number {
  let recording = 0;
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', true);
    span.setTag('http.route', '/api/users/:id');
    if (span.isRecording()) recording++;
    span.end();
  }
  return recording;
}

function w8Otel(tracer: OtelTracer, n: number): number {
  let recording = 0;
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.load', 0.75);
    span.setAttribute('cache.hit', true);
    span.setAttribute('http.route', '/api/users/:id');
    if (span.isRecording()) recording++;
    span.end();
  }
  return recording;
}

export const w8: TimedWorkload = {
  kind: 'timed',
  id: 'W8',
  title: 'unsampled span: the W1 body under an always-off sampler',
  op: 'span',
  opsPerSample: 100_000,
  async setup(n) {
    const t = createTraceSide({ maxQueueSize: 1024, sampler: alwaysOff() });
    const o = createOtelSide({ maxQueueSize: 1024, sampler: new AlwaysOffSampler() });
    let traceRecording = 0;
    let otelRecording = 0;
    return {
      trace: {
        prepare: () => {
          traceRecording = 0;
        },
        run: () =>
          inChunks(n, 4096, (count) => {
            traceRecording += w8Trace(t.tracer, count);
          }),
        verify: async () => (traceRecording !== 0 ? `trace recorded ${traceRecording} unsampled spans` : t.flushAndCheck(0)),
      },
      otel: {
        prepare: () => {
          otelRecording = 0;
        },
        run: () =>
          inChunks(n, 4096, (count) => {
            otelRecording += w8Otel(o.tracer, count);
          }),
        verify: async () => (otelRecording !== 0 ? `otel recorded ${otelRecording} unsampled spans` : o.flushAndCheck(0)),
      },
    };
  },
};
