// One call at app bootstrap: a global tracer built from options and the OpenTelemetry
// environment, its exporters, propagators and (when asked) HTTP instrumentation loaded from the
// optional packages installed beside @trace/node.
import {
  ConsoleExporter,
  type ExportSettings,
  type FlushResult,
  type Propagator,
  type Sampler,
  type ShutdownHookOptions,
  type SpanExporter,
  type SpanLimits,
  type TagValue,
  type TraceExportConfig,
  type TraceExportFormat,
  Tracer,
  W3CPropagator,
  alwaysOff,
  ok,
  setGlobalTracer,
} from '@trace/core';
import { type Environment, type EnvironmentSettings, logLevelAllows, readEnvironment } from './environment.js';
import { createExporter, defaultResource } from './exporter-factory.js';
import { loadPackage } from './optional-packages.js';

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
  /**
   * Where warnings go (each once). Default: stderr, prefixed `[trace]`, unless `OTEL_LOG_LEVEL`
   * is `error` or `none`. Every warning is in {@link TracingHandle.warnings} either way.
   */
  warn?: (message: string) => void;
  /**
   * Instrument `node:http` / `https` and `fetch` through `@trace/instrumentation-http` (an
   * optional peer; options are handed to its `instrumentHttp`). Default false; when asked for
   * and not installed, a warning names the package to install.
   */
  instrumentHttp?: boolean | Readonly<Record<string, unknown>>;
}

/** What {@link startTracing} built. */
export interface TracingHandle {
  readonly tracer: Tracer;
  readonly exporters: readonly SpanExporter[];
  /** Every warning given while starting (invalid values, missing packages). */
  readonly warnings: readonly string[];
  /** True when HTTP instrumentation is on (see {@link StartTracingOptions.instrumentHttp}). */
  readonly httpInstrumented: boolean;
  /** Flushes and shuts everything down (HTTP instrumentation included); safe to call twice. */
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
  return start(options, 'asked');
}

/**
 * What `@trace/node/register` runs: everything from the environment, HTTP instrumented when
 * `@trace/instrumentation-http` is installed. Its absence is normal there, so it is said (once,
 * on stderr) only when `OTEL_LOG_LEVEL` is `info` or more verbose.
 */
export function startTracingFromRegister(): TracingHandle {
  return start({ instrumentHttp: true }, 'when-installed');
}

function start(options: StartTracingOptions, httpMode: 'asked' | 'when-installed'): TracingHandle {
  const warnings: string[] = [];
  const seen = new Set<string>();
  const pending: string[] = [];
  let log: ((message: string) => void) | undefined;
  const warn = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    warnings.push(message);
    if (log === undefined) pending.push(message);
    else safely(log, message);
  };
  const source = options.env ?? process.env;
  const env = readEnvironment(source, warn);
  // The log level is known only once the environment is read: its warnings wait until then.
  log = options.warn ?? (logLevelAllows(env.logLevel, 'warn') ? writeStderr : () => {});
  for (const message of pending) safely(log, message);

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
  const http = disabled || !options.instrumentHttp ? undefined : instrumentHttp(tracer, options.instrumentHttp, httpMode, env, warn);
  let stopped: Promise<FlushResult> | undefined;
  return {
    tracer,
    exporters,
    warnings,
    httpInstrumented: http !== undefined,
    shutdown(shutdownOptions) {
      stopped ??= (async () => {
        removeHooks();
        if (http !== undefined) safely(() => http.disable(), undefined);
        return exporters.length === 0 ? ok() : tracer.shutdown(shutdownOptions);
      })();
      return stopped;
    },
  };
}

function writeStderr(message: string): void {
  process.stderr.write(`[trace] ${message}\n`);
}

/** A logger (or hook) that throws must not stop the app. */
function safely<T>(fn: (value: T) => void, value: T): void {
  try {
    fn(value);
  } catch {
    // swallowed on purpose: set-up never throws into the app
  }
}

interface HttpInstrumentation {
  disable(): void;
}

function instrumentHttp(
  tracer: Tracer,
  request: true | Readonly<Record<string, unknown>>,
  mode: 'asked' | 'when-installed',
  env: EnvironmentSettings,
  warn: (message: string) => void,
): HttpInstrumentation | undefined {
  const loaded = loadPackage('@trace/instrumentation-http');
  if (!loaded.ok) {
    // Installed but broken is worth a warning even where absence is normal.
    if (mode === 'asked' || loaded.error.code === 'PACKAGE_LOAD_FAILED') warn(`HTTP not instrumented: ${loaded.error.message}`);
    else if (logLevelAllows(env.logLevel, 'info'))
      writeStderr(`HTTP not instrumented: @trace/instrumentation-http is not installed (npm install @trace/instrumentation-http)`);
    return undefined;
  }
  const instrument = loaded.value.instrumentHttp as ((tracer: Tracer, options?: Readonly<Record<string, unknown>>) => HttpInstrumentation) | undefined;
  if (typeof instrument !== 'function') {
    warn('HTTP not instrumented: @trace/instrumentation-http has no instrumentHttp; install a version that matches @trace/node');
    return undefined;
  }
  try {
    return instrument(tracer, request === true ? undefined : request);
  } catch (error) {
    warn(`HTTP not instrumented: instrumentHttp failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) result[key] = value[key];
  return result;
}

function buildExporters(
  options: StartTracingOptions,
  env: EnvironmentSettings,
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
        { endpoint, format, headers: otlp.headers, compression: otlp.compression === true ? 'gzip' : 'none', timeoutMs: otlp.timeoutMs },
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
  const loaded = loadPackage('@trace/context');
  if (!loaded.ok) {
    warn(
      loaded.error.code === 'PACKAGE_NOT_INSTALLED'
        ? `OTEL_PROPAGATORS names ${names.join(',')}; formats other than tracecontext and baggage need @trace/context: npm install @trace/context. Using tracecontext,baggage`
        : `OTEL_PROPAGATORS names ${names.join(',')}; ${loaded.error.message}. Using tracecontext,baggage`,
    );
    return undefined;
  }
  const context = loaded.value as {
    createPropagatorFromNames?: (list: string, options?: { onWarning?: (message: string) => void }) => { ok: boolean; value?: Propagator };
  };
  if (typeof context.createPropagatorFromNames !== 'function') {
    warn(
      `OTEL_PROPAGATORS names ${names.join(',')}; @trace/context has no createPropagatorFromNames (install a version that matches @trace/node). Using tracecontext,baggage`,
    );
    return undefined;
  }
  const created = context.createPropagatorFromNames(names.join(','), { onWarning: warn });
  return created.ok ? created.value : undefined;
}
