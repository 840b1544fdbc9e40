import * as grpc from '@grpc/grpc-js';
import { type GrpcTransport, Tracer } from '@trace/core';
import { createDefaultGrpcTransport } from '@trace/transport-grpc';
import { OtlpExporter, type OtlpMetricData, createOtlpExporter } from '../src/index';
import { PLAIN, memoryTracer, metricsRequestType, metricsResponseType, protobufTraceBodyToPlain, testResource, traceResponseType, type Plain } from './helpers';

const FAST_RETRY = { maxRetries: 3, baseRetryDelay: 1, maxRetryDelay: 5, maxRetryAfter: 1000, jitter: 0 };
const identity = (value: Buffer) => value;

interface Received {
  body: Buffer;
  metadata: grpc.Metadata;
}

type Answer = { ok: Uint8Array } | { code: grpc.status; details: string };

/** A real gRPC server implementing OTLP TraceService and MetricsService with raw handlers. */
async function startGrpcServer(answer: (index: number, service: 'trace' | 'metrics') => Answer = () => ({ ok: new Uint8Array(0) })) {
  const received: { trace: Received[]; metrics: Received[] } = { trace: [], metrics: [] };
  const server = new grpc.Server();
  const handler =
    (service: 'trace' | 'metrics'): grpc.handleUnaryCall<Buffer, Buffer> =>
    (call, callback) => {
      received[service].push({ body: call.request, metadata: call.metadata });
      const reply = answer(received[service].length - 1, service);
      if ('ok' in reply) callback(null, Buffer.from(reply.ok));
      else callback({ code: reply.code, details: reply.details });
    };
  const method = (path: string) => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  });
  server.addService({ Export: method('/opentelemetry.proto.collector.trace.v1.TraceService/Export') }, { Export: handler('trace') });
  server.addService({ Export: method('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export') }, { Export: handler('metrics') });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

describe('OtlpExporter over gRPC against a real @grpc/grpc-js server', () => {
  let server: Awaited<ReturnType<typeof startGrpcServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('calls TraceService/Export with metadata; the body decodes with the official protos (transport loaded lazily)', async () => {
    server = await startGrpcServer();
    const exporter = new OtlpExporter({
      endpoint: server.endpoint,
      format: 'otlp_grpc',
      headers: { Authorization: 'Bearer s3cret' },
      resource: testResource(),
    });
    const { tracer, memory } = memoryTracer({ instrumentationScope: { name: 'grpc-lib', version: '2.0.0' } });
    tracer.startSpan('rpc', { kind: 'client', tags: { 'rpc.system': 'grpc' } }).end();
    const result = await exporter.exportSpans(await memory.waitForSpans(1));
    expect(result.ok).toBe(true);
    expect(server.received.trace).toHaveLength(1);
    const call = server.received.trace[0]!;
    expect(call.metadata.get('authorization')).toEqual(['Bearer s3cret']);
    const plain = protobufTraceBodyToPlain(call.body) as Plain;
    const scope = plain.resourceSpans[0].scopeSpans[0];
    expect(scope.scope).toMatchObject({ name: 'grpc-lib', version: '2.0.0' });
    expect(scope.spans[0]).toMatchObject({ name: 'rpc', kind: 3 });
    expect(scope.spans[0].attributes[0]).toMatchObject({ key: 'rpc.system', value: { stringValue: 'grpc' } });
    expect(JSON.stringify(exporter.getStats())).not.toContain('s3cret');
    await exporter.shutdown();
  });

  it('sends gzip-compressed calls when enableCompression is on', async () => {
    server = await startGrpcServer();
    const real = createDefaultGrpcTransport();
    const compressions: (string | undefined)[] = [];
    // Delegates to the real transport, noting what the exporter asked it to do.
    const transport: GrpcTransport = {
      connect: (host, port) => real.connect(host, port),
      send: (request) => {
        compressions.push(request.compression);
        return real.send(request);
      },
      getStatistics: () => real.getStatistics(),
      close: () => real.close(),
    };
    const exporter = new OtlpExporter({ endpoint: server.endpoint, format: 'otlp_grpc', compression: 'gzip', resource: testResource(), transport });
    const { tracer, memory } = memoryTracer();
    for (let i = 0; i < 10; i++) tracer.startSpan(`op-${i}`, { tags: { payload: 'z'.repeat(500) } }).end();
    expect((await exporter.exportSpans(await memory.waitForSpans(10))).ok).toBe(true);
    const plain = protobufTraceBodyToPlain(server.received.trace[0]!.body) as Plain;
    expect(plain.resourceSpans[0].scopeSpans[0].spans).toHaveLength(10);
    expect(compressions).toEqual(['gzip']);
    await exporter.shutdown();
    await real.close();
  });

  it('records partial success from the ExportTraceServiceResponse', async () => {
    const type = traceResponseType();
    const body = type.encode(type.fromObject({ partialSuccess: { rejectedSpans: 1, errorMessage: 'dropped by collector' } })).finish();
    server = await startGrpcServer(() => ({ ok: body }));
    const exporter = createOtlpExporter({ endpoint: server.endpoint, resource: testResource(), format: 'otlp_grpc' });
    const { tracer, memory } = memoryTracer();
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    const result = await exporter.exportSpans(await memory.waitForSpans(2));
    expect(result.ok && result.value).toMatchObject({ rejectedSpans: 1, message: 'dropped by collector' });
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 1, rejectedSpans: 1 });
    await exporter.shutdown();
  });

  it('retries UNAVAILABLE through a real Tracer pipeline, then succeeds', async () => {
    server = await startGrpcServer((index) => (index < 2 ? { code: grpc.status.UNAVAILABLE, details: 'collector restarting' } : { ok: new Uint8Array(0) }));
    const exporter = new OtlpExporter({ endpoint: server.endpoint, format: 'otlp_grpc', resource: testResource() });
    const tracer = new Tracer({ serviceName: 'checkout', exporters: [exporter], exportSettings: { batchSize: 10, flushInterval: 60_000, retry: FAST_RETRY } });
    tracer.startSpan('op').end();
    expect((await tracer.flush()).ok).toBe(true);
    expect(server.received.trace).toHaveLength(3);
    expect(tracer.getExportStats()[0]).toMatchObject({ exportedSpans: 1, retries: 2, failedExports: 2 });
    await tracer.shutdown();
  });

  it.each([
    ['INVALID_ARGUMENT', grpc.status.INVALID_ARGUMENT],
    ['PERMISSION_DENIED', grpc.status.PERMISSION_DENIED],
    ['UNIMPLEMENTED', grpc.status.UNIMPLEMENTED],
    ['RESOURCE_EXHAUSTED without retry info', grpc.status.RESOURCE_EXHAUSTED],
  ])('does not retry %s', async (_name, code) => {
    server = await startGrpcServer(() => ({ code, details: 'no' }));
    const exporter = new OtlpExporter({ endpoint: server.endpoint, format: 'otlp_grpc', resource: testResource() });
    const tracer = new Tracer({ serviceName: 'checkout', exporters: [exporter], exportSettings: { batchSize: 10, flushInterval: 60_000, retry: FAST_RETRY } });
    tracer.startSpan('op').end();
    await tracer.flush();
    expect(server.received.trace).toHaveLength(1);
    expect(tracer.getExportStats()[0]).toMatchObject({ retries: 0, failedSpans: 1 });
    expect(tracer.getExportStats()[0]?.lost.notRetryable).toBe(1);
    await tracer.shutdown();
  });

  it.each([
    ['DEADLINE_EXCEEDED', grpc.status.DEADLINE_EXCEEDED],
    ['ABORTED', grpc.status.ABORTED],
    ['CANCELLED', grpc.status.CANCELLED],
    ['OUT_OF_RANGE', grpc.status.OUT_OF_RANGE],
    ['DATA_LOSS', grpc.status.DATA_LOSS],
  ])('classifies %s as retryable', async (_name, code) => {
    server = await startGrpcServer(() => ({ code, details: 'try again' }));
    const exporter = new OtlpExporter({ endpoint: server.endpoint, format: 'otlp_grpc', resource: testResource() });
    const { tracer, memory } = memoryTracer();
    tracer.startSpan('op').end();
    const result = await exporter.exportSpans(await memory.waitForSpans(1));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryable).toBe(true);
    await exporter.shutdown();
  });

  it('calls MetricsService/Export and reads rejected data points', async () => {
    const type = metricsResponseType();
    const body = type.encode(type.fromObject({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'stale' } })).finish();
    server = await startGrpcServer(() => ({ ok: body }));
    const exporter = new OtlpExporter({ endpoint: `http://${server.endpoint}`, format: 'otlp_grpc', resource: testResource() });
    const metrics: OtlpMetricData[] = [
      {
        name: 'queue.depth',
        description: 'items waiting',
        unit: '{item}',
        scope: { name: 'compat' },
        dataCase: 'sum',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: false,
          dataPoints: [{ attributes: { queue: 'orders' }, startTimeUnixNano: 5n, timeUnixNano: 10n, flags: 0, asInt: -3, asDouble: undefined }],
        },
      },
    ];
    const result = await exporter.exportMetrics(metrics);
    expect(result).toEqual({ ok: true, value: { rejectedDataPoints: 3, message: 'stale' } });
    expect(server.received.metrics).toHaveLength(1);
    const request = metricsRequestType();
    const plain = request.toObject(request.decode(server.received.metrics[0]!.body), PLAIN) as Plain;
    const metric = plain.resourceMetrics[0].scopeMetrics[0].metrics[0];
    expect(metric).toMatchObject({ name: 'queue.depth', description: 'items waiting', unit: '{item}', data: 'sum' });
    expect(metric.sum).toMatchObject({ aggregationTemporality: 1, isMonotonic: false });
    expect(metric.sum.dataPoints[0]).toMatchObject({ asInt: '-3', startTimeUnixNano: '5', timeUnixNano: '10' });
    await exporter.shutdown();
  });
});
