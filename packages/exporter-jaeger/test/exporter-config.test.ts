// Construction, endpoint resolution, transport kinds and the optional gRPC peer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, Tracer } from '@trace/core';
import { createStubGrpcTransport, createStubTransport, InMemoryExporter } from '@trace/core/testing';
import {
  CLIENT_VERSION,
  GRPC_TRANSPORT_PACKAGE,
  JAEGER_GRPC_METHOD,
  JAEGER_GRPC_SERVICE,
  JaegerExporter,
  createJaegerExporter,
  createJaegerProcess,
} from '@trace/exporter-jaeger';

async function oneSpan() {
  const tracer = new Tracer({ serviceName: 'svc', exporters: [new InMemoryExporter()] });
  const span = tracer.startSpan('op', { parent: null });
  span.end();
  await tracer.shutdown();
  return span;
}

describe('JaegerExporter configuration', () => {
  it.each([
    ['http://jaeger:14268', 'http://jaeger:14268/api/traces'],
    ['http://jaeger', 'http://jaeger:14268/api/traces'],
    ['jaeger-collector', 'http://jaeger-collector:14268/api/traces'],
    ['http://jaeger:80', 'http://jaeger/api/traces'],
    ['https://collector.example/jaeger/', 'https://collector.example:14268/jaeger/api/traces'],
    ['http://127.0.0.1:9999/api/traces', 'http://127.0.0.1:9999/api/traces'],
  ])('resolves the Thrift endpoint %s to %s', (endpoint, target) => {
    const exporter = new JaegerExporter({ endpoint, format: 'jaeger_thrift', transport: createStubTransport() });
    expect(exporter.target).toBe(target);
  });

  it.each([
    ['jaeger-collector:14250', 'jaeger-collector:14250'],
    ['jaeger-collector', 'jaeger-collector:14250'],
    ['grpc://10.0.0.1:7000', '10.0.0.1:7000'],
    ['[::1]:4000', '[::1]:4000'],
    ['[::1]', '[::1]:14250'],
  ])('resolves the gRPC endpoint %s to %s', (endpoint, target) => {
    const transport = createStubGrpcTransport();
    const exporter = new JaegerExporter({ endpoint, format: 'jaeger_grpc', transport });
    expect(exporter.target).toBe(target);
  });

  it.each([
    [{ endpoint: 'http://j:1', format: 'zipkin_json' }, /format/],
    [{ endpoint: '', format: 'jaeger_thrift' }, /endpoint/],
    [{ endpoint: 'ftp://j:1', format: 'jaeger_thrift' }, /http/],
    [{ endpoint: 'http://exa mple:1', format: 'jaeger_thrift' }, /valid URL/],
    [{ endpoint: 'j:99999', format: 'jaeger_grpc' }, /port/],
    [{ endpoint: 'j:abc', format: 'jaeger_grpc' }, /port/],
    [{ endpoint: 'http://j:1', format: 'jaeger_thrift', timeoutMs: 0 }, /timeoutMs/],
    [{ endpoint: 'http://j:1', compression: 'brotli' }, /compression must be/],
    [{ endpoint: 'http://j:1', resource: { service: 'x' } }, /resource must be/],
    [{ endpoint: 'http://j:1', format: 'jaeger_thrift', headers: { 'bad name': 'x' } }, /header name/],
    [{ endpoint: 'j:1', format: 'jaeger_grpc', headers: { 'X-Key': 'a\nInjected: 1' } }, /without CR, LF or NUL/],
    [{ endpoint: 'j:1', format: 'jaeger_grpc', headers: { 'X-Key': 42 } }, /string value/],
  ])('throws a ConfigError for %j', (config, message) => {
    expect(() => new JaegerExporter({ ...(config as object), transport: createStubTransport() } as never)).toThrow(ConfigError);
    expect(() => new JaegerExporter({ ...(config as object), transport: createStubTransport() } as never)).toThrow(message);
  });

  it('refuses a transport of the wrong kind', () => {
    expect(() => new JaegerExporter({ endpoint: 'j:1', format: 'jaeger_grpc', transport: createStubTransport() })).toThrow(/GrpcTransport/);
    expect(() => new JaegerExporter({ endpoint: 'http://j:1', format: 'jaeger_thrift', transport: createStubGrpcTransport() })).toThrow(/HttpTransport/);
  });

  it('createJaegerExporter defaults to jaeger_thrift', async () => {
    const exporter = createJaegerExporter({ endpoint: 'http://jaeger' });
    expect(exporter.format).toBe('jaeger_thrift');
    expect(exporter.target).toBe('http://jaeger:14268/api/traces');
    await exporter.shutdown();
  });

  it('sends the configured timeout, headers and compression through an HTTP transport', async () => {
    const transport = createStubTransport();
    const exporter = new JaegerExporter({
      endpoint: 'http://j',
      format: 'jaeger_thrift',
      timeoutMs: 1234,
      compression: 'gzip',
      headers: { 'X-Api-Key': 'k' },
      transport,
    });
    expect((await exporter.exportSpans([await oneSpan()])).ok).toBe(true);
    const [request] = transport.requests;
    expect(request).toMatchObject({ url: 'http://j:14268/api/traces', method: 'POST', timeoutMs: 1234, compression: 'gzip' });
    expect(request?.headers).toEqual({ 'X-Api-Key': 'k', 'Content-Type': 'application/x-thrift' });
  });

  it('connects a passed gRPC transport to the target and calls PostSpans', async () => {
    const transport = createStubGrpcTransport();
    const exporter = new JaegerExporter({ endpoint: 'collector:7777', format: 'jaeger_grpc', timeoutMs: 500, transport });
    expect((await exporter.exportSpans([await oneSpan()])).ok).toBe(true);
    expect(transport.requests[0]).toMatchObject({ service: JAEGER_GRPC_SERVICE, method: JAEGER_GRPC_METHOD, timeoutMs: 500 });
    expect(transport.target).toEqual({ host: 'collector', port: 7777 });
  });

  it('refuses exports after shutdown', async () => {
    const exporter = new JaegerExporter({ endpoint: 'http://j', format: 'jaeger_thrift', transport: createStubTransport() });
    await exporter.shutdown();
    const result = await exporter.exportSpans([await oneSpan()]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.retryable).toBe(false);
  });

  it('reports the package version as the client version', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(CLIENT_VERSION).toBe(manifest.version);
    expect(createJaegerProcess({ hostname: 'h' }).tags?.['jaeger.version']).toBe(`trace-node-${manifest.version}`);
  });
});

describe('the optional @trace/transport-grpc peer', () => {
  it('is not loaded by importing the package or exporting Thrift', async () => {
    // A static import anywhere in the package would go through jest's registry and hit this mock.
    let loaded = false;
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@trace/transport-grpc', () => {
        loaded = true;
        return {};
      });
      const isolated = require('@trace/exporter-jaeger') as typeof import('@trace/exporter-jaeger');
      const exporter = new isolated.JaegerExporter({ endpoint: 'http://j', format: 'jaeger_thrift', transport: createStubTransport() });
      await exporter.exportSpans([await oneSpan()]);
      new isolated.JaegerExporter({ endpoint: 'j:1', format: 'jaeger_grpc', transport: createStubGrpcTransport() });
    });
    expect(loaded).toBe(false);
  });

  it('fails every export, non-retryably and without throwing, when the peer is missing; loads it once', async () => {
    // The plain-Node runs (grpc-peer.test.ts) cover the real resolution; here jest's registry
    // stands in for a missing package, to count the load attempts.
    let attempts = 0;
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@trace/transport-grpc', () => {
        attempts++;
        throw Object.assign(new Error(`Cannot find module '${GRPC_TRANSPORT_PACKAGE}'`), { code: 'MODULE_NOT_FOUND' });
      });
      const isolated = require('@trace/exporter-jaeger') as typeof import('@trace/exporter-jaeger');
      const exporter = new isolated.JaegerExporter({ endpoint: '127.0.0.1:1', format: 'jaeger_grpc' });
      const span = await oneSpan();
      for (let i = 0; i < 2; i++) {
        const result = await exporter.exportSpans([span]);
        if (result.ok) throw new Error('expected the export to fail');
        expect(result.error.code).toBe('PACKAGE_NOT_INSTALLED');
        expect(result.error.retryable).toBe(false);
        expect(result.error.message).toContain(`npm install ${GRPC_TRANSPORT_PACKAGE}`);
      }
      expect(exporter.getStats().failedExports).toBe(2);
      await exporter.shutdown();
    });
    expect(attempts).toBe(1);
  });
});
