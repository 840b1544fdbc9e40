// `@trace/core/testing`: the test kit every package's tests use.
export { InMemoryExporter } from './export/in-memory-exporter.js';
export { ManualScheduler, flushMicrotasks } from './testing/manual-scheduler.js';
export { StubGrpcTransport, StubHttpTransport, createStubGrpcTransport, createStubTransport } from './testing/stub-transports.js';
