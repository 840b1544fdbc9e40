// The optional peer is absent or broken: choosing otlp_grpc must fail, not retryably, naming the
// package, and telling "not installed" apart from "installed but does not load" with core's one
// rule and error type. jest's registry stands in for the package here; grpc-peer.test.ts runs the
// built package under plain Node.
import { OptionalPackageError } from '@trace/core';
import { OtlpExporter } from '../src/index';
import { memoryTracer, testResource } from './helpers';

// What Node throws for a package that is not installed. The test below swaps in another error.
let loadError: Error = Object.assign(new Error("Cannot find module '@trace/transport-grpc'"), { code: 'MODULE_NOT_FOUND' });
let attempts = 0;
jest.mock('@trace/transport-grpc', () => {
  attempts++;
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
      expect(result.error.code).toBe('PACKAGE_NOT_INSTALLED');
      expect(result.error.retryable).toBe(false);
      expect(result.error.message).toContain('npm install @trace/transport-grpc');
      expect(result.error.cause).toBeInstanceOf(OptionalPackageError);
      expect((result.error.cause as OptionalPackageError).code).toBe('PACKAGE_NOT_INSTALLED');
    }
  }
  // A missing package stays missing: it is looked up once, not on every export.
  expect(attempts).toBe(1);
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
    expect(result.error.code).toBe('PACKAGE_LOAD_FAILED');
    expect(result.error.retryable).toBe(false);
    expect(result.error.message).toContain('@grpc/grpc-js');
    expect(result.error.message).not.toContain('npm install @trace/transport-grpc');
    // The export error's cause is core's error, whose cause is what the load threw. (jest's module
    // registry gives each isolated load its own copy of core, so the class is checked by name.)
    expect((result.error.cause as OptionalPackageError).name).toBe('OptionalPackageError');
    expect((result.error.cause as OptionalPackageError).cause).toBe(loadError);
  }
  await exporter.shutdown();
});
