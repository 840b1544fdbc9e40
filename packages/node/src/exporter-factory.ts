// The exporter factory: the exporter for a format name, its package loaded only then, from
// @trace/node's own folder. The one place that knows the exporter packages' class names and how
// each is constructed.
import { type Result, type SpanExporter, type TagValue, type TraceExportConfig, type TraceExportFormat, TraceError, err, ok } from '@trace/core';
import { type OptionalPackage, loadPackage } from './optional-packages.js';

/** The backends and the wire formats each speaks. */
const FORMATS = {
  jaeger: ['jaeger_thrift', 'jaeger_grpc'],
  zipkin: ['zipkin_json', 'zipkin_protobuf'],
  otlp: ['otlp_grpc', 'otlp_http_json', 'otlp_http_protobuf'],
} as const satisfies Record<string, readonly TraceExportFormat[]>;

/** A tracing backend `createExporter` can send to. */
export type ExportBackend = keyof typeof FORMATS;

const EXPORTERS: Record<ExportBackend, { packageName: OptionalPackage; className: string }> = {
  jaeger: { packageName: '@trace/exporter-jaeger', className: 'JaegerExporter' },
  zipkin: { packageName: '@trace/exporter-zipkin', className: 'ZipkinExporter' },
  otlp: { packageName: '@trace/exporter-otlp', className: 'OtlpExporter' },
};

/** A resource as OTLP carries it (structurally the `OtelResource` of `@trace/otel-adapter`). */
export interface ExporterResource {
  readonly attributes: Readonly<Record<string, TagValue>>;
  readonly droppedAttributesCount: number;
  readonly schemaUrl?: string;
}

/** The formats a backend speaks, e.g. `getSupportedFormats('jaeger')` → `['jaeger_thrift', 'jaeger_grpc']`. */
export function getSupportedFormats(backend: ExportBackend): TraceExportFormat[] {
  return [...(FORMATS[backend] ?? [])];
}

function backendOf(format: unknown): ExportBackend | undefined {
  for (const backend of Object.keys(FORMATS) as ExportBackend[]) {
    if ((FORMATS[backend] as readonly unknown[]).includes(format)) return backend;
  }
  return undefined;
}

type ExporterClass = new (...args: unknown[]) => SpanExporter;

/**
 * The exporter for `config.format`. Its package (`@trace/exporter-jaeger`, `-zipkin` or `-otlp`)
 * is loaded now, not before, as Node resolves it from `@trace/node`. Never throws; the error's
 * `code` is `UNKNOWN_FORMAT`, `EXPORTER_NOT_INSTALLED` (the message names the package to
 * install), `EXPORTER_LOAD_FAILED` (installed but broken: the loader's message) or
 * `INVALID_EXPORTER_CONFIG`. Every exporter gets `resource`, or one built from
 * `config.serviceName`.
 */
export function createExporter(config: TraceExportConfig, resource?: ExporterResource): Result<SpanExporter> {
  const backend = backendOf(config?.format);
  if (backend === undefined) {
    return err(
      new TraceError('UNKNOWN_FORMAT', `unknown export format ${JSON.stringify(config?.format)}; supported: ${Object.values(FORMATS).flat().join(', ')}`),
    );
  }
  const { packageName, className } = EXPORTERS[backend];
  const loaded = loadPackage(packageName);
  if (!loaded.ok) {
    const { error } = loaded;
    return error.code === 'PACKAGE_NOT_INSTALLED'
      ? err(new TraceError('EXPORTER_NOT_INSTALLED', `format ${config.format} needs ${packageName}: npm install ${packageName}`))
      : err(new TraceError('EXPORTER_LOAD_FAILED', `format ${config.format}: ${error.message}`, { cause: error }));
  }
  const Exporter = loaded.value[className] as ExporterClass | undefined;
  if (typeof Exporter !== 'function') {
    return err(
      new TraceError('EXPORTER_LOAD_FAILED', `format ${config.format}: ${packageName} has no ${className}; install a version that matches @trace/node`),
    );
  }
  const exporterResource = resource ?? defaultResource(config.serviceName);
  try {
    // Every exporter takes one options object with the resource in it.
    return ok(new Exporter({ ...config, resource: exporterResource }));
  } catch (error) {
    return err(new TraceError('INVALID_EXPORTER_CONFIG', `${className}: ${error instanceof Error ? error.message : String(error)}`));
  }
}

interface AdapterResources {
  createServiceResource?: (name: string, version: string) => ExporterResource;
  createResource?: (attributes: Record<string, TagValue>) => ExporterResource;
  mergeResources?: (a: ExporterResource, b: ExporterResource) => ExporterResource;
}

/**
 * The resource spans are exported with: `attributes` plus `service.name` and the SDK attributes
 * (`telemetry.sdk.*`), built by `@trace/otel-adapter` when it is installed, else the same keys
 * here.
 */
export function defaultResource(serviceName = 'unknown_service:node', attributes: Readonly<Record<string, TagValue>> = {}): ExporterResource {
  const loaded = loadPackage('@trace/otel-adapter');
  const adapter = loaded.ok ? (loaded.value as AdapterResources) : undefined;
  if (adapter?.createServiceResource && adapter.createResource && adapter.mergeResources) {
    return adapter.mergeResources(adapter.createResource({ ...attributes }), adapter.createServiceResource(serviceName, ''));
  }
  return {
    attributes: { ...attributes, 'service.name': serviceName, 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'trace' },
    droppedAttributesCount: 0,
  };
}
