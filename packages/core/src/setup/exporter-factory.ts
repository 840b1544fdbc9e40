// Seed §5.4 `trace_exporter_factory`: the exporter for a format, its package loaded only then.
import type { TagValue } from '../attributes.js';
import type { TraceExportConfig, TraceExportFormat } from '../export/export-config.js';
import type { SpanExporter } from '../export/exporter.js';
import { requireOptional } from '../platform.js';
import { type Result, TraceError, err, ok } from '../result.js';

/** The backends and their formats (seed §5 "Supported Formats"). */
const FORMATS = {
  jaeger: ['jaeger_thrift', 'jaeger_grpc'],
  zipkin: ['zipkin_json', 'zipkin_protobuf'],
  otlp: ['otlp_grpc', 'otlp_http_json', 'otlp_http_protobuf'],
} as const satisfies Record<string, readonly TraceExportFormat[]>;

export type ExportBackend = keyof typeof FORMATS;

const PACKAGES: Record<ExportBackend, { name: string; exporter: string }> = {
  jaeger: { name: '@trace/exporter-jaeger', exporter: 'JaegerExporter' },
  zipkin: { name: '@trace/exporter-zipkin', exporter: 'ZipkinExporter' },
  otlp: { name: '@trace/exporter-otlp', exporter: 'OtlpExporter' },
};

/** A resource as OTLP carries it (structurally the `OtelResource` of `@trace/otel-adapter`). */
export interface ExporterResource {
  readonly attributes: Readonly<Record<string, TagValue>>;
  readonly droppedAttributesCount: number;
  readonly schemaUrl?: string;
}

/** Formats a backend speaks (seed `get_supported_formats`). */
export function getSupportedFormats(backend: ExportBackend): TraceExportFormat[] {
  return [...(FORMATS[backend] ?? [])];
}

function backendOf(format: string): ExportBackend | undefined {
  for (const backend of Object.keys(FORMATS) as ExportBackend[]) {
    if ((FORMATS[backend] as readonly string[]).includes(format)) return backend;
  }
  return undefined;
}

type ExporterClass = new (...args: unknown[]) => SpanExporter;

/**
 * The exporter for `config.format`. Its package (`@trace/exporter-jaeger`, `-zipkin` or `-otlp`)
 * is loaded now, not before; when it is not installed, the error names the package to install.
 * OTLP uses `resource`, or one built from `config.serviceName`.
 */
export function createExporter(config: TraceExportConfig, resource?: ExporterResource): Result<SpanExporter> {
  const backend = backendOf(config?.format);
  if (backend === undefined) {
    return err(
      new TraceError('UNKNOWN_FORMAT', `unknown export format ${JSON.stringify(config?.format)}; supported: ${Object.values(FORMATS).flat().join(', ')}`),
    );
  }
  const target = PACKAGES[backend];
  let loaded: Record<string, unknown> | undefined;
  try {
    loaded = requireOptional(target.name);
  } catch (error) {
    return err(new TraceError('EXPORTER_LOAD_FAILED', `${target.name} failed to load: ${error instanceof Error ? error.message : String(error)}`));
  }
  const Exporter = loaded?.[target.exporter] as ExporterClass | undefined;
  if (typeof Exporter !== 'function') {
    return err(new TraceError('EXPORTER_NOT_INSTALLED', `format ${config.format} needs ${target.name}: npm install ${target.name}`));
  }
  try {
    return ok(backend === 'otlp' ? new Exporter(config, resource ?? defaultResource(config.serviceName)) : new Exporter(config));
  } catch (error) {
    return err(new TraceError('INVALID_EXPORTER_CONFIG', `${target.exporter}: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** `service.name` plus the SDK attributes, from `@trace/otel-adapter` when it is installed. */
export function defaultResource(serviceName = 'unknown_service:node', attributes: Readonly<Record<string, TagValue>> = {}): ExporterResource {
  const adapter = requireOptional('@trace/otel-adapter') as
    | {
        createServiceResource?: (name: string, version: string) => ExporterResource;
        createResource?: (attributes: Record<string, TagValue>) => ExporterResource;
        mergeResources?: (a: ExporterResource, b: ExporterResource) => ExporterResource;
      }
    | undefined;
  if (adapter?.createServiceResource && adapter.createResource && adapter.mergeResources) {
    return adapter.mergeResources(adapter.createResource({ ...attributes }), adapter.createServiceResource(serviceName, ''));
  }
  return {
    attributes: { ...attributes, 'service.name': serviceName, 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'trace' },
    droppedAttributesCount: 0,
  };
}
