// The optional peer is absent or broken: choosing otlp_grpc must fail, not retryably, naming the
// package, and telling "not installed" apart from "installed but does not load".
import { OtlpExporter } from '../src/index';
import { memoryTracer, testResource } from './helpers';

// What Node throws for a package that is not installed. The test below swaps in another error.
let loadError: Error = Object.assign(new Error("Cannot find module '@trace/transport-grpc'"), { code: 'MODULE_NOT_FOUND' });
jest.mock('@trace/transport-grpc', () => {
  throw loadError;
});

it('fails non-retryably with an error naming @trace/transport-grpc when it is not installed', async () => {
  const exporter = new OtlpExporter({ endpoint: '127.0.0.1:4317', format: 'otlp_grpc', resource: testResource() });
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

it('tells a peer that is installed but cannot load apart from a missing one', async () => {
  // @grpc/grpc-js missing under @trace/transport-grpc: installing @trace/transport-grpc is not the fix.
  loadError = Object.assign(new Error("Cannot find module '@grpc/grpc-js'"), { code: 'MODULE_NOT_FOUND' });
  jest.resetModules();
  const isolated = require('../src/index') as typeof import('../src/index');
  const exporter = new isolated.OtlpExporter({ endpoint: '127.0.0.1:4317', format: 'otlp_grpc', resource: testResource() });
  const { tracer, memory } = memoryTracer();
  tracer.startSpan('op').end();
  const result = await exporter.exportSpans(await memory.waitForSpans(1));
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error.code).toBe('GRPC_TRANSPORT_LOAD_FAILED');
    expect(result.error.retryable).toBe(false);
    expect(result.error.message).toContain('@grpc/grpc-js');
    expect(result.error.message).not.toContain('npm install @trace/transport-grpc');
  }
  await exporter.shutdown();
});
