import { ConfigError } from '@trace/core';
import { createStubGrpcTransport, createStubTransport } from '@trace/core/testing';
import { OtlpExporter, createOtlpExporter } from '../src/index';
import { testResource } from './helpers';

describe('OtlpExporter configuration', () => {
  it.each([
    ['http://collector:4318', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', 'http://collector:4318/v1/traces'],
    ['http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
    ['https://otlp.example.com/otlp', 'https://otlp.example.com/otlp/v1/traces'],
    ['collector', 'http://collector:4318/v1/traces'],
  ])('resolves HTTP endpoint %s to %s', (endpoint, expected) => {
    expect(createOtlpExporter({ endpoint: endpoint, resource: testResource(), format: 'otlp_http_json' }).tracesTarget).toBe(expected);
  });

  it.each([
    ['otel-collector:4317', 'otel-collector:4317'],
    ['otel-collector', 'otel-collector:4317'],
    ['http://127.0.0.1:9999', '127.0.0.1:9999'],
    ['[::1]:4317', '::1:4317'],
  ])('resolves gRPC endpoint %s', (endpoint, expected) => {
    expect(createOtlpExporter({ endpoint: endpoint, resource: testResource(), format: 'otlp_grpc' }).tracesTarget).toBe(expected);
  });

  it('throws ConfigError for invalid settings, without echoing header values', () => {
    const resource = testResource();
    const bad = [
      () => new OtlpExporter({ endpoint: 'http://x', format: 'zipkin_json' as never, resource }),
      () => new OtlpExporter({ endpoint: '', format: 'otlp_http_json', resource }),
      () => new OtlpExporter({ endpoint: 'ftp://x', format: 'otlp_http_json', resource }),
      () => new OtlpExporter({ endpoint: 'x:99999', format: 'otlp_grpc', resource }),
      () => new OtlpExporter({ endpoint: 'http://x', format: 'otlp_http_json', maxRequestBytes: 10, resource }),
      () => new OtlpExporter({ endpoint: 'http://x', format: 'otlp_http_json', timeoutMs: -1, resource }),
      () => new OtlpExporter({ endpoint: 'http://x', format: 'otlp_http_json', resource: null as never }),
      () => new OtlpExporter({ endpoint: 'http://x', format: 'otlp_http_json', resource, transport: createStubGrpcTransport() }),
      () => new OtlpExporter({ endpoint: 'x:1', format: 'otlp_grpc', resource, transport: createStubTransport() }),
      () => new OtlpExporter({ endpoint: 'http://x', compression: 'brotli' as never }),
    ];
    for (const make of bad) expect(make).toThrow(ConfigError);
    const headerError = (() => {
      try {
        new OtlpExporter({ endpoint: 'http://x', format: 'otlp_http_json', headers: { Authorization: 'Bearer s3cret\r\nX: y' }, resource });
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(headerError).toBeInstanceOf(ConfigError);
    expect(headerError?.message).not.toContain('s3cret');
  });

  it('refuses exports after shutdown', async () => {
    const exporter = createOtlpExporter({ endpoint: 'http://127.0.0.1:1', resource: testResource(), format: 'otlp_http_protobuf' });
    await exporter.shutdown();
    const metrics = await exporter.exportMetrics([]);
    expect(metrics.ok).toBe(false);
  });
});
