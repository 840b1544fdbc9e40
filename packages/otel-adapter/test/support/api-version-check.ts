// One check of the bridge against whichever @opentelemetry/api version the calling test file maps
// '@opentelemetry/api' to. The API refuses to mix versions in one process, so each version gets
// its own test file (its own jest context).
import { context, trace } from '@opentelemetry/api';
import { Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { registerOpenTelemetryApi } from '@trace/otel-adapter/api-bridge';

export async function checkBridgeWithApiVersion(expectedVersion: string): Promise<void> {
  const exporter = new InMemoryExporter();
  const tracer = new Tracer({ exporters: [exporter] });
  // a library's tracer, taken before the bridge is registered, as module-level code does
  const early = trace.getTracer('early-lib', '0.0.1');
  const registration = registerOpenTelemetryApi(tracer);
  // what registered is the expected API (it records its version in the global slot)
  expect((globalThis as Record<symbol, { version?: string }>)[Symbol.for('opentelemetry.js.api.1')]?.version).toBe(expectedVersion);
  try {
    await tracer.withSpan('native', async (native) => {
      expect(trace.getSpan(context.active())?.spanContext().spanId).toBe(native.spanId);
      await trace.getTracer('old-lib', '0.1.0').startActiveSpan('otel', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        early.startSpan('early').end();
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
  expect(byName.get('early')?.parentSpanId).toBe(byName.get('otel')?.spanId);
  await tracer.shutdown();
}
