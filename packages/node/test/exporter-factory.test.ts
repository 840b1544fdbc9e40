import { type SpanExporter, type TraceExportFormat, Tracer } from '@trace/core';
import { JaegerExporter } from '@trace/exporter-jaeger';
import { OtlpExporter } from '@trace/exporter-otlp';
import { ZipkinExporter } from '@trace/exporter-zipkin';
import { createExporter, defaultResource, getSupportedFormats } from '@trace/node';
import { type Receiver, startReceiver } from './receiver';

describe('getSupportedFormats', () => {
  it('lists the formats of each backend', () => {
    expect(getSupportedFormats('jaeger')).toEqual(['jaeger_thrift', 'jaeger_grpc']);
    expect(getSupportedFormats('zipkin')).toEqual(['zipkin_json', 'zipkin_protobuf']);
    expect(getSupportedFormats('otlp')).toEqual(['otlp_grpc', 'otlp_http_json', 'otlp_http_protobuf']);
  });

  it('gives a copy: changing it changes nothing', () => {
    getSupportedFormats('otlp').pop();
    expect(getSupportedFormats('otlp')).toHaveLength(3);
  });
});

describe('createExporter', () => {
  it('an unknown format is an error naming the supported ones', () => {
    const result = createExporter({ endpoint: 'http://x', format: 'carrier_pigeon' as never });
    expect(!result.ok && result.error.code).toBe('UNKNOWN_FORMAT');
    expect(!result.ok && result.error.message).toContain('zipkin_json');
  });

  it('an invalid config is INVALID_EXPORTER_CONFIG, not a throw', () => {
    const result = createExporter({ endpoint: 'http://127.0.0.1:9411', format: 'zipkin_json', timeoutMs: -1 });
    expect(!result.ok && result.error.code).toBe('INVALID_EXPORTER_CONFIG');
    expect(!result.ok && result.error.message).toMatch(/^ZipkinExporter: /);
  });

  it.each([
    ['jaeger_grpc', JaegerExporter],
    ['otlp_grpc', OtlpExporter],
  ] as const)('%s gives a %p (its transport connects on first export)', async (format, Class) => {
    const result = createExporter({ endpoint: '127.0.0.1:4317', format });
    expect(result.ok).toBe(true);
    const exporter = (result as { value: SpanExporter }).value;
    expect(exporter).toBeInstanceOf(Class);
    await exporter.shutdown?.();
  });

  describe('HTTP formats send a real span to a loopback receiver', () => {
    let receiver: Receiver;
    beforeEach(async () => {
      receiver = await startReceiver();
    });
    afterEach(() => receiver.close());

    it.each([
      ['jaeger_thrift', JaegerExporter, '/api/traces', 'application/x-thrift'],
      ['zipkin_json', ZipkinExporter, '/api/v2/spans', 'application/json'],
      ['zipkin_protobuf', ZipkinExporter, '/api/v2/spans', 'application/x-protobuf'],
      ['otlp_http_json', OtlpExporter, '/v1/traces', 'application/json'],
      ['otlp_http_protobuf', OtlpExporter, '/v1/traces', 'application/x-protobuf'],
    ] as const)('%s: a %p posting to %s as %s', async (format, Class, path, contentType) => {
      const endpoint = format.startsWith('otlp') ? receiver.url : `${receiver.url}${path}`;
      const result = createExporter({ endpoint, format: format as TraceExportFormat });
      if (!result.ok) throw result.error;
      expect(result.value).toBeInstanceOf(Class);
      const tracer = new Tracer({ serviceName: 'factory-test', exporters: [result.value] });
      tracer.startSpan('factory-span').end();
      expect((await tracer.shutdown({ deadlineMs: 5000 })).ok).toBe(true);
      const [request] = await receiver.waitFor(1);
      expect(request?.path).toBe(path);
      expect(request?.contentType).toBe(contentType);
      expect(request?.body.includes('factory-span')).toBe(true);
    });

    it('OTLP carries the resource given, else one built from serviceName', async () => {
      const given = createExporter({ endpoint: receiver.url, format: 'otlp_http_json' }, defaultResource('billing', { 'deployment.environment': 'test' }));
      const built = createExporter({ endpoint: receiver.url, format: 'otlp_http_json', serviceName: 'ledger' });
      for (const created of [given, built]) {
        if (!created.ok) throw created.error;
        const tracer = new Tracer({ exporters: [created.value] });
        tracer.startSpan('r').end();
        await tracer.shutdown({ deadlineMs: 5000 });
      }
      const [first, second] = await receiver.waitFor(2);
      const attributes = (request: typeof first) =>
        Object.fromEntries(
          (
            JSON.parse(String(request?.body)) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[] }
          ).resourceSpans[0]?.resource.attributes.map((attribute) => [attribute.key, attribute.value.stringValue]) ?? [],
        );
      expect(attributes(first)).toMatchObject({ 'service.name': 'billing', 'deployment.environment': 'test', 'telemetry.sdk.language': 'nodejs' });
      expect(attributes(second)).toMatchObject({ 'service.name': 'ledger' });
    });
  });
});

describe('defaultResource', () => {
  it('service.name, the SDK attributes and the ones given', () => {
    const resource = defaultResource('checkout', { team: 'pay' });
    expect(resource.attributes).toMatchObject({ 'service.name': 'checkout', team: 'pay', 'telemetry.sdk.name': 'trace', 'telemetry.sdk.language': 'nodejs' });
    expect(resource.droppedAttributesCount).toBe(0);
    expect(defaultResource().attributes['service.name']).toBe('unknown_service:node');
  });
});
