// Which exporters the demo uses, from the environment: the console tree by default; the real
// OTLP / Zipkin / Jaeger exporters for each OTEL_EXPORTER_*_ENDPOINT that is set.
import { ConsoleExporter, type SpanExporter, type TraceExportFormat } from '@trace/core';
import { type Environment, readEnvironment } from '@trace/node';

/** A backend the demo can send to. */
export type DemoBackend = 'console' | 'otlp' | 'zipkin' | 'jaeger';

/**
 * The backends whose endpoint variable is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_ZIPKIN_ENDPOINT`,
 * `OTEL_EXPORTER_JAEGER_ENDPOINT`); `['console']` when none is.
 */
export function selectBackends(env: Environment): DemoBackend[] {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const backends: DemoBackend[] = [];
  if (set('OTEL_EXPORTER_OTLP_ENDPOINT') || set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) backends.push('otlp');
  if (set('OTEL_EXPORTER_ZIPKIN_ENDPOINT')) backends.push('zipkin');
  if (set('OTEL_EXPORTER_JAEGER_ENDPOINT')) backends.push('jaeger');
  return backends.length === 0 ? ['console'] : backends;
}

/** `TRACE_DEMO_ZIPKIN_FORMAT`: `json` (default) or `protobuf`; no OTel variable names Zipkin's encoding. */
export function zipkinFormat(env: Environment, warn: (message: string) => void): TraceExportFormat {
  const value = env.TRACE_DEMO_ZIPKIN_FORMAT?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'json') return 'zipkin_json';
  if (value === 'protobuf' || value === 'proto') return 'zipkin_protobuf';
  warn(`TRACE_DEMO_ZIPKIN_FORMAT=${JSON.stringify(env.TRACE_DEMO_ZIPKIN_FORMAT)} is not json or protobuf; using json`);
  return 'zipkin_json';
}

/** Tags shown on each line of the console tree. */
const TREE_TAG_KEYS = [
  'http.method',
  'http.route',
  'http.status_code',
  'db.statement',
  'messaging.destination',
  'messaging.operation',
  'peer.service',
  'error.message',
];

/**
 * The console tree, printed when the demo flushes at its end: with a message queue in the path
 * the consumer's spans finish after the gateway's root span, so traces print whole only then.
 */
export function createDemoConsoleExporter(write?: (text: string) => void): SpanExporter {
  return new ConsoleExporter({ write, printOnFlushOnly: true, tagKeys: TREE_TAG_KEYS });
}

/** The format an exporter `startTracing` built speaks, and where it sends, for the stats lines. */
export function describeExporter(exporter: SpanExporter, env: Environment): string {
  const settings = readEnvironment(env, () => {});
  switch (exporter.constructor.name) {
    case 'OtlpExporter':
      return `${settings.otlp.format ?? 'otlp_http_protobuf'} → ${settings.otlp.endpoint}`;
    case 'ZipkinExporter':
      return `${zipkinFormat(env, () => {})} → ${settings.zipkin.endpoint}`;
    case 'JaegerExporter':
      return `${settings.jaeger.format ?? 'jaeger_thrift'} → ${settings.jaeger.endpoint}`;
    case 'ConsoleExporter':
      return 'console';
    default:
      return exporter.constructor.name;
  }
}
