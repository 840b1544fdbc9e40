// The 512 finished spans every encoder workload encodes, made by each library's own tracer with
// the same content: one trace of a server root and 511 client children, 5 attributes, one event
// with an attribute, status set, distinct operation names.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@otel3/resources';
import { TracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { type Span, Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';

export const BATCH_SIZE = 512;
export const SERVICE_NAME = 'bench-service';

export async function traceBatch(count = BATCH_SIZE): Promise<Span[]> {
  const exporter = new InMemoryExporter();
  const tracer = new Tracer({ serviceName: SERVICE_NAME, exporters: [exporter], exportSettings: { maxQueueSize: count, batchSize: Math.min(512, count) } });
  const root = tracer.startSpan('GET /api/users/:id', { kind: 'server', parent: null });
  for (let i = 1; i < count; i++) {
    const span = tracer.startChildSpan(root, `SELECT users ${i % 16}`, { kind: 'client' });
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', i % 2 === 0);
    span.setTag('db.statement', `SELECT * FROM users WHERE id = ${i}`);
    span.addEvent('rows fetched', { rows: i });
    span.setStatus('ok');
    span.end();
  }
  root.setTag('http.route', '/api/users/:id');
  root.setStatus('ok');
  root.end();
  const flushed = await tracer.flush();
  if (!flushed.ok) throw new Error(`fixture flush failed: ${flushed.error.message}`);
  const spans = exporter.getFinishedSpans();
  if (spans.length !== count) throw new Error(`fixture made ${spans.length} of ${count} trace spans`);
  await tracer.shutdown();
  return spans;
}

export async function otelBatch(count = BATCH_SIZE): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE_NAME }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('bench');
  const root = tracer.startSpan('GET /api/users/:id', { kind: SpanKind.SERVER }, context.active());
  const parent = trace.setSpan(context.active(), root);
  for (let i = 1; i < count; i++) {
    const span = tracer.startSpan(`SELECT users ${i % 16}`, { kind: SpanKind.CLIENT }, parent);
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.load', 0.75);
    span.setAttribute('cache.hit', i % 2 === 0);
    span.setAttribute('db.statement', `SELECT * FROM users WHERE id = ${i}`);
    span.addEvent('rows fetched', { rows: i });
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  }
  root.setAttribute('http.route', '/api/users/:id');
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans().slice();
  if (spans.length !== count) throw new Error(`fixture made ${spans.length} of ${count} OTel spans`);
  await provider.shutdown();
  return spans;
}
