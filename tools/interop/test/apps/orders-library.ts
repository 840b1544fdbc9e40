// A library that knows only @opentelemetry/api, as natively instrumented packages do.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('orders-library', '2.4.0');
const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

export async function placeOrder(items: number): Promise<void> {
  await tracer.startActiveSpan('place order', { kind: SpanKind.SERVER, attributes: { 'order.items': items } }, async (root) => {
    const audit = tracer.startSpan('audit', { root: true });
    audit.end();
    await tick();
    await tracer.startActiveSpan('reserve stock', { links: [{ context: audit.spanContext(), attributes: { reason: 'audit' } }] }, async (reserve) => {
      reserve.addEvent('reserved', { count: items });
      await tick();
      await tracer.startActiveSpan('charge card', { kind: SpanKind.CLIENT }, async (charge) => {
        await tick();
        charge.recordException(new TypeError('card declined'));
        charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
        charge.end();
      });
      reserve.end();
    });
    root.setStatus({ code: SpanStatusCode.OK });
    root.end();
  });
}
