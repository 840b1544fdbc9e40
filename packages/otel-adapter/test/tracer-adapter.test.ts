import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Span, TraceContext, TraceState, Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import {
  OpenTelemetryTracerAdapter,
  OtelSpanFlags,
  OtelSpanKind,
  OtelStatusCode,
  createServiceResource,
  microsToNanos,
  millisToNanos,
  otelStatusCode,
  otelStatusMessage,
} from '@trace/otel-adapter';

const resource = createServiceResource('my-service', '1.0.0');
const CORE_PACKAGE_VERSION = (JSON.parse(readFileSync(path.join(__dirname, '../../core/package.json'), 'utf8')) as { version: string }).version;

async function finished(build: (tracer: Tracer) => void, tracerOptions: ConstructorParameters<typeof Tracer>[0] = {}): Promise<Span[]> {
  const exporter = new InMemoryExporter();
  const tracer = new Tracer({ serviceName: 'my-service', ...tracerOptions, exporters: [exporter] });
  build(tracer);
  await tracer.flush();
  const spans = exporter.getFinishedSpans();
  await tracer.shutdown();
  return spans;
}

function convertOne(adapter: OpenTelemetryTracerAdapter, span: Span) {
  const result = adapter.convertSpan(span);
  if (!result.ok) throw result.error;
  return result.value;
}

describe('OtelSpanKind / OtelStatusCode', () => {
  it('have the OTLP integer values', () => {
    expect(OtelSpanKind).toEqual({ UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 });
    expect(OtelStatusCode).toEqual({ UNSET: 0, OK: 1, ERROR: 2 });
  });
});

describe('OpenTelemetryTracerAdapter', () => {
  const adapter = new OpenTelemetryTracerAdapter(resource);

  it('converts ids, name, times, kind, scope and resource of real spans', async () => {
    const [child, root] = await finished((tracer) => {
      const rootSpan = tracer.startSpan('HTTP GET /orders', { kind: 'server', startTime: 1_700_000_000_000.5 });
      const childSpan = tracer.startChildSpan(rootSpan, 'query', { kind: 'client', startTime: 1_700_000_000_001 });
      childSpan.end(1_700_000_000_003.25);
      rootSpan.end(1_700_000_000_010);
    });
    expect(root).toBeDefined();
    const otelRoot = convertOne(adapter, root as Span);
    const otelChild = convertOne(adapter, child as Span);
    expect(otelRoot.traceId).toBe((root as Span).traceId);
    expect(otelRoot.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(otelRoot.spanId).toBe((root as Span).spanId);
    expect(otelRoot.parentSpanId).toBe('');
    expect(otelChild.traceId).toBe(otelRoot.traceId);
    expect(otelChild.parentSpanId).toBe(otelRoot.spanId);
    expect(otelRoot.name).toBe('HTTP GET /orders');
    expect(otelRoot.kind).toBe(OtelSpanKind.SERVER);
    expect(otelChild.kind).toBe(OtelSpanKind.CLIENT);
    expect(otelRoot.startTimeUnixNano).toBe(1_700_000_000_000_500_000n);
    expect(otelRoot.endTimeUnixNano).toBe(1_700_000_000_010_000_000n);
    expect(otelChild.startTimeUnixNano).toBe(1_700_000_000_001_000_000n);
    expect(otelChild.endTimeUnixNano).toBe(1_700_000_000_003_250_000n);
    expect(otelRoot.resource).toBe(resource);
    expect(otelRoot.instrumentationScope).toEqual({ name: '@trace/core', version: CORE_PACKAGE_VERSION });
    expect(otelRoot.status).toEqual({ code: OtelStatusCode.UNSET, message: '' });
    // Sampled, parent known not remote.
    expect(otelRoot.flags).toBe(0x01 | OtelSpanFlags.CONTEXT_HAS_IS_REMOTE_MASK);
  });

  it('maps every kind, including one set through the span.kind tag', async () => {
    const spans = await finished((tracer) => {
      for (const kind of ['internal', 'server', 'client', 'producer', 'consumer'] as const) tracer.startSpan(kind, { kind }).end();
      tracer.startSpan('tagged', { tags: { 'span.kind': 'consumer' } }).end();
    });
    const kinds = spans.map((span) => convertOne(adapter, span).kind);
    expect(kinds).toEqual([1, 2, 3, 4, 5, 5]);
    const tagged = convertOne(adapter, spans[5] as Span);
    expect(tagged.attributes).not.toHaveProperty('span.kind');
  });

  it('keeps a span.kind tag that names no kind (it set nothing, so it is information)', async () => {
    const [span] = await finished((tracer) => tracer.startSpan('odd', { tags: { 'span.kind': 'gateway' } }).end());
    const otel = convertOne(adapter, span as Span);
    expect(otel.kind).toBe(OtelSpanKind.INTERNAL);
    expect(otel.attributes['span.kind']).toBe('gateway');
  });

  it('derives ERROR from the error / error.message tags when the status is unset (seed §7 example)', async () => {
    const [span] = await finished((tracer) =>
      tracer
        .startSpan('process', {
          tags: { 'span.kind': 'server', error: 'true', 'error.message': 'Connection refused', 'http.method': 'GET', 'error.type': 'ECONNREFUSED' },
        })
        .end(),
    );
    expect((span as Span).status).toBe('unset');
    const otel = convertOne(adapter, span as Span);
    expect(otel.kind).toBe(OtelSpanKind.SERVER);
    expect(otel.status).toEqual({ code: OtelStatusCode.ERROR, message: 'Connection refused' });
    // Only the tags that encoded kind and status are gone; custom tags and error.type stay.
    expect(otel.attributes).toEqual({ 'http.method': 'GET', 'error.type': 'ECONNREFUSED' });
  });

  it('gives ERROR without message for a boolean error tag alone, and UNSET for error=false', async () => {
    const [failed, fine] = await finished((tracer) => {
      tracer.startSpan('a', { tags: { error: true } }).end();
      tracer.startSpan('b', { tags: { error: 'false', 'error.message': 'stale text' } }).end();
    });
    expect(convertOne(adapter, failed as Span).status).toEqual({ code: OtelStatusCode.ERROR, message: '' });
    const otelFine = convertOne(adapter, fine as Span);
    expect(otelFine.status.code).toBe(OtelStatusCode.UNSET);
    // error.message did not become the status message, so it stays as an attribute.
    expect(otelFine.attributes).toEqual({ 'error.message': 'stale text' });
  });

  it('lets an explicit span status win over the tags', async () => {
    const [okSpan, errorSpan, errorNoMessage] = await finished((tracer) => {
      tracer
        .startSpan('ok', { tags: { error: true, 'error.message': 'ignored' } })
        .setStatus('ok')
        .end();
      tracer
        .startSpan('err', { tags: { 'error.message': 'from tag' } })
        .setStatus('error', 'from status')
        .end();
      tracer
        .startSpan('err2', { tags: { 'error.message': 'tag only' } })
        .setStatus('error')
        .end();
    });
    const ok = convertOne(adapter, okSpan as Span);
    expect(ok.status).toEqual({ code: OtelStatusCode.OK, message: '' });
    expect(ok.attributes).toEqual({ 'error.message': 'ignored' });
    const error = convertOne(adapter, errorSpan as Span);
    expect(error.status).toEqual({ code: OtelStatusCode.ERROR, message: 'from status' });
    expect(error.attributes).toEqual({ 'error.message': 'from tag' });
    const error2 = convertOne(adapter, errorNoMessage as Span);
    expect(error2.status).toEqual({ code: OtelStatusCode.ERROR, message: 'tag only' });
    expect(error2.attributes).toEqual({});
  });

  it('converts recordException: status, error.type kept, exception event', async () => {
    const [span] = await finished((tracer) => {
      const s = tracer.startSpan('boom', { startTime: 1_700_000_000_000 });
      s.recordException(new TypeError('bad input'), 1_700_000_000_002);
      s.end(1_700_000_000_005);
    });
    const otel = convertOne(adapter, span as Span);
    expect(otel.status).toEqual({ code: OtelStatusCode.ERROR, message: 'bad input' });
    expect(otel.attributes).toEqual({ 'error.type': 'TypeError' });
    expect(otel.events).toHaveLength(1);
    expect(otel.events[0]?.name).toBe('exception');
    expect(otel.events[0]?.timeUnixNano).toBe(1_700_000_000_002_000_000n);
    expect(otel.events[0]?.attributes['exception.type']).toBe('TypeError');
    expect(otel.events[0]?.attributes['exception.message']).toBe('bad input');
  });

  it('carries events, links, trace state, remote parent flags and dropped counts', async () => {
    const linkState = TraceState.parse('vendor=abc');
    if (!linkState.ok) throw linkState.error;
    const linked = new TraceContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0, traceState: linkState.value, isRemote: true });
    const parentState = TraceState.parse('congo=t61rcWkgMzE');
    if (!parentState.ok) throw parentState.error;
    const remoteParent = new TraceContext({ traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1, traceState: parentState.value, isRemote: true });
    const [span] = await finished(
      (tracer) => {
        const s = tracer.startSpanFromContext(remoteParent, 'consume', { links: [linked], startTime: 1_700_000_000_000 });
        s.addEvent('first', { n: 1 }, 1_700_000_000_000);
        s.addEvent('second', undefined, 1_700_000_000_001);
        s.addEvent('third (over the limit)');
        s.addLink(remoteParent, { why: 'batch' });
        for (let i = 0; i < 5; i++) s.setTag(`tag${i}`, i);
        s.end(1_700_000_000_002);
      },
      { spanLimits: { eventCountLimit: 2, linkCountLimit: 1, attributeCountLimit: 3 } },
    );
    const otel = convertOne(adapter, span as Span);
    expect(otel.traceId).toBe('c'.repeat(32));
    expect(otel.parentSpanId).toBe('d'.repeat(16));
    expect(otel.traceState).toBe('congo=t61rcWkgMzE');
    expect(otel.flags).toBe(0x01 | OtelSpanFlags.CONTEXT_HAS_IS_REMOTE_MASK | OtelSpanFlags.CONTEXT_IS_REMOTE_MASK);
    expect(otel.events.map((event) => event.name)).toEqual(['first', 'second']);
    expect(otel.events[0]?.attributes).toEqual({ n: 1 });
    expect(otel.events[1]?.timeUnixNano).toBe(1_700_000_000_001_000_000n);
    expect(otel.droppedEventsCount).toBe(1);
    expect(otel.links).toEqual([
      { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: 'vendor=abc', attributes: {}, droppedAttributesCount: 0, flags: 0x300 },
    ]);
    expect(otel.droppedLinksCount).toBe(1);
    expect(Object.keys(otel.attributes)).toHaveLength(3);
    expect(otel.droppedAttributesCount).toBe(2);
  });

  it('reports spans of another service under a resource with that service.name, shared per service', async () => {
    const spans = await finished((tracer) => {
      tracer.startSpan('a', { serviceName: 'inventory' }).end();
      tracer.startSpan('b', { serviceName: 'inventory' }).end();
      tracer.startSpan('c').end();
    });
    const [a, b, c] = spans.map((span) => convertOne(adapter, span));
    expect(a?.resource.attributes['service.name']).toBe('inventory');
    expect(a?.resource.attributes['service.version']).toBe('1.0.0');
    expect(a?.resource).toBe(b?.resource);
    expect(c?.resource).toBe(resource);
    // A tracer without a service name reports under the adapter's resource.
    const [anonymous] = await finished((tracer) => tracer.startSpan('d').end(), { serviceName: undefined });
    expect((anonymous as Span).serviceName).toMatch(/^unknown_service/);
    expect(convertOne(adapter, anonymous as Span).resource).toBe(resource);
  });

  it('refuses what is not a finished span', async () => {
    const tracer = new Tracer();
    const open = tracer.startSpan('open');
    const notFinished = adapter.convertSpan(open);
    expect(notFinished.ok).toBe(false);
    if (!notFinished.ok) expect(notFinished.error.code).toBe('SPAN_NOT_FINISHED');
    for (const bad of [null, undefined, {}, { traceId: 'a'.repeat(32) }, 'span']) {
      const result = adapter.convertSpan(bad as unknown as Span);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('NOT_A_SPAN');
    }
    open.end();
    expect(adapter.convertSpan(open).ok).toBe(true);
    await tracer.shutdown();
  });

  it('converts batches all or nothing, naming the bad index', async () => {
    const spans = await finished((tracer) => {
      tracer.startSpan('one').end();
      tracer.startSpan('two').end();
    });
    const good = adapter.convertSpans(spans);
    expect(good.ok && good.value.map((span) => span.name)).toEqual(['one', 'two']);
    const bad = adapter.convertSpans([spans[0] as Span, {} as Span]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/^span 1: /);
    expect(adapter.convertSpans('nope' as unknown as Span[]).ok).toBe(false);
    const empty = adapter.convertSpans([]);
    expect(empty.ok && empty.value).toEqual([]);
  });
});

describe('time conversion', () => {
  it('keeps nanosecond epochs exact past 2^53', () => {
    // At today's epochs a double in µs resolves a quarter µs: .75 is exact, and must stay exact.
    expect(microsToNanos(1_700_000_000_123_456 + 0.75)).toBe(1_700_000_000_123_456_750n);
    expect(microsToNanos(1_700_000_000_123_456 + 0.25)).toBe(1_700_000_000_123_456_250n);
    expect(microsToNanos(2 ** 53 + 2)).toBe(BigInt(2 ** 53 + 2) * 1000n);
    expect(millisToNanos(1_700_000_000_123.456)).toBe(1_700_000_000_123_456_000n);
    expect(microsToNanos(0)).toBe(0n);
  });
});

describe('otelStatusCode / otelStatusMessage', () => {
  it('read the status from the span alone, the same for every call', async () => {
    const [okSpan, errorSpan, taggedError, tagOnly, falseTag, plain] = await finished((tracer) => {
      tracer.startSpan('ok', { parent: null }).setStatus('ok').end();
      tracer
        .startSpan('error', { parent: null, tags: { 'error.message': 'from tag' } })
        .setStatus('error', 'refused')
        .end();
      tracer
        .startSpan('error-no-message', { parent: null, tags: { 'error.message': 'from tag' } })
        .setStatus('error')
        .end();
      tracer.startSpan('tag', { parent: null, tags: { error: 'true', 'error.message': 'boom' } }).end();
      tracer.startSpan('false', { parent: null, tags: { error: false, 'error.message': 'ignored' } }).end();
      tracer.startSpan('plain', { parent: null }).end();
    });
    const read = (span: Span | undefined) => [otelStatusCode(span as Span), otelStatusMessage(span as Span)];
    expect(read(okSpan)).toEqual([OtelStatusCode.OK, '']);
    expect(read(errorSpan)).toEqual([OtelStatusCode.ERROR, 'refused']);
    expect(read(taggedError)).toEqual([OtelStatusCode.ERROR, 'from tag']);
    expect(read(tagOnly)).toEqual([OtelStatusCode.ERROR, 'boom']);
    expect(read(falseTag)).toEqual([OtelStatusCode.UNSET, '']);
    expect(read(plain)).toEqual([OtelStatusCode.UNSET, '']);
    // Reading one span never changes what another reads (no shared reader object).
    expect(read(errorSpan)).toEqual([OtelStatusCode.ERROR, 'refused']);
  });
});
