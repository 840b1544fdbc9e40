// What was compared: the Node that ran the bench and the OpenTelemetry packages on the other side,
// printed with every report so figures from different runs are never compared blind.
import { packageVersion } from './optional.js';

/** The OpenTelemetry packages the workloads load, under the names they are installed as (3.x under aliases). */
const OTEL_PACKAGES: readonly { installedAs: string; name: string }[] = [
  { installedAs: '@opentelemetry/api', name: '@opentelemetry/api' },
  { installedAs: '@opentelemetry/sdk-trace', name: '@opentelemetry/sdk-trace' },
  { installedAs: '@otel3/core', name: '@opentelemetry/core' },
  { installedAs: '@otel3/resources', name: '@opentelemetry/resources' },
  { installedAs: '@otel3/context-async-hooks', name: '@opentelemetry/context-async-hooks' },
  { installedAs: '@otel3/otlp-transformer', name: '@opentelemetry/otlp-transformer' },
  { installedAs: '@otel3/exporter-trace-otlp-proto', name: '@opentelemetry/exporter-trace-otlp-proto' },
  { installedAs: '@otel3/exporter-zipkin', name: '@opentelemetry/exporter-zipkin' },
];

export interface ComparedVersions {
  node: string;
  v8: string;
  /** Real package name → installed version. */
  otel: Record<string, string>;
  /** W4's comparison (OpenTelemetry JS has no Jaeger Thrift encoder). */
  jaegerClient: string;
}

export function comparedVersions(): ComparedVersions {
  const otel: Record<string, string> = {};
  for (const entry of OTEL_PACKAGES) otel[entry.name] = packageVersion(entry.installedAs);
  return { node: process.version, v8: process.versions.v8, otel, jaegerClient: packageVersion('jaeger-client') };
}

/** One line: `Node v24.x, OpenTelemetry JS sdk-trace 3.1.1, core 3.1.1, …`. */
export function describeVersions(versions: ComparedVersions): string {
  const otel = Object.entries(versions.otel)
    .map(([name, version]) => `${name.replace('@opentelemetry/', '')} ${version}`)
    .join(', ');
  return `Node ${versions.node} (V8 ${versions.v8}); OpenTelemetry JS: ${otel}; jaeger-client ${versions.jaegerClient} (W4)`;
}
