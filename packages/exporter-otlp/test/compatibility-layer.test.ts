// The compatibility layer end to end: @trace/otel-adapter queues spans (through core's export
// pipeline) and buffers metrics, this package's exporter sends them to a real OTLP/HTTP receiver,
// the official protos decode them.
import { Tracer } from '@trace/core';
import { createOpenTelemetryCompatibilityLayer } from '@trace/otel-adapter';
import { OtlpExporter } from '../src/index.js';
import { PLAIN, type Plain, metricsRequestType, startHttpServer, testResource, traceRequestType } from './helpers.js';

describe('compatibility layer over OTLP/HTTP protobuf', () => {
  it('delivers buffered spans and metrics on flush, under the layer service resource', async () => {
    const server = await startHttpServer(() => ({ status: 200 }));
    const exporter = new OtlpExporter({ endpoint: server.url, format: 'otlp_http_protobuf', resource: testResource('exporter-default') });
    const compat = createOpenTelemetryCompatibilityLayer('payment-service', '2.1.0', {
      namespace: 'payments',
      spanExporter: exporter,
      metricsExporter: exporter.asMetricsExporter(),
    });
    try {
      expect(compat.initialize().ok).toBe(true);
      const tracer = new Tracer({ serviceName: 'payment-service' });
      const span = tracer.startSpan('charge_card', { kind: 'client', tags: { 'payment.amount': 99.99 } });
      span.end();
      expect(compat.exportSpans([span]).ok).toBe(true);
      expect(compat.exportMetrics([{ type: 'counter', name: 'payments.processed', points: [{ value: 3, attributes: { currency: 'EUR' } }] }]).ok).toBe(true);
      expect(compat.getStats()).toMatchObject({ pendingSpans: 1, pendingMetrics: 1 });

      expect((await compat.flush()).ok).toBe(true);
      expect(compat.getStats()).toMatchObject({ pendingSpans: 0, pendingMetrics: 0, exportedSpans: 1, exportedMetrics: 1 });
      expect(compat.getSpanExportStats()).toMatchObject({ finishedSpans: 1, exportedSpans: 1, retries: 0 });

      const traces = server.requests.filter((request) => request.url === '/v1/traces');
      const metrics = server.requests.filter((request) => request.url === '/v1/metrics');
      expect(traces).toHaveLength(1);
      expect(metrics).toHaveLength(1);
      const traceBody = traceRequestType().toObject(traceRequestType().decode(traces[0]?.body as Buffer), PLAIN) as Plain;
      expect(traceBody.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ name: 'charge_card', kind: 3 });
      const metricBody = metricsRequestType().toObject(metricsRequestType().decode(metrics[0]?.body as Buffer), PLAIN) as Plain;
      const resource = Object.fromEntries(
        (metricBody.resourceMetrics[0].resource.attributes as Plain[]).map((attribute) => [attribute.key, attribute.value.stringValue]),
      );
      expect(resource).toMatchObject({ 'service.name': 'payment-service', 'service.version': '2.1.0', 'service.namespace': 'payments' });
      const metric = metricBody.resourceMetrics[0].scopeMetrics[0].metrics[0];
      expect(metric.name).toBe('payments.processed');
      expect(metric.sum.dataPoints[0]).toMatchObject({ asDouble: 3 });
    } finally {
      await compat.shutdown();
      await server.close();
    }
  });
});
