// The bridge against the oldest @opentelemetry/api it supports. The API refuses to mix versions in
// one process, so this file (its own jest context) maps every import of the API to 1.3.0.
import { context, trace } from '@opentelemetry/api';
import { Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { registerOpenTelemetryApi } from '@trace/otel-adapter/api-bridge';

jest.mock('@opentelemetry/api', () => jest.requireActual('otel-api-oldest'));

it('registers and records through @opentelemetry/api 1.3.0', async () => {
  expect(jest.requireActual('otel-api-oldest/package.json').version).toBe('1.3.0');
  const exporter = new InMemoryExporter();
  const tracer = new Tracer({ exporters: [exporter] });
  const registration = registerOpenTelemetryApi(tracer);
  // what registered is the 1.3.0 API (it records its version in the global slot)
  expect((globalThis as Record<symbol, { version?: string }>)[Symbol.for('opentelemetry.js.api.1')]?.version).toBe('1.3.0');
  try {
    await tracer.withSpan('native', async (native) => {
      expect(trace.getSpan(context.active())?.spanContext().spanId).toBe(native.spanId);
      await trace.getTracer('old-lib', '0.1.0').startActiveSpan('otel', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        span.end();
      });
    });
  } finally {
    registration.unregister();
  }
  await tracer.flush();
  const byName = new Map(exporter.getFinishedSpans().map((span) => [span.operationName, span]));
  expect(byName.get('otel')?.parentSpanId).toBe(byName.get('native')?.spanId);
  expect(byName.get('otel')?.instrumentationScope).toEqual({ name: 'old-lib', version: '0.1.0' });
  await tracer.shutdown();
});
