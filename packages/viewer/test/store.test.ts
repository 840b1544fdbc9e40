// The store's bounds and eviction, the in-process exporter, and the critical path.
import { Tracer } from '@trace/core';
import { JaegerExporter } from '@trace/exporter-jaeger';
import { TraceStore, type ViewerHandle, type ViewerSpan, ViewerExporter, criticalPath, startViewer } from '@trace/viewer';
import { SAMPLE_TREE, makeSampleTrace, treeOf, waitForTrace } from './helpers';

function span(traceId: string, spanId: string, parentId: string | undefined, start: number, end: number, extra: Partial<ViewerSpan> = {}): ViewerSpan {
  return {
    traceId: traceId.padStart(32, '0'),
    spanId: spanId.padStart(16, '0'),
    parentId: parentId?.padStart(16, '0'),
    name: `op-${spanId}`,
    kind: 'internal',
    service: 'svc',
    startMicros: start,
    endMicros: end,
    status: 'unset',
    statusMessage: '',
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: undefined,
    source: 'in-process',
    ...extra,
  };
}

describe('TraceStore bounds', () => {
  it('evicts the oldest traces first when the span bound is passed, and counts them', () => {
    const store = new TraceStore({ maxSpans: 5 });
    store.add([span('a', '1', undefined, 0, 10), span('a', '2', '1', 1, 5)]);
    store.add([span('b', '1', undefined, 20, 30), span('b', '2', '1', 21, 25)]);
    store.add([span('c', '1', undefined, 40, 50)]);
    expect(store.stats()).toMatchObject({ traces: 3, spans: 5, evictedTraces: 0 });
    store.add([span('d', '1', undefined, 60, 70)]);
    // trace a (oldest, 2 spans) went; b, c, d stay
    expect(store.stats()).toMatchObject({ traces: 3, spans: 4, evictedTraces: 1, evictedSpans: 2, receivedSpans: 6 });
    expect(store.getTrace('a')).toBeUndefined();
    expect(store.findTraces().map((trace) => trace.traceId.replace(/^0+/, ''))).toEqual(['d', 'c', 'b']);
  });

  it('evicts by bytes too', () => {
    const big = 'x'.repeat(20_000);
    const store = new TraceStore({ maxBytes: 100_000 });
    for (let i = 1; i <= 5; i++) store.add([span(i.toString(16), '1', undefined, i, i + 1, { attributes: { payload: big } })]);
    const stats = store.stats();
    expect(stats.bytes).toBeLessThanOrEqual(100_000);
    expect(stats.evictedTraces).toBeGreaterThan(0);
    expect(stats.traces + stats.evictedTraces).toBe(5);
    // the newest trace is always kept
    expect(store.getTrace('5')).toBeDefined();
  });

  it('drops (and counts) a span whose trace alone would pass the bound', () => {
    const store = new TraceStore({ maxSpans: 2 });
    store.add([span('a', '1', undefined, 0, 10), span('a', '2', '1', 1, 2), span('a', '3', '1', 3, 4)]);
    expect(store.stats()).toMatchObject({ spans: 2, droppedSpans: 1, evictedTraces: 0 });
  });

  it('replaces a span sent twice instead of counting it twice', () => {
    const store = new TraceStore();
    store.add([span('a', '1', undefined, 0, 10)]);
    store.add([span('a', '1', undefined, 0, 12)]);
    expect(store.stats().spans).toBe(1);
    expect(store.getTrace('a')?.summary.durationMicros).toBe(12);
  });

  it('refuses bounds that are not positive', () => {
    expect(() => new TraceStore({ maxSpans: 0 })).toThrow(/maxSpans/);
    expect(() => new TraceStore({ maxBytes: Number.NaN })).toThrow(/maxBytes/);
  });

  it('evictions through a receiver show in /api/stats', async () => {
    const viewer: ViewerHandle = await startViewer({ port: 0, otlpPort: false, zipkinPort: false, jaegerPort: 0, maxSpans: 6 });
    try {
      const first = await makeSampleTrace();
      const second = await makeSampleTrace();
      const exporter = new JaegerExporter({ endpoint: `http://127.0.0.1:${viewer.ports.jaeger}`, format: 'jaeger_thrift' });
      await exporter.exportSpans(first.spans);
      await exporter.exportSpans(second.spans);
      await exporter.shutdown();
      await waitForTrace(viewer.url, second.traceId, 4);
      const stats = (await (await fetch(`${viewer.url}api/stats`)).json()) as { store: Record<string, number> };
      expect(stats.store).toMatchObject({ traces: 1, spans: 4, evictedTraces: 1, evictedSpans: 4 });
      expect((await fetch(`${viewer.url}api/traces/${first.traceId}`)).status).toBe(404);
    } finally {
      await viewer.stop();
    }
  });
});

describe('ViewerExporter', () => {
  it('feeds a running viewer in process, no receiver involved', async () => {
    const viewer = await startViewer({ port: 0, otlpPort: false, zipkinPort: false, jaegerPort: false });
    try {
      const tracer = new Tracer({ serviceName: 'gateway', exporters: [viewer.createExporter({ resource: { 'deployment.environment': 'dev' } })] });
      const { spans, traceId } = await makeSampleTrace();
      // the sample's spans, through a second, standalone exporter on the same store
      const direct = new ViewerExporter(viewer.store);
      expect((await direct.exportSpans(spans)).ok).toBe(true);
      expect(direct.getStats().exportedSpans).toBe(4);
      const trace = await waitForTrace(viewer.url, traceId, 4);
      expect(treeOf(trace.spans)).toEqual(SAMPLE_TREE);
      const reserve = trace.spans.find((item) => item.name === 'reserve');
      expect(reserve).toMatchObject({ status: 'error', statusMessage: 'out of stock', source: 'in-process', attributes: { 'db.rows': 3, cached: false } });

      const own = tracer.startSpan('tick', { kind: 'internal' });
      own.end();
      await tracer.flush();
      const ownTrace = await waitForTrace(viewer.url, own.traceId, 1);
      expect(ownTrace.spans[0]?.resource).toEqual({ 'deployment.environment': 'dev', 'service.name': 'gateway' });
      await tracer.shutdown();
    } finally {
      await viewer.stop();
    }
  });
});

describe('criticalPath', () => {
  it('follows the child that finished last, then the one before it, and the parent in between', () => {
    //  root  0───────────────────100
    //  a       10──────50
    //  b                  40───────90      (overlaps a: the path takes b, then a until b started)
    //  c                     55─80         (child of b)
    const spans = [span('t', '1', undefined, 0, 100), span('t', 'a', '1', 10, 50), span('t', 'b', '1', 40, 90), span('t', 'c', 'b', 55, 80)];
    const path = criticalPath(spans).map((segment) => [segment.spanId.replace(/^0+/, ''), segment.startMicros, segment.endMicros]);
    expect(path).toEqual([
      ['1', 0, 10],
      ['a', 10, 40],
      ['b', 40, 55],
      ['c', 55, 80],
      ['b', 80, 90],
      ['1', 90, 100],
    ]);
  });

  it('handles a 10,000-deep chain without running out of stack', () => {
    const spans: ViewerSpan[] = [];
    for (let i = 1; i <= 10_000; i++) spans.push(span('d', i.toString(16), i === 1 ? undefined : (i - 1).toString(16), i, 30_000 - i));
    const path = criticalPath(spans);
    expect(new Set(path.map((segment) => segment.spanId)).size).toBe(10_000);
  });
});
