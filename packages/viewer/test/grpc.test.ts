// The optional gRPC receivers, fed by @trace's gRPC exporters (through @trace/transport-grpc).
import { Client, credentials, status } from '@grpc/grpc-js';
import { JaegerExporter } from '@trace/exporter-jaeger';
import { OtlpExporter } from '@trace/exporter-otlp';
import { createServiceResource } from '@trace/otel-adapter';
import { type TraceDetail, type ViewerHandle, startViewer } from '@trace/viewer';
import { SAMPLE_TREE, makeSampleTrace, treeOf, waitForTrace } from './helpers';

let viewer: ViewerHandle;
const MAX_MESSAGE = 64 * 1024;

beforeEach(async () => {
  viewer = await startViewer({ port: 0, otlpPort: false, zipkinPort: false, jaegerPort: false, otlpGrpcPort: 0, jaegerGrpcPort: 0, maxBodyBytes: MAX_MESSAGE });
});

afterEach(async () => {
  await viewer.stop();
});

function expectSample(trace: TraceDetail): void {
  expect(treeOf(trace.spans)).toEqual(SAMPLE_TREE);
  const reserve = trace.spans.find((span) => span.name === 'reserve');
  expect(reserve).toMatchObject({ kind: 'server', status: 'error', service: 'inventory' });
  expect(reserve?.events.map((event) => event.name)).toEqual(['retry']);
  expect(trace.summary.durationMicros).toBe(100_000);
}

/** One unary call with raw bytes, as any gRPC client could send. */
function call(target: string, path: string, body: Buffer): Promise<{ code: number; details: string }> {
  const client = new Client(target, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (value: Buffer) => value,
      (value: Buffer) => value,
      body,
      (error) => {
        client.close();
        resolve({ code: error?.code ?? status.OK, details: error?.details ?? '' });
      },
    );
  });
}

describe('gRPC receivers', () => {
  it('otlp_grpc: the API returns the whole tree', async () => {
    const { spans, traceId } = await makeSampleTrace();
    const exporter = new OtlpExporter({ endpoint: viewer.endpoints.otlpGrpc as string, format: 'otlp_grpc', resource: createServiceResource('gateway', '1') });
    const result = await exporter.exportSpans(spans);
    await exporter.shutdown();
    expect(result.ok).toBe(true);
    expectSample(await waitForTrace(viewer.url, traceId, 4));
  });

  it('jaeger_grpc: the API returns the whole tree', async () => {
    const { spans, traceId } = await makeSampleTrace();
    const exporter = new JaegerExporter({ endpoint: viewer.endpoints.jaegerGrpc as string, format: 'jaeger_grpc' });
    const result = await exporter.exportSpans(spans);
    await exporter.shutdown();
    expect(result.ok).toBe(true);
    const trace = await waitForTrace(viewer.url, traceId, 4);
    expectSample(trace);
    expect(trace.spans.find((span) => span.name === 'reserve')?.attributes['db.rows']).toBe(3);
  });

  it('answers INVALID_ARGUMENT for a message that does not decode and RESOURCE_EXHAUSTED for one too large', async () => {
    const otlp = viewer.endpoints.otlpGrpc as string;
    const bad = await call(otlp, '/opentelemetry.proto.collector.trace.v1.TraceService/Export', Buffer.from([0x0a, 0x10, 0x01]));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    const jaegerBad = await call(
      viewer.endpoints.jaegerGrpc as string,
      '/jaeger.api_v2.CollectorService/PostSpans',
      Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x2a]),
    );
    expect(jaegerBad.code).toBe(status.INVALID_ARGUMENT);
    const big = await call(otlp, '/opentelemetry.proto.collector.trace.v1.TraceService/Export', Buffer.alloc(MAX_MESSAGE + 1));
    expect(big.code).toBe(status.RESOURCE_EXHAUSTED);
    const empty = await call(otlp, '/opentelemetry.proto.collector.trace.v1.TraceService/Export', Buffer.alloc(0));
    expect(empty.code).toBe(status.OK);
    const unknown = await call(otlp, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', Buffer.alloc(0));
    expect(unknown.code).toBe(status.UNIMPLEMENTED);
    const stats = (await (await fetch(`${viewer.url}api/stats`)).json()) as { receivers: Record<string, { rejectedRequests: Record<string, number> }> };
    expect(stats.receivers.otlpGrpc?.rejectedRequests).toEqual({ INVALID_ARGUMENT: 1 });
    expect(stats.receivers.jaegerGrpc?.rejectedRequests).toEqual({ INVALID_ARGUMENT: 1 });
  });

  it('is off unless asked for', async () => {
    const plain = await startViewer({ port: 0, otlpPort: 0, zipkinPort: false, jaegerPort: false });
    try {
      expect(plain.ports.otlpGrpc).toBeUndefined();
      expect(plain.endpoints.jaegerGrpc).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});
