// Test-only: real finished spans from a real Tracer, covering every mapped field.
import { type Span, TraceContext, Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';

export const REMOTE_TRACE_ID = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
export const REMOTE_PARENT_ID = '8899aabbccddeeff';
export const LINK_TRACE_ID = '0123456789abcdef8000000000000001';
export const LINK_SPAN_ID = 'ffffffffffffffff';

/** Epoch ms used as start times (µs values stay exact in a double). */
export const START_MS = 1_700_000_000_123.456;

export interface SpanFixture {
  /** Server span continuing a remote trace (ids with the top bit set: negative i64). */
  server: Span;
  /** Client child of `server`: error status, a link, an exception event. */
  client: Span;
  /** A root span of its own trace with no tags, events or kind. */
  root: Span;
}

/** Starts and finishes the fixture spans through a Tracer with an in-memory exporter. */
export async function makeSpans(serviceName = 'checkout'): Promise<SpanFixture> {
  const memory = new InMemoryExporter();
  const tracer = new Tracer({ serviceName, exporters: [memory] });
  const remote = new TraceContext({ traceId: REMOTE_TRACE_ID, spanId: REMOTE_PARENT_ID, isRemote: true });
  const server = tracer.startSpanFromContext(remote, 'GET /orders/:id', {
    kind: 'server',
    startTime: START_MS,
    tags: {
      'http.method': 'GET',
      'http.status_code': 200,
      'cache.hit': false,
      ratio: 0.25,
      'bytes.total': 2 ** 40 + 3,
      'temperature.delta': -7,
      'not.safe': 2 ** 60,
      'http.route.parts': ['orders', ':id'],
      weights: [1, 2.5],
      greeting: 'héllo ✓ 😀',
    },
  });
  server.addEvent('cache.miss', { 'cache.key': 'order:42', attempt: 2, event: 'ignored' }, START_MS + 1.5);
  const link = new TraceContext({ traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID });
  const client = tracer.startChildSpan(server, 'SELECT orders', { kind: 'client', startTime: START_MS + 2, links: [link] });
  client.setTag('db.system', 'postgresql');
  client.recordException(new TypeError('connection reset'), START_MS + 3);
  client.end(START_MS + 4.25);
  server.end(START_MS + 10);
  const root = tracer.startSpan('nightly-job', { parent: null, startTime: START_MS });
  root.end(START_MS + 1000);
  await tracer.shutdown();
  return { server, client, root };
}
