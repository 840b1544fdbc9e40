// @trace/node: the one-call entry a Node service installs. Tracing from the OpenTelemetry
// environment, the exporter factory, the default resource; `@trace/node/register` for
// `node --import` / `node -r`.
export { startTracing, type StartTracingOptions, type TracingHandle } from './start-tracing.js';
export { readEnvironment, type Environment, type EnvironmentSettings, type LogLevel } from './environment.js';
export { createExporter, getSupportedFormats, defaultResource, type ExportBackend, type ExporterResource } from './exporter-factory.js';
