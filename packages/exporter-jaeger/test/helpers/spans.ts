// Test-only: real finished spans from a real Tracer, covering every mapped field. Ids, times and
// the exception's stack are fixed, so the encoders' output for them is the same everywhere: the
// golden payloads in ../golden are that output.
import { type Span, SpanBuilder, TraceContext, Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';

export const REMOTE_TRACE_ID = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
export const REMOTE_PARENT_ID = '8899aabbccddeeff';
export const LINK_TRACE_ID = '0123456789abcdef8000000000000001';
export const LINK_SPAN_ID = 'ffffffffffffffff';
export const SERVER_SPAN_ID = 'c1d2e3f405060708';
export const CLIENT_SPAN_ID = '0a0b0c0d0e0f1011';
export const ROOT_TRACE_ID = '6e0c63257de34c926f9efcd03927272e';
export const ROOT_SPAN_ID = '7a6b5c4d3e2f1a0b';

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
  const server = built(
    new SpanBuilder(tracer)
      .withOperation('GET /orders/:id')
      .withParent(remote)
      .withSpanId(SERVER_SPAN_ID)
      .withKind('server')
      .withStartTime(START_MS)
      .withTag('http.method', 'GET')
      .withTag('http.status_code', 200)
      .withTag('cache.hit', false)
      .withTag('ratio', 0.25)
      .withTag('bytes.total', 2 ** 40 + 3)
      .withTag('temperature.delta', -7)
      .withTag('not.safe', 2 ** 60)
      .withTag('http.route.parts', ['orders', ':id'])
      .withTag('weights', [1, 2.5])
      .withTag('greeting', 'héllo ✓ 😀'),
  );
  server.addEvent('cache.miss', { 'cache.key': 'order:42', attempt: 2, event: 'ignored' }, START_MS + 1.5);
  const client = built(
    new SpanBuilder(tracer)
      .withOperation('SELECT orders')
      .withParent(server)
      .withSpanId(CLIENT_SPAN_ID)
      .withKind('client')
      .withStartTime(START_MS + 2),
  );
  client.addLink(new TraceContext({ traceId: LINK_TRACE_ID, spanId: LINK_SPAN_ID }));
  client.setTag('db.system', 'postgresql');
  const error = new TypeError('connection reset');
  error.stack = 'TypeError: connection reset\n    at fixture (spans.ts:1:1)';
  client.recordException(error, START_MS + 3);
  client.end(START_MS + 4.25);
  server.end(START_MS + 10);
  const root = built(new SpanBuilder(tracer).withOperation('nightly-job').withTraceId(ROOT_TRACE_ID).withSpanId(ROOT_SPAN_ID).withStartTime(START_MS));
  root.end(START_MS + 1000);
  await tracer.shutdown();
  return { server, client, root };
}

function built(builder: SpanBuilder): Span {
  const result = builder.build();
  if (!result.ok) throw result.error;
  return result.value;
}
