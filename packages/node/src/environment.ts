// The OpenTelemetry SDK environment variables every OTel user already knows, read into plain
// settings. An invalid value gives one warning and the default; nothing here throws.
import { type Sampler, type TagValue, type TraceExportFormat, alwaysOff, alwaysOn, parentBased, traceIdRatio } from '@trace/core';

/** Variables to read, by name (`process.env` or a plain object in tests). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What the environment asks for; every field is `undefined` when its variable is unset or invalid. */
export interface EnvironmentSettings {
  disabled: boolean;
  serviceName?: string;
  resourceAttributes: Record<string, TagValue>;
  tracesExporters?: string[];
  otlp: { endpoint?: string; format?: TraceExportFormat; headers?: Record<string, string>; compression?: boolean; timeoutMs?: number };
  zipkin: { endpoint?: string };
  jaeger: { endpoint?: string; format?: TraceExportFormat };
  sampler?: Sampler;
  propagators?: string[];
  batch: { flushInterval?: number; maxQueueSize?: number; batchSize?: number; exportTimeout?: number };
  /** `OTEL_LOG_LEVEL`: how much set-up talks on stderr. */
  logLevel?: LogLevel;
}

/** The `OTEL_LOG_LEVEL` values, quietest first. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

const LOG_LEVELS: readonly LogLevel[] = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'];

const KNOWN_EXPORTERS = new Set(['otlp', 'zipkin', 'jaeger', 'console', 'none']);

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

/**
 * `key=value,key2=value2` with percent-encoded values (W3C Baggage-like, as the OTel spec says).
 * A malformed entry is named by its position, never shown: in the headers variables it is often
 * a credential written with the wrong separator (`Authorization: Bearer …`).
 */
function keyValues(name: string, value: string | undefined, warn: (message: string) => void): Record<string, string> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const result: Record<string, string> = Object.create(null);
  const members = value.split(',');
  for (let index = 0; index < members.length; index++) {
    const member = members[index] as string;
    if (member.trim() === '') continue;
    const equals = member.indexOf('=');
    const key = equals === -1 ? '' : member.slice(0, equals).trim();
    if (key === '') {
      const hint = equals === -1 && member.includes(':') ? " (it has ':' where '=' belongs)" : '';
      warn(`${name}: ignoring entry ${index + 1} of ${members.length}, expected key=value${hint}; its text is not shown`);
      continue;
    }
    if (key === '__proto__') {
      warn(`${name}: ignoring the key "__proto__"`);
      continue;
    }
    try {
      result[key] = decodeURIComponent(member.slice(equals + 1).trim());
    } catch {
      warn(`${name}: ignoring the value of ${JSON.stringify(key)}, its percent-encoding is malformed`);
    }
  }
  return result;
}

function positiveInteger(name: string, value: string | undefined, warn: (message: string) => void, allowZero = false): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value.trim());
  if (!Number.isInteger(number) || number < (allowZero ? 0 : 1)) {
    warn(`${name}=${JSON.stringify(value)} is not a ${allowZero ? 'non-negative' : 'positive'} integer; using the default`);
    return undefined;
  }
  return number;
}

function otlpFormat(name: string, value: string | undefined, warn: (message: string) => void): TraceExportFormat | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'grpc':
      return 'otlp_grpc';
    case 'http/protobuf':
      return 'otlp_http_protobuf';
    case 'http/json':
      return 'otlp_http_json';
    default:
      warn(`${name}=${JSON.stringify(value)} is not grpc, http/protobuf or http/json; using http/protobuf`);
      return undefined;
  }
}

function sampler(env: Environment, warn: (message: string) => void): Sampler | undefined {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (name === undefined || name === '') return undefined;
  const ratio = (): number => {
    const raw = env.OTEL_TRACES_SAMPLER_ARG;
    const value = raw === undefined || raw.trim() === '' ? 1 : Number(raw);
    if (!(value >= 0 && value <= 1)) {
      warn(`OTEL_TRACES_SAMPLER_ARG=${JSON.stringify(raw)} is not a ratio between 0 and 1; using 1`);
      return 1;
    }
    return value;
  };
  switch (name) {
    case 'always_on':
      return alwaysOn();
    case 'always_off':
      return alwaysOff();
    case 'traceidratio':
      return traceIdRatio(ratio());
    case 'parentbased_always_on':
      return parentBased(alwaysOn());
    case 'parentbased_always_off':
      return parentBased(alwaysOff());
    case 'parentbased_traceidratio':
      return parentBased(traceIdRatio(ratio()));
    default:
      warn(`OTEL_TRACES_SAMPLER=${JSON.stringify(env.OTEL_TRACES_SAMPLER)} is not a known sampler; using parentbased_always_on`);
      return undefined;
  }
}

function logLevel(value: string | undefined, warn: (message: string) => void): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  if (level === undefined || level === '') return undefined;
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  warn(`OTEL_LOG_LEVEL=${JSON.stringify(value)} is not one of ${LOG_LEVELS.join(', ')}; using warn`);
  return undefined;
}

/** True when `level` (default `warn`) lets messages of `severity` through. */
export function logLevelAllows(level: LogLevel | undefined, severity: 'error' | 'warn' | 'info'): boolean {
  return LOG_LEVELS.indexOf(level ?? 'warn') >= LOG_LEVELS.indexOf(severity);
}

/**
 * Reads the OpenTelemetry SDK variables (`OTEL_SERVICE_NAME`, `OTEL_TRACES_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_*`, `OTEL_TRACES_SAMPLER`, `OTEL_PROPAGATORS`, `OTEL_BSP_*`, ...; the
 * package README has the table). Never throws: `warn` is told about each invalid value, which is
 * then left `undefined` so the default applies. Header values never appear in a warning.
 */
export function readEnvironment(env: Environment, warn: (message: string) => void): EnvironmentSettings {
  const disabledValue = env.OTEL_SDK_DISABLED?.trim().toLowerCase();
  if (disabledValue !== undefined && disabledValue !== '' && disabledValue !== 'true' && disabledValue !== 'false') {
    warn(`OTEL_SDK_DISABLED=${JSON.stringify(env.OTEL_SDK_DISABLED)} is not true or false; using false`);
  }
  let tracesExporters = list(env.OTEL_TRACES_EXPORTER);
  if (tracesExporters !== undefined) {
    const unknown = tracesExporters.filter((name) => !KNOWN_EXPORTERS.has(name));
    if (unknown.length > 0) warn(`OTEL_TRACES_EXPORTER: ignoring unknown exporter(s) ${unknown.join(', ')}`);
    tracesExporters = tracesExporters.filter((name) => KNOWN_EXPORTERS.has(name));
  }
  const compression = env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION ?? env.OTEL_EXPORTER_OTLP_COMPRESSION;
  const compressionValue = compression?.trim().toLowerCase();
  if (compressionValue !== undefined && compressionValue !== '' && compressionValue !== 'gzip' && compressionValue !== 'none') {
    warn(`OTEL_EXPORTER_OTLP_COMPRESSION=${JSON.stringify(compression)} is not gzip or none; using none`);
  }
  const jaegerProtocol = env.OTEL_EXPORTER_JAEGER_PROTOCOL?.trim().toLowerCase();
  let jaegerFormat: TraceExportFormat | undefined;
  if (jaegerProtocol === 'http/thrift.binary') jaegerFormat = 'jaeger_thrift';
  else if (jaegerProtocol === 'grpc') jaegerFormat = 'jaeger_grpc';
  else if (jaegerProtocol !== undefined && jaegerProtocol !== '')
    warn(`OTEL_EXPORTER_JAEGER_PROTOCOL=${JSON.stringify(env.OTEL_EXPORTER_JAEGER_PROTOCOL)} is not http/thrift.binary or grpc; using http/thrift.binary`);

  const tracesHeaders = keyValues('OTEL_EXPORTER_OTLP_TRACES_HEADERS', env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, warn);
  const headers = keyValues('OTEL_EXPORTER_OTLP_HEADERS', env.OTEL_EXPORTER_OTLP_HEADERS, warn);
  const resourceAttributes: Record<string, TagValue> = { ...keyValues('OTEL_RESOURCE_ATTRIBUTES', env.OTEL_RESOURCE_ATTRIBUTES, warn) };
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || (resourceAttributes['service.name'] as string | undefined);

  // The signal-specific endpoint is used as is; the generic one gets /v1/traces added (by the exporter).
  const otlpEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
  return {
    disabled: disabledValue === 'true',
    serviceName,
    resourceAttributes,
    tracesExporters,
    otlp: {
      endpoint: otlpEndpoint,
      format:
        otlpFormat('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, warn) ??
        otlpFormat('OTEL_EXPORTER_OTLP_PROTOCOL', env.OTEL_EXPORTER_OTLP_PROTOCOL, warn),
      headers: headers === undefined && tracesHeaders === undefined ? undefined : { ...headers, ...tracesHeaders },
      compression: compressionValue === 'gzip' ? true : compressionValue === 'none' ? false : undefined,
      timeoutMs:
        positiveInteger('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, warn) ??
        positiveInteger('OTEL_EXPORTER_OTLP_TIMEOUT', env.OTEL_EXPORTER_OTLP_TIMEOUT, warn),
    },
    zipkin: { endpoint: env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim() || undefined },
    jaeger: { endpoint: env.OTEL_EXPORTER_JAEGER_ENDPOINT?.trim() || undefined, format: jaegerFormat },
    sampler: sampler(env, warn),
    propagators: list(env.OTEL_PROPAGATORS),
    batch: {
      flushInterval: positiveInteger('OTEL_BSP_SCHEDULE_DELAY', env.OTEL_BSP_SCHEDULE_DELAY, warn),
      maxQueueSize: positiveInteger('OTEL_BSP_MAX_QUEUE_SIZE', env.OTEL_BSP_MAX_QUEUE_SIZE, warn),
      batchSize: positiveInteger('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, warn),
      exportTimeout: positiveInteger('OTEL_BSP_EXPORT_TIMEOUT', env.OTEL_BSP_EXPORT_TIMEOUT, warn),
    },
    logLevel: logLevel(env.OTEL_LOG_LEVEL, warn),
  };
}
