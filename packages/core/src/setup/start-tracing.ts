// One call at app bootstrap: a global tracer built from options and the OTel environment.
import type { TagValue } from '../attributes.js';
import { ConsoleExporter } from '../export/console-exporter.js';
import type { TraceExportConfig, TraceExportFormat } from '../export/export-config.js';
import type { ExportSettings, FlushResult } from '../export/export-pipeline.js';
import type { SpanExporter } from '../export/exporter.js';
import { requireOptional } from '../platform.js';
import { type Propagator, W3CPropagator } from '../propagator.js';
import { ok } from '../result.js';
import { type Sampler, alwaysOff } from '../sampler.js';
import type { ShutdownHookOptions } from '../shutdown-hooks.js';
import type { SpanLimits } from '../span-limits.js';
import { Tracer, setGlobalTracer } from '../tracer.js';
import { type Environment, readEnvironment } from './env-config.js';
import { createExporter, defaultResource } from './exporter-factory.js';

/** Options of {@link startTracing}; each one given here wins over its environment variable. */
export interface StartTracingOptions {
  /** `OTEL_SERVICE_NAME`. */
  serviceName?: string;
  /** Merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Record<string, TagValue>;
  /** Ready-made exporters; when given, `OTEL_TRACES_EXPORTER` is not read. */
  exporters?: SpanExporter[];
  /** `OTEL_TRACES_EXPORTER`: any of `otlp`, `zipkin`, `jaeger`, `console`, `none`. Default `otlp`. */
  tracesExporter?: string[];
  /** OTLP settings (`OTEL_EXPORTER_OTLP_*`). `format` defaults to `otlp_http_protobuf`. */
  otlp?: { endpoint?: string; format?: TraceExportFormat; headers?: Record<string, string>; compression?: boolean; timeoutMs?: number };
  /** `OTEL_EXPORTER_ZIPKIN_ENDPOINT`. */
  zipkin?: { endpoint?: string; format?: TraceExportFormat };
  /** `OTEL_EXPORTER_JAEGER_ENDPOINT` / `_PROTOCOL`. */
  jaeger?: { endpoint?: string; format?: TraceExportFormat };
  /** `OTEL_TRACES_SAMPLER` / `_ARG`. */
  sampler?: Sampler;
  /** `OTEL_PROPAGATORS` (names beyond tracecontext and baggage need `@trace/context`). */
  propagator?: Propagator;
  spanLimits?: SpanLimits;
  /** `OTEL_BSP_*`. */
  exportSettings?: Partial<ExportSettings>;
  /** `OTEL_SDK_DISABLED`: a tracer that samples nothing and exports nowhere. */
  disabled?: boolean;
  /** Flush on SIGTERM / SIGINT / beforeExit. Default true. */
  shutdownHooks?: boolean | ShutdownHookOptions;
  /** Make the tracer the global one. Default true. */
  setGlobal?: boolean;
  /** Where to read variables from. Default `process.env`. */
  env?: Environment;
  /** Where warnings go (each once). Default `console.warn`. */
  warn?: (message: string) => void;
}

/** What {@link startTracing} built. */
export interface TracingHandle {
  readonly tracer: Tracer;
  readonly exporters: readonly SpanExporter[];
  /** Every warning given while starting (invalid values, missing packages). */
  readonly warnings: readonly string[];
  /** Flushes and shuts everything down; safe to call twice. */
  shutdown(options?: { deadlineMs?: number }): Promise<FlushResult>;
}

const DEFAULT_ENDPOINTS = {
  otlpHttp: 'http://localhost:4318',
  otlpGrpc: 'localhost:4317',
  zipkin: 'http://localhost:9411/api/v2/spans',
  jaeger: 'http://localhost:14268/api/traces',
  jaegerGrpc: 'localhost:14250',
};

/**
 * Builds the global tracer from `options` and the standard OpenTelemetry variables
 * (`OTEL_SERVICE_NAME`, `OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_*`, ...). Options in code win
 * over the environment. An invalid value gets one warning and the default; a missing exporter
 * package gets a warning naming it. It never throws and never stops the app.
 */
export function startTracing(options: StartTracingOptions = {}): TracingHandle {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const log = options.warn ?? ((message: string) => console.warn(`[trace] ${message}`));
  const warn = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    warnings.push(message);
    try {
      log(message);
    } catch {
      // a logger that throws must not stop the app
    }
  };
  const env = readEnvironment(options.env ?? process.env, warn);
  const disabled = options.disabled ?? env.disabled;
  const serviceName = options.serviceName ?? env.serviceName ?? 'unknown_service:node';
  const resourceAttributes = { ...env.resourceAttributes, ...options.resourceAttributes };

  const exporters: SpanExporter[] = disabled ? [] : (options.exporters ?? buildExporters(options, env, serviceName, resourceAttributes, warn));
  const exportSettings: Partial<ExportSettings> = {
    ...definedOnly(env.batch),
    ...options.exportSettings,
  };
  let tracer: Tracer;
  try {
    tracer = new Tracer({
      serviceName,
      sampler: disabled ? alwaysOff() : (options.sampler ?? env.sampler),
      propagator: options.propagator ?? buildPropagator(env.propagators, warn),
      spanLimits: options.spanLimits,
      exporters,
      exportSettings,
    });
  } catch (error) {
    warn(`invalid export settings (${error instanceof Error ? error.message : String(error)}); using the defaults`);
    tracer = new Tracer({ serviceName, sampler: disabled ? alwaysOff() : (options.sampler ?? env.sampler), exporters });
  }
  if (options.setGlobal ?? true) setGlobalTracer(tracer);
  const removeHooks =
    !disabled && options.shutdownHooks !== false
      ? tracer.installShutdownHooks(typeof options.shutdownHooks === 'object' ? options.shutdownHooks : {})
      : () => {};
  let stopped: Promise<FlushResult> | undefined;
  return {
    tracer,
    exporters,
    warnings,
    shutdown(shutdownOptions) {
      stopped ??= (async () => {
        removeHooks();
        return exporters.length === 0 ? ok() : tracer.shutdown(shutdownOptions);
      })();
      return stopped;
    },
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) result[key] = value[key];
  return result;
}

function buildExporters(
  options: StartTracingOptions,
  env: ReturnType<typeof readEnvironment>,
  serviceName: string,
  resourceAttributes: Record<string, TagValue>,
  warn: (message: string) => void,
): SpanExporter[] {
  const names = options.tracesExporter ?? env.tracesExporters ?? ['otlp'];
  if (names.includes('none')) return [];
  const exporters: SpanExporter[] = [];
  // No `serviceName` in the exporter configs: it would override each span's own service name
  // (one process may trace several services); spans default to the tracer's name anyway.
  const add = (config: TraceExportConfig, resource?: ReturnType<typeof defaultResource>) => {
    const created = createExporter(config, resource);
    if (created.ok) exporters.push(created.value);
    else warn(`${config.format} exporter not started: ${created.error.message}`);
  };
  for (const name of new Set(names)) {
    if (name === 'console') {
      exporters.push(new ConsoleExporter());
    } else if (name === 'otlp') {
      const otlp = { ...definedOnly(env.otlp), ...definedOnly(options.otlp ?? {}) };
      const format = otlp.format ?? 'otlp_http_protobuf';
      const endpoint = otlp.endpoint ?? (format === 'otlp_grpc' ? DEFAULT_ENDPOINTS.otlpGrpc : DEFAULT_ENDPOINTS.otlpHttp);
      add(
        { endpoint, format, headers: otlp.headers, enableCompression: otlp.compression, timeoutMs: otlp.timeoutMs },
        defaultResource(serviceName, resourceAttributes),
      );
    } else if (name === 'zipkin') {
      add({
        endpoint: options.zipkin?.endpoint ?? env.zipkin.endpoint ?? DEFAULT_ENDPOINTS.zipkin,
        format: options.zipkin?.format ?? 'zipkin_json',
      });
    } else if (name === 'jaeger') {
      const format = options.jaeger?.format ?? env.jaeger.format ?? 'jaeger_thrift';
      const endpoint = options.jaeger?.endpoint ?? env.jaeger.endpoint ?? (format === 'jaeger_grpc' ? DEFAULT_ENDPOINTS.jaegerGrpc : DEFAULT_ENDPOINTS.jaeger);
      add({ endpoint, format });
    } else {
      warn(`unknown traces exporter ${JSON.stringify(name)}; ignoring it`);
    }
  }
  return exporters;
}

function buildPropagator(names: string[] | undefined, warn: (message: string) => void): Propagator | undefined {
  if (names === undefined) return undefined;
  const onlyW3C = names.every((name) => name === 'tracecontext' || name === 'baggage');
  if (onlyW3C) return new W3CPropagator({ traceContext: names.includes('tracecontext'), baggage: names.includes('baggage') });
  const context = requireOptional('@trace/context') as
    | { createPropagatorFromNames?: (list: string, options?: { onWarning?: (message: string) => void }) => { ok: boolean; value?: Propagator } }
    | undefined;
  if (typeof context?.createPropagatorFromNames !== 'function') {
    warn(
      `OTEL_PROPAGATORS names ${names.join(',')}; formats other than tracecontext and baggage need @trace/context: npm install @trace/context. Using tracecontext,baggage`,
    );
    return undefined;
  }
  const created = context.createPropagatorFromNames(names.join(','), { onWarning: warn });
  return created.ok ? created.value : undefined;
}
