import { inspect } from 'node:util';
import { type Span, Tracer } from '@trace/core';
import { OtlpExporter, type OtlpExportFormat, type OtlpMetricData, createOtlpExporter } from '../src/index';
import {
  PLAIN,
  jsonTraceBodyToPlain,
  memoryTracer,
  metricsRequestType,
  metricsResponseType,
  otlpJsonToProtoObject,
  protobufTraceBodyToPlain,
  startHttpServer,
  testResource,
  traceResponseType,
  type Plain,
} from './helpers';

const FAST_RETRY = { maxRetries: 3, baseRetryDelay: 1, maxRetryDelay: 5, maxRetryAfter: 5000, jitter: 0 };

async function finishedSpans(count: number, tagBytes = 8): Promise<Span[]> {
  const { tracer, memory } = memoryTracer();
  for (let i = 0; i < count; i++) tracer.startSpan(`op-${i}`, { tags: { payload: 'p'.repeat(tagBytes), index: i } }).end();
  return memory.waitForSpans(count);
}

function decodeBody(format: OtlpExportFormat, body: Buffer): Plain {
  return format === 'otlp_http_json' ? jsonTraceBodyToPlain(body.toString('utf8')) : protobufTraceBodyToPlain(body);
}

function spanNames(plain: Plain): string[] {
  return plain.resourceSpans.flatMap((rs: Plain) => rs.scopeSpans.flatMap((ss: Plain) => ss.spans.map((s: Plain) => s.name)));
}

describe('OtlpExporter over HTTP against a real server', () => {
  let server: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const format of ['otlp_http_protobuf', 'otlp_http_json'] as const) {
    it(`${format}: POSTs /v1/traces with the content type, custom headers and a decodable body`, async () => {
      server = await startHttpServer();
      const exporter = new OtlpExporter({ endpoint: server.url, format, headers: { Authorization: 'Bearer s3cret' }, resource: testResource() });
      const spans = await finishedSpans(3);
      const result = await exporter.exportSpans(spans);
      expect(result.ok).toBe(true);
      expect(server.requests).toHaveLength(1);
      const request = server.requests[0]!;
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/v1/traces');
      expect(request.headers['content-type']).toBe(format === 'otlp_http_json' ? 'application/json' : 'application/x-protobuf');
      expect(request.headers.authorization).toBe('Bearer s3cret');
      expect(request.headers['content-encoding']).toBeUndefined();
      const plain = decodeBody(format, request.body);
      expect(spanNames(plain)).toEqual(['op-0', 'op-1', 'op-2']);
      expect(plain.resourceSpans[0].resource.attributes[0]).toMatchObject({ key: 'service.name', value: { stringValue: 'checkout' } });
      expect(plain.resourceSpans[0].scopeSpans[0].scope.name).toBe('@trace/core');
      expect(exporter.getStats()).toMatchObject({ exportedSpans: 3, failedExports: 0 });
      expect(JSON.stringify(exporter.getStats())).not.toContain('s3cret');
      await exporter.shutdown();
    });

    it(`${format}: gzips the body when enableCompression is on`, async () => {
      server = await startHttpServer();
      const exporter = new OtlpExporter({ endpoint: `${server.url}/v1/traces`, format, compression: 'gzip', resource: testResource() });
      const spans = await finishedSpans(20, 200);
      expect((await exporter.exportSpans(spans)).ok).toBe(true);
      const request = server.requests[0]!;
      expect(request.url).toBe('/v1/traces');
      expect(request.headers['content-encoding']).toBe('gzip');
      expect(request.rawBody.length).toBeLessThan(request.body.length);
      expect(spanNames(decodeBody(format, request.body))).toHaveLength(20);
      await exporter.shutdown();
    });

    it(`${format}: splits a batch so no body exceeds maxRequestBytes, and drops a span too large alone`, async () => {
      server = await startHttpServer();
      const limit = 4096;
      const exporter = new OtlpExporter({ endpoint: server.url, format, maxRequestBytes: limit, resource: testResource() });
      const { tracer, memory } = memoryTracer();
      for (let i = 0; i < 30; i++) tracer.startSpan(`op-${i}`, { tags: { payload: 'p'.repeat(300) } }).end();
      tracer.startSpan('huge', { tags: { payload: 'h'.repeat(10_000) } }).end();
      tracer.startSpan('after').end();
      const spans = await memory.waitForSpans(32);
      const result = await exporter.exportSpans(spans);
      expect(result.ok).toBe(true);
      expect(server.requests.length).toBeGreaterThan(2);
      const names: string[] = [];
      for (const request of server.requests) {
        expect(request.body.length).toBeLessThanOrEqual(limit);
        names.push(...spanNames(decodeBody(format, request.body)));
      }
      expect(names).toEqual([...Array.from({ length: 30 }, (_, i) => `op-${i}`), 'after']);
      const stats = exporter.getStats();
      expect(stats.lost.spanTooLarge).toBe(1);
      expect(stats.droppedSpans).toBe(1);
      expect(stats.exportedSpans).toBe(31);
      await exporter.shutdown();
    });
  }

  it('otlp_http_json: splits across resources and scopes, every body within the limit and valid', async () => {
    server = await startHttpServer();
    const limit = 2048;
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_json', resource: testResource() });
    const small = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_json', maxRequestBytes: limit, resource: testResource() });
    const { tracer, memory } = memoryTracer();
    const other = new Tracer({ serviceName: 'checkout', instrumentationScope: { name: 'lib-b', version: '2' }, exporters: [memory] });
    const expected: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Three services (resources) and two scopes, interleaved.
      const service = i % 3 === 0 ? 'payments' : i % 3 === 1 ? undefined : 'search';
      const source = i % 2 === 0 ? tracer : other;
      source.startSpan(`op-${i}`, { serviceName: service, tags: { payload: 'q'.repeat(150), index: i } }).end();
    }
    const spans = await memory.waitForSpans(24);
    // The unsplit body gives the grouped order every split must keep.
    expect((await exporter.exportSpans(spans)).ok).toBe(true);
    expect(server.requests).toHaveLength(1);
    expected.push(...spanNames(decodeBody('otlp_http_json', (server.requests[0] as { body: Buffer }).body)));
    server.requests.length = 0;
    expect((await small.exportSpans(spans)).ok).toBe(true);
    expect(server.requests.length).toBeGreaterThan(3);
    const names: string[] = [];
    for (const request of server.requests) {
      expect(request.body.length).toBeLessThanOrEqual(limit);
      const plain = decodeBody('otlp_http_json', request.body);
      for (const rs of plain.resourceSpans) for (const ss of rs.scopeSpans) expect(ss.spans.length).toBeGreaterThan(0);
      names.push(...spanNames(plain));
    }
    expect(names).toEqual(expected);
    expect(small.getStats().exportedSpans).toBe(24);
    await Promise.all([exporter.shutdown(), small.shutdown(), other.shutdown()]);
  });

  it('records a protobuf partial success (rejected spans and message) in the statistics', async () => {
    const response = traceResponseType();
    const body = response.encode(response.fromObject({ partialSuccess: { rejectedSpans: 2, errorMessage: 'spans too old' } })).finish();
    server = await startHttpServer(() => ({ status: 200, headers: { 'content-type': 'application/x-protobuf' }, body }));
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_protobuf', resource: testResource() });
    const result = await exporter.exportSpans(await finishedSpans(5));
    expect(result.ok && result.value).toMatchObject({ rejectedSpans: 2, message: 'spans too old' });
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 3, rejectedSpans: 2, lastError: 'spans too old' });
    await exporter.shutdown();
  });

  it('records a JSON partial success (int64 as string) through a tracer pipeline', async () => {
    server = await startHttpServer(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partialSuccess: { rejectedSpans: '1', errorMessage: 'attribute too long' } }),
    }));
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_json', resource: testResource() });
    const tracer = new Tracer({ serviceName: 'checkout', exporters: [exporter], exportSettings: { batchSize: 10, flushInterval: 60_000 } });
    for (let i = 0; i < 4; i++) tracer.startSpan(`op-${i}`).end();
    expect((await tracer.flush()).ok).toBe(true);
    expect(tracer.getExportStats()[0]).toMatchObject({ exporter: 'OtlpExporter', exportedSpans: 3, rejectedSpans: 1, failedSpans: 1 });
    expect(tracer.getExportStats()[0]?.lost.rejected).toBe(1);
    await tracer.shutdown();
  });

  it('retries 429 after the Retry-After delay, then 503, through a real Tracer pipeline', async () => {
    const times: number[] = [];
    server = await startHttpServer((_request, index) => {
      times.push(Date.now());
      if (index === 0) return { status: 429, headers: { 'retry-after': '1' } };
      if (index === 1) return { status: 503 };
      return { status: 200 };
    });
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_protobuf', resource: testResource() });
    const tracer = new Tracer({ serviceName: 'checkout', exporters: [exporter], exportSettings: { batchSize: 10, flushInterval: 60_000, retry: FAST_RETRY } });
    for (let i = 0; i < 3; i++) tracer.startSpan(`op-${i}`).end();
    expect((await tracer.flush()).ok).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(950);
    expect(tracer.getExportStats()[0]).toMatchObject({ exportedSpans: 3, retries: 2, failedExports: 2 });
    // Every attempt carried the same spans.
    for (const request of server.requests) expect(spanNames(protobufTraceBodyToPlain(request.body))).toEqual(['op-0', 'op-1', 'op-2']);
    await tracer.shutdown();
  });

  it.each([400, 401, 413, 500, 501])('does not retry HTTP %i (not retryable under OTLP)', async (status) => {
    server = await startHttpServer(() => ({ status }));
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_json', resource: testResource() });
    const tracer = new Tracer({ serviceName: 'checkout', exporters: [exporter], exportSettings: { batchSize: 10, flushInterval: 60_000, retry: FAST_RETRY } });
    tracer.startSpan('op').end();
    await tracer.flush();
    expect(server.requests).toHaveLength(1);
    expect(tracer.getExportStats()[0]).toMatchObject({ retries: 0, failedSpans: 1, exportedSpans: 0 });
    expect(tracer.getExportStats()[0]?.lost.notRetryable).toBe(1);
    await tracer.shutdown();
  });

  it.each([502, 504])('classifies HTTP %i as retryable', async (status) => {
    server = await startHttpServer(() => ({ status, headers: { 'retry-after': '2' } }));
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_protobuf', resource: testResource() });
    const result = await exporter.exportSpans(await finishedSpans(1));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.retryable).toBe(true);
      expect(result.error.retryAfterMs).toBe(2000);
    }
    await exporter.shutdown();
  });

  it('fails retryably (no throw, no hang) when nothing listens', async () => {
    server = await startHttpServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const exporter = new OtlpExporter({ endpoint: url, format: 'otlp_http_protobuf', timeoutMs: 2000, resource: testResource() });
    const result = await exporter.exportSpans(await finishedSpans(1));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryable).toBe(true);
    await exporter.shutdown();
  });

  it('treats a garbage 200 body as full success', async () => {
    server = await startHttpServer(() => ({ status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0xff, 0xff, 0xff]) }));
    const exporter = createOtlpExporter({ endpoint: server.url, resource: testResource(), format: 'otlp_http_protobuf' });
    const result = await exporter.exportSpans(await finishedSpans(2));
    expect(result.ok && result.value.rejectedSpans).toBeFalsy();
    expect(exporter.getStats().exportedSpans).toBe(2);
    await exporter.shutdown();
  });

  it('sends metrics to /v1/metrics in both HTTP formats and reads their partial success', async () => {
    const metrics: OtlpMetricData[] = [
      {
        name: 'http.server.requests',
        description: 'requests served',
        unit: '{request}',
        scope: { name: 'compat', version: '1.0.0' },
        dataCase: 'sum',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            {
              attributes: { route: '/cart' },
              startTimeUnixNano: 1_700_000_000_000_000_001n,
              timeUnixNano: 1_700_000_010_000_000_002n,
              flags: 0,
              asInt: 42,
              asDouble: undefined,
            },
          ],
        },
      },
      {
        name: 'memory.used',
        description: '',
        unit: 'By',
        scope: { name: 'compat', version: '1.0.0' },
        dataCase: 'gauge',
        gauge: {
          dataPoints: [{ attributes: {}, startTimeUnixNano: 0n, timeUnixNano: 1_700_000_010_000_000_000n, flags: 0, asInt: undefined, asDouble: 1.5e9 }],
        },
      },
      {
        name: 'latency',
        description: 'request latency',
        unit: 'ms',
        scope: { name: 'other' },
        dataCase: 'histogram',
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [
            {
              attributes: { route: '/cart' },
              startTimeUnixNano: 1_700_000_000_000_000_000n,
              timeUnixNano: 1_700_000_010_000_000_000n,
              flags: 0,
              count: 6,
              sum: 123.5,
              bucketCounts: [1, 2, 3],
              explicitBounds: [10, 100],
              min: 0.5,
              max: 250,
            },
          ],
        },
      },
    ];
    const responseType = metricsResponseType();
    const protobufAnswer = responseType.encode(responseType.fromObject({ partialSuccess: { rejectedDataPoints: 1, errorMessage: 'bad point' } })).finish();
    server = await startHttpServer((request) =>
      request.headers['content-type'] === 'application/json'
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"partialSuccess":{"rejectedDataPoints":"1","errorMessage":"bad point"}}' }
        : { status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: protobufAnswer },
    );
    const decoded: Plain[] = [];
    for (const format of ['otlp_http_protobuf', 'otlp_http_json'] as const) {
      const exporter = new OtlpExporter({ endpoint: `${server.url}/v1/traces`, format, resource: testResource() });
      const result = await exporter.exportMetrics(metrics);
      expect(result).toEqual({ ok: true, value: { rejectedDataPoints: 1, message: 'bad point' } });
      await exporter.shutdown();
    }
    const type = metricsRequestType();
    for (const request of server.requests) {
      expect(request.url).toBe('/v1/metrics');
      decoded.push(
        request.headers['content-type'] === 'application/json'
          ? type.toObject(type.fromObject(jsonToMetricObject(request.body.toString('utf8'))), PLAIN)
          : type.toObject(type.decode(request.body), PLAIN),
      );
    }
    expect(decoded).toHaveLength(2);
    expect(decoded[1]).toEqual(decoded[0]);
    const rm = (decoded[0] as Plain).resourceMetrics[0];
    expect(rm.resource.attributes[0].value.stringValue).toBe('checkout');
    expect(rm.scopeMetrics.map((sm: Plain) => [sm.scope.name, sm.metrics.map((m: Plain) => m.name)])).toEqual([
      ['compat', ['http.server.requests', 'memory.used']],
      ['other', ['latency']],
    ]);
    const [sum, gauge] = rm.scopeMetrics[0].metrics;
    expect(sum).toMatchObject({ description: 'requests served', unit: '{request}', data: 'sum' });
    expect(sum.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(sum.sum.dataPoints[0]).toMatchObject({ asInt: '42', value: 'asInt', startTimeUnixNano: '1700000000000000001', timeUnixNano: '1700000010000000002' });
    expect(sum.sum.dataPoints[0].attributes[0]).toMatchObject({ key: 'route', value: { stringValue: '/cart' } });
    expect(gauge.gauge.dataPoints[0]).toMatchObject({ asDouble: 1.5e9, value: 'asDouble' });
    const histogram = rm.scopeMetrics[1].metrics[0];
    expect(histogram.histogram.aggregationTemporality).toBe(1);
    expect(histogram.histogram.dataPoints[0]).toMatchObject({
      count: '6',
      sum: 123.5,
      bucketCounts: ['1', '2', '3'],
      explicitBounds: [10, 100],
      min: 0.5,
      max: 250,
    });
  });

  it('shows no header value or URL query in inspect, tracesTarget, stats or a failure', async () => {
    const TOKEN = 'tok-0e4b77';
    server = await startHttpServer(() => ({ status: 400 }));
    const exporter = new OtlpExporter({
      endpoint: `${server.url}/v1/traces?api_key=${TOKEN}`,
      format: 'otlp_http_protobuf',
      headers: { Authorization: `Bearer ${TOKEN}` },
      resource: testResource(),
    });
    const failed = await exporter.exportSpans(await finishedSpans(1));
    expect(failed.ok).toBe(false);
    expect(server.requests[0]?.url).toBe(`/v1/traces?api_key=${TOKEN}`);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const shown = [
      inspect(exporter, { depth: 10, showHidden: true }),
      exporter.tracesTarget,
      JSON.stringify(exporter.getStats()),
      inspect(failed, { depth: 10 }),
    ];
    expect(shown.join('\n')).not.toContain(TOKEN);
    expect(exporter.tracesTarget).toBe(`${server.url}/v1/traces?api_key=REDACTED`);
    expect(inspect(exporter)).toContain('Authorization');
    const grpcExporter = new OtlpExporter({ endpoint: '127.0.0.1:4317', format: 'otlp_grpc', headers: { 'X-Api-Key': TOKEN }, resource: testResource() });
    expect(inspect(grpcExporter, { depth: 10, showHidden: true })).not.toContain(TOKEN);
    await Promise.all([exporter.shutdown(), grpcExporter.shutdown()]);
  });

  it('without a resource, spans go under one named by their service (the format defaults to protobuf)', async () => {
    server = await startHttpServer();
    const exporter = new OtlpExporter({ endpoint: server.url });
    expect(exporter.format).toBe('otlp_http_protobuf');
    expect((await exporter.exportSpans(await finishedSpans(2))).ok).toBe(true);
    const plain = decodeBody('otlp_http_protobuf', server.requests[0]!.body);
    const names = plain.resourceSpans.map((rs: Plain) => rs.resource.attributes.find((kv: Plain) => kv.key === 'service.name').value.stringValue);
    expect(names).toEqual(['checkout']);
    await exporter.shutdown();
  });
});

function jsonToMetricObject(text: string): Record<string, unknown> {
  return otlpJsonToProtoObject(JSON.parse(text)) as Record<string, unknown>;
}
