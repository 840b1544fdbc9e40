import { Tracer } from '@trace/core';
import { OtlpExporter } from '@trace/exporter-otlp';
import { createServiceResource } from '@trace/otel-adapter';
import { registerOpenTelemetryApi } from '@trace/otel-adapter/api-bridge';
import { placeOrder } from './apps/orders-library';
import { type OtlpReceiver, startOtlpReceiver } from './otlp-receiver';

describe('a library written against @opentelemetry/api, exported by @trace over OTLP', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());

  it('arrives as one tree with its scope, times, attributes, events, links and exception', async () => {
    const tracer = new Tracer({ serviceName: 'orders' });
    tracer.addExporter(new OtlpExporter({ endpoint: receiver.url, format: 'otlp_http_protobuf', resource: createServiceResource('orders', '1.0.0') }));
    const registration = registerOpenTelemetryApi(tracer);
    try {
      await placeOrder(3);
    } finally {
      registration.unregister();
      await tracer.shutdown();
    }
    const spans = await receiver.waitForSpans(4);
    expect(spans).toHaveLength(4);
    const byName = new Map(spans.map((span) => [span.name, span]));
    const root = byName.get('place order');
    const reserve = byName.get('reserve stock');
    const charge = byName.get('charge card');
    const audit = byName.get('audit');
    if (!root || !reserve || !charge || !audit) throw new Error(`missing spans: ${[...byName.keys()].join(', ')}`);
    for (const span of spans) {
      expect(span.scope).toEqual({ name: 'orders-library', version: '2.4.0' });
      expect(span.service).toBe('orders');
    }
    expect(root.parentSpanId).toBe('');
    expect(reserve.parentSpanId).toBe(root.spanId);
    expect(charge.parentSpanId).toBe(reserve.spanId);
    expect(new Set([root.traceId, reserve.traceId, charge.traceId]).size).toBe(1);
    expect(audit.traceId).not.toBe(root.traceId);
    expect(root.kind).toBe(2); // SERVER
    expect(charge.kind).toBe(3); // CLIENT
    expect(reserve.kind).toBe(1); // INTERNAL
    expect(root.attributes).toEqual({ 'order.items': 3 });
    expect(root.status.code).toBe(1);
    expect(charge.status).toMatchObject({ code: 2, message: 'card declined' });
    expect(charge.events.map((event) => [event.name, event.attributes['exception.type'], event.attributes['exception.message']])).toEqual([
      ['exception', 'TypeError', 'card declined'],
    ]);
    expect(reserve.events[0]).toMatchObject({ name: 'reserved', attributes: { count: 3 } });
    expect(reserve.links).toEqual([{ traceId: audit.traceId, spanId: audit.spanId, attributes: { reason: 'audit' } }]);
    const nanos = (text: string) => BigInt(text);
    expect(nanos(reserve.startTimeUnixNano)).toBeGreaterThanOrEqual(nanos(root.startTimeUnixNano));
    expect(nanos(charge.endTimeUnixNano)).toBeLessThanOrEqual(nanos(reserve.endTimeUnixNano));
    expect(nanos(reserve.endTimeUnixNano)).toBeLessThanOrEqual(nanos(root.endTimeUnixNano));
    const eventTime = nanos(reserve.events[0]?.timeUnixNano ?? '0');
    expect(eventTime).toBeGreaterThanOrEqual(nanos(reserve.startTimeUnixNano));
    expect(eventTime).toBeLessThanOrEqual(nanos(reserve.endTimeUnixNano));
    // within a second of now: the times are epoch nanoseconds, not relative ones
    expect(Math.abs(Number(nanos(root.startTimeUnixNano) / 1_000_000n) - Date.now())).toBeLessThan(60_000);
  });
});
