// Spans sent through real exporters (ours and OpenTelemetry's) to a viewer on port 0, read back
// through the JSON API.
import { JaegerExporter } from '@trace/exporter-jaeger';
import { OtlpExporter } from '@trace/exporter-otlp';
import { ZipkinExporter } from '@trace/exporter-zipkin';
import { createServiceResource } from '@trace/otel-adapter';
import { type TraceDetail, type ViewerHandle, startViewer } from '@trace/viewer';
import { SAMPLE_TREE, getJson, makeSampleTrace, treeOf, waitForTrace } from './helpers';

let viewer: ViewerHandle;

beforeEach(async () => {
  viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: 0, jaegerPort: 0 });
});

afterEach(async () => {
  await viewer.stop();
});

function expectSampleTree(trace: TraceDetail): void {
  expect(treeOf(trace.spans)).toEqual(SAMPLE_TREE);
  const byName = new Map(trace.spans.map((span) => [span.name, span]));
  const reserve = byName.get('reserve');
  expect(reserve?.status).toBe('error');
  expect(reserve?.kind).toBe('server');
  expect(reserve?.events.map((event) => event.name)).toEqual(['retry']);
  expect(byName.get('POST /reserve')?.kind).toBe('client');
  expect(byName.get('GET /orders')?.kind).toBe('server');
  const root = byName.get('GET /orders');
  expect(root !== undefined && Math.round(root.endMicros - root.startMicros)).toBe(100_000);
  expect(trace.summary).toMatchObject({ rootService: 'gateway', rootOperation: 'GET /orders', spanCount: 4, errorCount: 1, durationMicros: 100_000 });
  expect(trace.summary.services.map((service) => service.name).sort()).toEqual(['gateway', 'inventory', 'orders']);
  // root (own time) → client → server → ... : the critical path passes through the error span
  expect(new Set(trace.criticalPath.map((segment) => segment.spanId)).has(reserve?.spanId as string)).toBe(true);
}

describe('receivers fed by @trace exporters', () => {
  const formats = [
    [
      'otlp_http_protobuf',
      () =>
        new OtlpExporter({
          endpoint: `http://127.0.0.1:${viewer.ports.otlp}`,
          format: 'otlp_http_protobuf',
          resource: createServiceResource('gateway', '1.0.0'),
        }),
    ],
    [
      'otlp_http_json',
      () =>
        new OtlpExporter({ endpoint: `http://127.0.0.1:${viewer.ports.otlp}`, format: 'otlp_http_json', resource: createServiceResource('gateway', '1.0.0') }),
    ],
    [
      'otlp_http_protobuf gzip',
      () =>
        new OtlpExporter({
          endpoint: `http://127.0.0.1:${viewer.ports.otlp}`,
          format: 'otlp_http_protobuf',
          compression: 'gzip',
          resource: createServiceResource('gateway', '1.0.0'),
        }),
    ],
    ['zipkin_json', () => new ZipkinExporter({ endpoint: `http://127.0.0.1:${viewer.ports.zipkin}`, format: 'zipkin_json' })],
    ['zipkin_protobuf', () => new ZipkinExporter({ endpoint: `http://127.0.0.1:${viewer.ports.zipkin}`, format: 'zipkin_protobuf' })],
    ['zipkin_json gzip', () => new ZipkinExporter({ endpoint: `http://127.0.0.1:${viewer.ports.zipkin}`, format: 'zipkin_json', compression: 'gzip' })],
    ['jaeger_thrift', () => new JaegerExporter({ endpoint: `http://127.0.0.1:${viewer.ports.jaeger}`, format: 'jaeger_thrift' })],
  ] as const;

  it.each(formats)('%s: the API returns the whole tree', async (_format, create) => {
    const { spans, traceId } = await makeSampleTrace();
    const exporter = create();
    const result = await exporter.exportSpans(spans);
    await exporter.shutdown();
    expect(result.ok).toBe(true);
    const trace = await waitForTrace(viewer.url, traceId, 4);
    expectSampleTree(trace);
    const reserve = trace.spans.find((span) => span.name === 'reserve');
    expect(reserve?.service).toBe('inventory');
    expect(String(reserve?.attributes['db.rows'])).toBe('3');
  });

  it('otlp keeps attributes typed, the error message, event attributes, links, resource and scope', async () => {
    const { spans, traceId } = await makeSampleTrace();
    const exporter = new OtlpExporter({
      endpoint: `http://127.0.0.1:${viewer.ports.otlp}`,
      format: 'otlp_http_protobuf',
      resource: createServiceResource('gateway', '1.0.0'),
    });
    expect((await exporter.exportSpans(spans)).ok).toBe(true);
    await exporter.shutdown();
    const trace = await waitForTrace(viewer.url, traceId, 4);
    const byName = new Map(trace.spans.map((span) => [span.name, span]));
    const reserve = byName.get('reserve');
    expect(reserve?.attributes).toMatchObject({ 'db.rows': 3, cached: false });
    expect(reserve?.statusMessage).toBe('out of stock');
    expect(reserve?.events[0]?.attributes).toEqual({ attempt: 2 });
    expect(reserve?.resource['service.name']).toBe('inventory');
    expect(byName.get('GET /orders')?.resource['service.version']).toBe('1.0.0');
    expect(byName.get('GET /orders')?.scope?.name).toBe('@trace/core');
    expect(byName.get('render')?.links).toEqual([{ traceId, spanId: byName.get('POST /reserve')?.spanId, attributes: {} }]);
  });

  it('the trace list, services and dependencies reflect what arrived', async () => {
    const { spans, traceId } = await makeSampleTrace();
    const exporter = new ZipkinExporter({ endpoint: `http://127.0.0.1:${viewer.ports.zipkin}`, format: 'zipkin_json' });
    expect((await exporter.exportSpans(spans)).ok).toBe(true);
    await exporter.shutdown();
    await waitForTrace(viewer.url, traceId, 4);

    const list = await getJson<{ traces: { traceId: string; spanCount: number; errorCount: number }[] }>(`${viewer.url}api/traces`);
    expect(list.body.traces).toEqual([expect.objectContaining({ traceId, spanCount: 4, errorCount: 1, rootService: 'gateway', rootOperation: 'GET /orders' })]);

    const filtered = async (query: string) => (await getJson<{ traces: unknown[] }>(`${viewer.url}api/traces?${query}`)).body.traces.length;
    expect(await filtered('service=inventory')).toBe(1);
    expect(await filtered('service=nobody')).toBe(0);
    expect(await filtered('service=inventory&operation=reserve')).toBe(1);
    expect(await filtered('service=gateway&operation=reserve')).toBe(0);
    expect(await filtered('minDurationMs=99')).toBe(1);
    expect(await filtered('minDurationMs=101')).toBe(0);
    expect(await filtered('errorsOnly=true')).toBe(1);
    expect(await filtered('tag=http.method%3DGET')).toBe(1);
    expect(await filtered('tag=http.method%3DPOST')).toBe(0);
    expect(await filtered('tag=peer.service')).toBe(1);
    expect((await getJson(`${viewer.url}api/traces?minDurationMs=abc`)).status).toBe(400);

    const services = await getJson<{ services: { name: string; operations: string[] }[] }>(`${viewer.url}api/services`);
    expect(services.body.services).toEqual([
      expect.objectContaining({ name: 'gateway', operations: ['GET /orders', 'render'] }),
      expect.objectContaining({ name: 'inventory', operations: ['reserve'], errorCount: 1 }),
      expect.objectContaining({ name: 'orders', operations: ['POST /reserve'] }),
    ]);

    const dependencies = await getJson<{ edges: unknown[] }>(`${viewer.url}api/dependencies`);
    expect(dependencies.body.edges).toEqual(
      expect.arrayContaining([
        { parent: 'gateway', child: 'orders', callCount: 1, errorCount: 0, errorRate: 0 },
        { parent: 'orders', child: 'inventory', callCount: 1, errorCount: 1, errorRate: 1 },
      ]),
    );
    expect(dependencies.body.edges).toHaveLength(2);
    expect((await getJson(`${viewer.url}api/traces/${'f'.repeat(32)}`)).status).toBe(404);
  });

  it('an exporter pointed at the viewer counts every span as exported', async () => {
    const { spans } = await makeSampleTrace();
    const exporter = new JaegerExporter({ endpoint: `http://127.0.0.1:${viewer.ports.jaeger}`, format: 'jaeger_thrift' });
    await exporter.exportSpans(spans);
    await exporter.shutdown();
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 4, failedSpans: 0 });
    const stats = await getJson<{ store: { spans: number }; receivers: { jaeger: { acceptedSpans: number } } }>(`${viewer.url}api/stats`);
    expect(stats.body.store.spans).toBe(4);
    expect(stats.body.receivers.jaeger.acceptedSpans).toBe(4);
  });
});
