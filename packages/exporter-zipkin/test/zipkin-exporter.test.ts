// The exporter against a real HTTP server on 127.0.0.1: what it POSTs (decoded with the official
// schemas), how it classifies answers, and the retry / no-retry paths through a real Tracer.
import { ConfigError, type Span, Tracer } from '@trace/core';
import { createStubTransport } from '@trace/core/testing';
import { inspect } from 'node:util';
import { createDefaultTransport } from '@trace/transport-http';
import { ZipkinExporter, createZipkinExporter, encodeZipkinJson, encodeZipkinJsonBytes } from '../src/index';
import { buildFixture } from './support/fixture';
import { type DecodedSpan, decodeProtoSpans, loadListOfSpansType, loadListOfSpansValidator } from './support/idl';
import { type TestZipkinServer, startZipkinServer } from './support/zipkin-server';

let server: TestZipkinServer;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  server = await startZipkinServer();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await server.close();
});

function exporterFor(config: Partial<ConstructorParameters<typeof ZipkinExporter>[0]> = {}): ZipkinExporter {
  const transport = createDefaultTransport();
  const exporter = new ZipkinExporter({ endpoint: server.origin, format: 'zipkin_json', transport, ...config });
  closers.push(
    () => exporter.shutdown(),
    () => transport.close(),
  );
  return exporter;
}

/** A tracer exporting through `exporter` with fast retries and a short flush interval. */
function tracerFor(exporter: ZipkinExporter): Tracer {
  const tracer = new Tracer({ serviceName: 'checkout', exporters: [exporter] });
  tracer.configureExport({ retry: { baseRetryDelay: 1 }, flushInterval: 10 });
  closers.unshift(() => tracer.shutdown({ deadlineMs: 1000 }));
  return tracer;
}

describe('ZipkinExporter over HTTP', () => {
  const validate = loadListOfSpansValidator();
  const ListOfSpans = loadListOfSpansType();

  test('zipkin_json: POSTs a schema-valid application/json ListOfSpans to /api/v2/spans', async () => {
    const { spans, expected } = buildFixture();
    const exporter = exporterFor({ headers: { Authorization: 'Bearer s3cret', 'X-Tenant': 'blue', 'Content-Type': 'text/plain' } });
    const result = await exporter.exportSpans(spans);
    expect(result).toEqual({ ok: true, value: {} });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/v2/spans');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer s3cret');
    expect(request?.headers['x-tenant']).toBe('blue');
    const body = JSON.parse(request?.body.toString('utf8') ?? '');
    expect(validate(body)).toBe(true);
    expect(body as DecodedSpan[]).toEqual(expected);
    expect(exporter.getStats().exportedSpans).toBe(spans.length);
  });

  test('zipkin_protobuf: POSTs application/x-protobuf that zipkin.proto decodes', async () => {
    const { spans, expected } = buildFixture();
    const exporter = exporterFor({ format: 'zipkin_protobuf', serviceName: 'override' });
    expect((await exporter.exportSpans(spans)).ok).toBe(true);
    const [request] = server.requests;
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    const decoded = decodeProtoSpans(ListOfSpans, request?.body ?? new Uint8Array());
    expect(decoded.map((span) => span.id)).toEqual(expected.map((span) => span.id));
    expect(decoded.map((span) => span.localEndpoint?.serviceName)).toEqual(expected.map(() => 'override'));
    expect(decoded.map((span) => span.kind)).toEqual(expected.map((span) => span.kind));
  });

  test('compression gzip gzips the body; the server decodes it to the same spans', async () => {
    const { spans, expected } = buildFixture();
    const exporter = exporterFor({ compression: 'gzip' });
    expect((await exporter.exportSpans(spans)).ok).toBe(true);
    const [request] = server.requests;
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.raw.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const body = JSON.parse(request?.body.toString('utf8') ?? '');
    expect(validate(body)).toBe(true);
    expect(body).toEqual(expected);
  });

  test('an endpoint that already ends in /api/v2/spans is used as is', async () => {
    const exporter = exporterFor({ endpoint: `${server.origin}/zipkin/api/v2/spans/` });
    expect((await exporter.exportSpans(buildFixture().spans.slice(0, 1))).ok).toBe(true);
    expect(server.requests[0]?.url).toBe('/zipkin/api/v2/spans');
    expect(exporterFor({ endpoint: `${server.origin}/zipkin/` }).url).toBe(`${server.origin}/zipkin/api/v2/spans`);
  });

  test.each([
    [503, true],
    [500, true],
    [429, true],
    [400, false],
    [404, false],
  ])('HTTP %i fails with retryable=%s', async (status, retryable) => {
    server.answers = [status];
    server.answerHeaders = status === 429 ? { 'retry-after': '2' } : {};
    const result = await exporterFor().exportSpans(buildFixture().spans);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(`HTTP_${status}`);
    expect(result.error.retryable).toBe(retryable);
    if (status === 429) expect(result.error.retryAfterMs).toBe(2000);
  });

  test('a refused connection is a retryable failure, not a throw', async () => {
    const port = Number(new URL(server.origin).port);
    await server.close();
    const exporter = exporterFor({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const result = await exporter.exportSpans(buildFixture().spans);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryable).toBe(true);
    server = await startZipkinServer(); // afterEach closes it
  });

  test('through a Tracer: 503 then 202 is retried and the spans arrive once', async () => {
    server.answers = [503];
    const exporter = exporterFor();
    const tracer = tracerFor(exporter);
    const span = tracer.startSpan('pay', { parent: null, kind: 'client', tags: { 'peer.service': 'bank' } });
    span.end();
    expect((await tracer.flush({ deadlineMs: 5000 })).ok).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body.equals(server.requests[0]?.body ?? Buffer.alloc(0))).toBe(true);
    const [sent] = JSON.parse(server.requests[1]?.body.toString('utf8') ?? '') as DecodedSpan[];
    expect(sent).toMatchObject({
      id: span.spanId,
      name: 'pay',
      kind: 'CLIENT',
      localEndpoint: { serviceName: 'checkout' },
      remoteEndpoint: { serviceName: 'bank' },
    });
    const [stats] = tracer.getExportStats();
    expect(stats).toMatchObject({ exportedSpans: 1, failedSpans: 0, retries: 1, failedExports: 1, queuedSpans: 0, lastError: 'backend answered HTTP 503' });
  });

  test('through a Tracer: 400 is not retried and the spans are counted as failed', async () => {
    server.answers = [400];
    const exporter = exporterFor({ format: 'zipkin_protobuf' });
    const tracer = tracerFor(exporter);
    tracer.startSpan('a', { parent: null }).end();
    tracer.startSpan('b', { parent: null }).end();
    expect((await tracer.flush({ deadlineMs: 5000 })).ok).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(decodeProtoSpans(ListOfSpans, server.requests[0]?.body ?? new Uint8Array()).map((span) => span.name)).toEqual(['a', 'b']);
    const [stats] = tracer.getExportStats();
    expect(stats).toMatchObject({ exportedSpans: 0, failedSpans: 2, retries: 0, lost: expect.objectContaining({ notRetryable: 2 }) });
  });

  test('statistics come from the transport', async () => {
    const exporter = exporterFor();
    await exporter.exportSpans(buildFixture().spans);
    const statistics = exporter.getTransportStatistics();
    expect(statistics.requestsSent).toBe(1);
    expect(statistics.bytesSent).toBe(server.requests[0]?.raw.length);
  });
});

describe('ZipkinExporter without a server', () => {
  test('passes the timeout, compression and the pipeline AbortSignal to the transport', async () => {
    const transport = createStubTransport();
    transport.setResponseHandler(() => ({ status: 202, headers: {}, body: new Uint8Array() }));
    const exporter = new ZipkinExporter({ endpoint: 'http://zipkin:9411', format: 'zipkin_json', timeoutMs: 1234, compression: 'gzip', transport });
    const controller = new AbortController();
    const { spans } = buildFixture();
    expect((await exporter.exportSpans(spans, { signal: controller.signal })).ok).toBe(true);
    const [request] = transport.requests;
    expect(request).toMatchObject({ url: 'http://zipkin:9411/api/v2/spans', method: 'POST', timeoutMs: 1234, compression: 'gzip' });
    expect(request?.signal).toBe(controller.signal);
    expect(request?.body).toEqual(encodeZipkinJsonBytes(spans));
    expect(Buffer.from(request?.body as Uint8Array).toString('utf8')).toBe(encodeZipkinJson(spans));
  });

  test('an aborted signal gives a failed result, not a throw', async () => {
    const transport = createStubTransport();
    const exporter = new ZipkinExporter({ endpoint: 'http://zipkin:9411', format: 'zipkin_json', transport });
    const controller = new AbortController();
    controller.abort();
    const result = await exporter.exportSpans(buildFixture().spans, { signal: controller.signal });
    expect(result.ok).toBe(false);
  });

  test('after shutdown exports fail without reaching the transport; a passed transport stays open', async () => {
    const transport = createStubTransport();
    const close = jest.spyOn(transport, 'close');
    const exporter = new ZipkinExporter({ endpoint: 'http://zipkin:9411', format: 'zipkin_json', transport });
    await exporter.shutdown();
    await exporter.shutdown();
    const result = await exporter.exportSpans(buildFixture().spans);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('EXPORTER_SHUT_DOWN');
    expect(transport.requests).toHaveLength(0);
    expect(close).not.toHaveBeenCalled();
  });

  test.each([
    [{ endpoint: 'http://' }, /not a valid URL/],
    [{ endpoint: 'zipkin:9411' }, /http: or https:/],
    [{ endpoint: 'ftp://zipkin:9411' }, /http: or https:/],
    [{ endpoint: '' }, /endpoint must be a URL/],
    [{ format: 'otlp_grpc' }, /format must be/],
    [{ compression: 'brotli' }, /compression must be/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ headers: { 'bad name': 'x' } }, /header name/],
    [{ headers: { 'X-Ok': 'a\r\nInjected: 1' } }, /without CR, LF or NUL/],
    [{ localEndpoint: { ipv4: '10.0.0.300' } }, /ipv4/],
    [{ localEndpoint: { port: 0 } }, /port/],
  ])('invalid config %j throws a ConfigError', (change, message) => {
    const config = { endpoint: 'http://zipkin:9411', format: 'zipkin_json', ...change } as ConstructorParameters<typeof ZipkinExporter>[0];
    expect(() => new ZipkinExporter({ ...config, transport: createStubTransport() })).toThrow(ConfigError);
    expect(() => new ZipkinExporter({ ...config, transport: createStubTransport() })).toThrow(message);
  });

  test('a header value never appears in a config error', () => {
    expect(
      () =>
        new ZipkinExporter({
          endpoint: 'http://z:9411',
          format: 'zipkin_json',
          headers: { Authorization: 'Bearer top\nsecret' },
          transport: createStubTransport(),
        }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
  });
});

describe('createZipkinExporter with the default transport', () => {
  test('sends to a real server with createDefaultTransport()', async () => {
    const exporter = createZipkinExporter({ endpoint: server.origin });
    closers.push(() => exporter.shutdown());
    expect(exporter.url).toBe(`${server.origin}/api/v2/spans`);
    expect((await exporter.exportSpans(buildFixture().spans)).ok).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  test('bodies written into reused buffers arrive whole, for overlapping and later exports', async () => {
    // With its own transport the exporter sends JSON from buffers it reuses: an export still in
    // flight must keep its buffer while another export writes its body.
    const exporter = createZipkinExporter({ endpoint: server.origin });
    closers.push(() => exporter.shutdown());
    const { spans } = buildFixture();
    const batches = [spans, spans.slice(1), spans.slice(0, 2), spans.slice(2), spans.slice().reverse()];
    const results = await Promise.all([exporter.exportSpans(batches[0] as Span[]), exporter.exportSpans(batches[1] as Span[])]);
    for (const batch of batches.slice(2)) results.push(await exporter.exportSpans(batch));
    expect(results.every((result) => result.ok)).toBe(true);
    const received = server.requests.map((request) => request.body.toString('utf8')).sort();
    expect(received).toEqual(batches.map((batch) => encodeZipkinJson(batch)).sort());
  });
});

describe('secrets', () => {
  const TOKEN = 'tok-7f3a9c';

  function visible(exporter: ZipkinExporter): string {
    return [
      inspect(exporter, { depth: 10, showHidden: true }),
      JSON.stringify(exporter.getStats()),
      JSON.stringify(exporter.getTransportStatistics()),
      exporter.url,
    ].join('\n');
  }

  test('no header value, URL userinfo or query appears in inspect, stats, url or errors', async () => {
    server.answers = [500];
    const exporter = exporterFor({
      endpoint: `http://user:${TOKEN}@${server.origin.slice('http://'.length)}/?api_key=${TOKEN}`,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(visible(exporter)).not.toContain(TOKEN);
    expect(inspect(exporter)).toContain('Authorization');
    expect(exporter.url).toBe(`${server.origin}/api/v2/spans?api_key=REDACTED`);
    const failed = await exporter.exportSpans(buildFixture().spans);
    expect(failed.ok).toBe(false);
    // The request itself carried the credentials.
    expect(server.requests[0]?.url).toBe(`/api/v2/spans?api_key=${TOKEN}`);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(inspect(failed, { depth: 10 })).not.toContain(TOKEN);
    expect(visible(exporter)).not.toContain(TOKEN);
  });

  test('a refused connection to an endpoint with a token reports no token', async () => {
    const closed = await startZipkinServer();
    const origin = closed.origin;
    await closed.close();
    const exporter = exporterFor({ endpoint: `${origin}/?token=${TOKEN}`, headers: { 'X-Api-Key': TOKEN } });
    const failed = await exporter.exportSpans(buildFixture().spans);
    expect(failed.ok).toBe(false);
    expect(inspect(failed, { depth: 10 })).not.toContain(TOKEN);
    expect(visible(exporter)).not.toContain(TOKEN);
    // Not through its own properties either (a failed request's socket keeps the request).
    expect(inspect({ ...exporter }, { depth: Number.POSITIVE_INFINITY, customInspect: false, showHidden: true })).not.toContain(TOKEN);
  });

  test.each([
    [{ endpoint: `http://[::1?token=${TOKEN}` }],
    [{ headers: { [`Authorization: Bearer ${TOKEN}`]: 'x' } }],
    [{ headers: { Authorization: `Bearer ${TOKEN}\n` } }],
  ])('config errors never show the token (%#)', (change) => {
    const config = { endpoint: 'http://zipkin:9411', format: 'zipkin_json', ...change } as ConstructorParameters<typeof ZipkinExporter>[0];
    let message = '';
    try {
      new ZipkinExporter({ ...config, transport: createStubTransport() });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(TOKEN);
  });
});
