// What a collector answers to bodies it cannot take, and that the viewer keeps serving afterwards.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { OtlpExporter } from '@trace/exporter-otlp';
import { createServiceResource } from '@trace/otel-adapter';
import { type ViewerHandle, startViewer } from '@trace/viewer';
import { makeSampleTrace, waitForTrace } from './helpers';

let viewer: ViewerHandle;
const MAX_BODY = 64 * 1024;

beforeEach(async () => {
  viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: 0, jaegerPort: 0, maxBodyBytes: MAX_BODY });
});

afterEach(async () => {
  await viewer.stop();
});

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request, so bodies and headers are exactly what the test says (no client fixing them up). */
function post(port: number | undefined, path: string, headers: Record<string, string>, body: Uint8Array | string, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), headers: response.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const THRIFT = { 'content-type': 'application/x-thrift' };

describe('refused requests', () => {
  it('answers 415 for a media type the backend does not take', async () => {
    expect((await post(viewer.ports.otlp, '/v1/traces', { 'content-type': 'text/plain' }, 'hello')).status).toBe(415);
    expect((await post(viewer.ports.otlp, '/v1/traces', {}, 'hello')).status).toBe(415);
    expect((await post(viewer.ports.zipkin, '/api/v2/spans', { 'content-type': 'application/xml' }, '<a/>')).status).toBe(415);
    expect((await post(viewer.ports.jaeger, '/api/traces', JSON_TYPE, '{}')).status).toBe(415);
    expect((await post(viewer.ports.otlp, '/v1/traces', { ...PROTO, 'content-encoding': 'br' }, 'x')).status).toBe(415);
  });

  it('answers 400 for bodies that do not decode', async () => {
    const truncated = await post(viewer.ports.otlp, '/v1/traces', PROTO, Buffer.from([0x0a, 0x10, 0x01]));
    expect(truncated.status).toBe(400);
    // an OTLP error is a google.rpc.Status: field 1 code = 3 (INVALID_ARGUMENT), field 2 message
    expect([...truncated.body.subarray(0, 3)]).toEqual([0x08, 3, 0x12]);
    expect(truncated.headers['content-type']).toBe('application/x-protobuf');
    expect((await post(viewer.ports.otlp, '/v1/traces', PROTO, Buffer.from([0x0b]))).status).toBe(400);
    const badJson = await post(viewer.ports.otlp, '/v1/traces', JSON_TYPE, '{"resourceSpans": 7}');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body.toString())).toMatchObject({ code: 3 });
    expect((await post(viewer.ports.otlp, '/v1/traces', JSON_TYPE, '{not json')).status).toBe(400);
    expect((await post(viewer.ports.zipkin, '/api/v2/spans', JSON_TYPE, '{"not":"an array"}')).status).toBe(400);
    expect((await post(viewer.ports.zipkin, '/api/v2/spans', JSON_TYPE, '[{"traceId":"zz","id":"1"}]')).status).toBe(400);
    expect((await post(viewer.ports.zipkin, '/api/v2/spans', PROTO, Buffer.from([0x0a, 0x05, 0x0a]))).status).toBe(400);
    expect((await post(viewer.ports.jaeger, '/api/traces', THRIFT, Buffer.from([0x0c, 0x00]))).status).toBe(400);
    expect((await post(viewer.ports.jaeger, '/api/traces', THRIFT, Buffer.from('garbage that is not thrift'))).status).toBe(400);
    expect((await post(viewer.ports.zipkin, '/api/v2/spans', { ...JSON_TYPE, 'content-encoding': 'gzip' }, 'not gzip')).status).toBe(400);
  });

  it('answers 413 for bodies over the limit, before and after gunzip', async () => {
    const big = Buffer.alloc(MAX_BODY + 1, 0x20);
    expect((await post(viewer.ports.otlp, '/v1/traces', JSON_TYPE, big)).status).toBe(413);
    expect((await post(viewer.ports.zipkin, '/api/v2/spans', JSON_TYPE, big)).status).toBe(413);
    expect((await post(viewer.ports.jaeger, '/api/traces', THRIFT, big)).status).toBe(413);
    // small on the wire, large once inflated
    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 8, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    expect((await post(viewer.ports.otlp, '/v1/traces', { ...JSON_TYPE, 'content-encoding': 'gzip' }, bomb)).status).toBe(413);
  });

  it('answers 404 and 405 like a web server, and counts what it refused', async () => {
    expect((await post(viewer.ports.otlp, '/v1/metrics', PROTO, '')).status).toBe(404);
    const get = await post(viewer.ports.zipkin, '/api/v2/spans', {}, '', 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    await post(viewer.ports.otlp, '/v1/traces', { 'content-type': 'text/plain' }, 'x');
    await post(viewer.ports.otlp, '/v1/traces', PROTO, Buffer.from([0x0b]));
    const stats = (await (await fetch(`${viewer.url}api/stats`)).json()) as { receivers: { otlp: { rejectedRequests: Record<string, number> } } };
    expect(stats.receivers.otlp.rejectedRequests).toEqual({ 400: 1, 415: 1 });
  });

  it('keeps serving good requests after bad ones, and stores nothing from them', async () => {
    await post(viewer.ports.otlp, '/v1/traces', PROTO, Buffer.from([0x0a, 0x10, 0x01]));
    await post(viewer.ports.jaeger, '/api/traces', THRIFT, Buffer.alloc(1000, 0x0f));
    expect(viewer.store.stats().spans).toBe(0);
    const { spans, traceId } = await makeSampleTrace();
    const exporter = new OtlpExporter({
      endpoint: `http://127.0.0.1:${viewer.ports.otlp}`,
      format: 'otlp_http_json',
      resource: createServiceResource('gateway', '1'),
    });
    expect((await exporter.exportSpans(spans)).ok).toBe(true);
    await exporter.shutdown();
    expect((await waitForTrace(viewer.url, traceId, 4)).spans).toHaveLength(4);
  });

  it('refuses to start on a port in use or an invalid port', async () => {
    await expect(startViewer({ port: viewer.ports.ui, otlpPort: 0, zipkinPort: 0, jaegerPort: 0 })).rejects.toThrow(/EADDRINUSE/);
    await expect(startViewer({ port: 0, otlpPort: 70000 })).rejects.toThrow(/otlpPort/);
  });

  it('listens on loopback unless told otherwise', () => {
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(viewer.endpoints.otlp).toBe(`http://127.0.0.1:${viewer.ports.otlp}/v1/traces`);
  });
});
