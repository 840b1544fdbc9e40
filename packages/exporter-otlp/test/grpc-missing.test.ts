// The optional peer is absent: choosing otlp_grpc must fail, not retryably, naming the package.
import { OtlpExporter } from '../src/index';
import { memoryTracer, testResource } from './helpers';

jest.mock('@trace/transport-grpc', () => {
  throw new Error("Cannot find module '@trace/transport-grpc'");
});

it('fails non-retryably with an error naming @trace/transport-grpc when it is not installed', async () => {
  const exporter = new OtlpExporter({ endpoint: '127.0.0.1:4317', format: 'otlp_grpc' }, testResource());
  const { tracer, memory } = memoryTracer();
  tracer.startSpan('op').end();
  const spans = await memory.waitForSpans(1);
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await exporter.exportSpans(spans);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('GRPC_TRANSPORT_MISSING');
      expect(result.error.retryable).toBe(false);
      expect(result.error.message).toContain('@trace/transport-grpc');
    }
  }
  expect(exporter.getStats()).toMatchObject({ failedExports: 2, exportedSpans: 0 });
  await exporter.shutdown();
});
