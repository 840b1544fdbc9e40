// The Jaeger exporter: Thrift `Batch` over HTTP to the collector's /api/traces, or
// `jaeger.api_v2.CollectorService/PostSpans` over gRPC. It encodes, sends once and classifies
// the outcome; batching, the bounded queue and retries belong to the tracer's export pipeline.
import {
  BaseSpanExporter,
  ConfigError,
  ExportError,
  type ExportOptions,
  type ExportResult,
  type GrpcTransport,
  type HttpTransport,
  type Result,
  type Span,
  type TagValue,
  err,
  exportFailed,
  exportSucceeded,
  ok,
} from '@trace/core';
import {
  DEFAULT_EXPORT_TIMEOUT_MS,
  classifyHttpResult,
  classifyTransportError,
  retryOnServerErrors,
  INSPECT_CUSTOM,
  redactUrl,
  validateHeaders,
} from '@trace/core/encoding';
import { createDefaultTransport } from '@trace/transport-http';
import { loadDefaultGrpcTransport } from './grpc-transport-loader.js';
import { type JaegerProcess, createJaegerProcess } from './jaeger-process.js';
import { encodeJaegerProtoPostSpans } from './jaeger-proto-encoder.js';
import { encodeJaegerThriftBatch } from './jaeger-thrift-encoder.js';

/** The two Jaeger wire formats. */
export type JaegerExportFormat = 'jaeger_thrift' | 'jaeger_grpc';

/** Jaeger collector's Thrift-over-HTTP port. */
export const JAEGER_THRIFT_HTTP_PORT = 14268;
/** Jaeger collector's gRPC port. */
export const JAEGER_GRPC_PORT = 14250;
/** Path the collector accepts Thrift batches on. */
export const JAEGER_THRIFT_PATH = '/api/traces';
/** gRPC service of the collector (jaeger-idl proto/api_v2/collector.proto). */
export const JAEGER_GRPC_SERVICE = 'jaeger.api_v2.CollectorService';
/** gRPC method spans are posted to. */
export const JAEGER_GRPC_METHOD = 'PostSpans';

/**
 * Options of {@link JaegerExporter}: the shape every exporter of the toolkit takes (`format`,
 * `endpoint`, `headers`, `compression`, `timeoutMs`, `resource`, `transport`), plus Jaeger's
 * `serviceName` and `hostname`.
 */
export interface JaegerExporterOptions {
  /** `jaeger_thrift` (default) or `jaeger_grpc`. */
  format?: JaegerExportFormat;
  /** `http(s)://host[:port]` (Thrift, port 14268 by default) or `host[:port]` (gRPC, 14250). */
  endpoint: string;
  /** HTTP headers or gRPC metadata. Their values never appear in errors, statistics or `util.inspect`. */
  headers?: Readonly<Record<string, string>>;
  /** `gzip` the body, or `none` (default). */
  compression?: 'gzip' | 'none';
  /** Deadline of one request, in ms. Default 30000. */
  timeoutMs?: number;
  /** Attributes of the process the spans come from (e.g. `service.version`): sent as process tags. */
  resource?: { readonly attributes: Readonly<Record<string, TagValue>> };
  /**
   * An `HttpTransport` for `jaeger_thrift` or a `GrpcTransport` for `jaeger_grpc`. Default: the
   * default transport of `@trace/transport-http` / `@trace/transport-grpc`, owned and closed by
   * the exporter.
   */
  transport?: HttpTransport | GrpcTransport;
  /** Overrides each span's service name. */
  serviceName?: string;
  /** Value of the `hostname` process tag. Default `os.hostname()`. */
  hostname?: string;
}

interface GrpcTarget {
  host: string;
  port: number;
}

/** Which kind of transport each format travels on. */
const TRANSPORT_KIND: Readonly<Record<JaegerExportFormat, 'http' | 'grpc'>> = Object.freeze({
  jaeger_thrift: 'http',
  jaeger_grpc: 'grpc',
});

/**
 * Where and how batches go: a Thrift body POSTed over HTTP, or a `PostSpansRequest` over gRPC.
 * The URL, headers and metadata may carry credentials; the exporter keeps its route in a private
 * field, which neither `util.inspect` nor `JSON.stringify` nor `Object.keys` can see.
 */
type HttpRoute = {
  readonly kind: 'http';
  readonly transport: HttpTransport;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
};
type GrpcRoute = {
  readonly kind: 'grpc';
  /** The connected transport, or why there is none; set on the first export when none was given. */
  transport: Promise<Result<GrpcTransport, ExportError>> | undefined;
  readonly target: GrpcTarget;
  /** `host:port` (IPv6 hosts bracketed). */
  readonly address: string;
  readonly metadata: Readonly<Record<string, string>> | undefined;
};
type Route = HttpRoute | GrpcRoute;

/** A gRPC transport tells itself apart by `connect`, which an HTTP transport lacks. */
function isGrpcTransport(transport: HttpTransport | GrpcTransport): transport is GrpcTransport {
  return typeof (transport as Partial<GrpcTransport>).connect === 'function';
}

/**
 * Exports spans to a Jaeger collector.
 *
 * - `jaeger_thrift`: `POST {endpoint}/api/traces`, `Content-Type: application/x-thrift`, body a
 *   Thrift `Batch` in TBinaryProtocol. Endpoint `http(s)://host[:port]`, default port 14268.
 * - `jaeger_grpc`: `jaeger.api_v2.CollectorService/PostSpans` with a `PostSpansRequest`.
 *   Endpoint `host[:port]`, default port 14250. Needs `@trace/transport-grpc` unless a
 *   {@link GrpcTransport} is passed; it is imported on the first gRPC export only.
 *
 * Outcomes: 2xx succeeds; HTTP 5xx, 429 and connection errors fail retryably, other statuses for
 * good; gRPC failures keep the transport's classification (UNAVAILABLE retryable,
 * INVALID_ARGUMENT not). A transport passed in stays the caller's to close; one the exporter
 * created is closed by {@link JaegerExporter.shutdown}.
 *
 * @throws ConfigError for an unknown format, an unreadable endpoint or a transport of the wrong kind.
 */
export class JaegerExporter extends BaseSpanExporter {
  readonly format: JaegerExportFormat;
  readonly #route: Route;
  private readonly process: JaegerProcess;
  private readonly timeoutMs: number;
  private readonly compression: 'gzip' | 'none';
  private ownsTransport: boolean;

  constructor(config: JaegerExporterOptions) {
    super();
    if (config === null || typeof config !== 'object') throw new ConfigError('JaegerExporter needs an options object');
    const format = config.format ?? 'jaeger_thrift';
    if (format !== 'jaeger_thrift' && format !== 'jaeger_grpc') {
      throw new ConfigError(`JaegerExporter format must be 'jaeger_thrift' or 'jaeger_grpc', got ${JSON.stringify(format)}`);
    }
    this.format = format;
    const timeoutMs = config.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new ConfigError(`JaegerExporter timeoutMs must be a number > 0, got ${String(timeoutMs)}`);
    this.timeoutMs = timeoutMs;
    const compression = config.compression ?? 'none';
    if (compression !== 'gzip' && compression !== 'none')
      throw new ConfigError(`JaegerExporter compression must be 'gzip' or 'none', got ${String(compression)}`);
    this.compression = compression;
    const resource = config.resource;
    if (
      resource !== undefined &&
      (resource === null || typeof resource !== 'object' || typeof resource.attributes !== 'object' || resource.attributes === null)
    ) {
      throw new ConfigError('JaegerExporter resource must be { attributes }');
    }
    this.process = createJaegerProcess({ serviceName: config.serviceName, hostname: config.hostname, resourceAttributes: resource?.attributes });
    const headers = validateHeaders(config.headers, 'JaegerExporter');
    const transport = config.transport;
    this.ownsTransport = transport === undefined;

    if (TRANSPORT_KIND[format] === 'http') {
      if (transport !== undefined && isGrpcTransport(transport)) throw new ConfigError(`the ${format} format needs an HttpTransport, got a GrpcTransport`);
      // The format decides the content type: a custom one is replaced.
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
      headers['Content-Type'] = 'application/x-thrift';
      this.#route = {
        kind: 'http',
        transport: transport ?? createDefaultTransport(),
        url: resolveThriftUrl(config.endpoint),
        headers: Object.freeze(headers),
      };
    } else {
      if (transport !== undefined && !isGrpcTransport(transport)) throw new ConfigError(`the ${format} format needs a GrpcTransport, got an HttpTransport`);
      const target = resolveGrpcTarget(config.endpoint);
      // gRPC metadata keys are lowercase.
      const metadata: Record<string, string> = {};
      for (const name of Object.keys(headers)) metadata[name.toLowerCase()] = headers[name] as string;
      this.#route = {
        kind: 'grpc',
        transport: undefined,
        target,
        address: target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`,
        metadata: config.headers === undefined ? undefined : Object.freeze(metadata),
      };
      if (transport !== undefined) this.#route.transport = Promise.resolve(this.connectGrpc(transport, target));
    }
  }

  /**
   * The collector URL (Thrift) or `host:port` (gRPC) requests go to, as it may be shown: without
   * userinfo, query values replaced by `REDACTED` (requests go to the full URL).
   */
  get target(): string {
    const route = this.#route;
    return route.kind === 'http' ? redactUrl(route.url) : route.address;
  }

  /** What `util.inspect` (and `console.log`) shows: the format, the shown target and header names, no values. */
  [INSPECT_CUSTOM](): string {
    const route = this.#route;
    const names = Object.keys((route.kind === 'http' ? route.headers : route.metadata) ?? {});
    return `JaegerExporter { format: '${this.format}', target: '${this.target}', headers: [${names.join(', ')}] }`;
  }

  protected send(spans: readonly Span[], options: ExportOptions): Promise<ExportResult> {
    const route = this.#route;
    return route.kind === 'http' ? this.sendThrift(route, spans, options) : this.sendGrpc(route, spans, options);
  }

  private async sendThrift(route: HttpRoute, spans: readonly Span[], options: ExportOptions): Promise<ExportResult> {
    // A Thrift batch has one process, so spans of several services go as one batch each.
    const groups = this.process.serviceName === undefined ? groupByService(spans) : undefined;
    if (groups === undefined) return this.postThrift(route, encodeJaegerThriftBatch(spans, this.process), options);
    for (const group of groups) {
      const result = await this.postThrift(route, encodeJaegerThriftBatch(group, this.process), options);
      if (!result.ok) return result;
    }
    return exportSucceeded();
  }

  private async postThrift(route: HttpRoute, body: Uint8Array, options: ExportOptions): Promise<ExportResult> {
    const result = await route.transport.send({
      url: route.url,
      method: 'POST',
      headers: route.headers,
      body,
      timeoutMs: this.timeoutMs,
      signal: options.signal,
      compression: this.compression,
    });
    return classifyHttpResult(result, retryOnServerErrors);
  }

  private async sendGrpc(route: GrpcRoute, spans: readonly Span[], options: ExportOptions): Promise<ExportResult> {
    route.transport ??= this.loadGrpcTransport(route.target);
    const transport = await route.transport;
    if (!transport.ok) return transport;
    if (this.isShutdown) return exportFailed('EXPORTER_SHUT_DOWN', 'exporter was shut down', false);
    const result = await transport.value.send({
      service: JAEGER_GRPC_SERVICE,
      method: JAEGER_GRPC_METHOD,
      body: encodeJaegerProtoPostSpans(spans, this.process),
      timeoutMs: this.timeoutMs,
      metadata: route.metadata,
      signal: options.signal,
      compression: this.compression,
    });
    return result.ok ? exportSucceeded() : classifyTransportError(result.error);
  }

  private async loadGrpcTransport(target: GrpcTarget): Promise<Result<GrpcTransport, ExportError>> {
    const loaded = await loadDefaultGrpcTransport();
    return loaded.ok ? this.connectGrpc(loaded.value, target) : loaded;
  }

  /** Points the transport at the collector; returns the transport, or why it cannot be used. */
  private connectGrpc(transport: GrpcTransport, target: GrpcTarget): Result<GrpcTransport, ExportError> {
    const connected = transport.connect(target.host, target.port);
    if (connected.ok) return ok(transport);
    return err(new ExportError('GRPC_CONNECT_FAILED', `cannot use gRPC target ${this.target}: ${connected.error.message}`, false));
  }

  override async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await super.shutdown();
    if (!this.ownsTransport) return;
    this.ownsTransport = false;
    const route = this.#route;
    if (route.kind === 'http') {
      await route.transport.close();
    } else if (route.transport !== undefined) {
      const transport = await route.transport;
      if (transport.ok) await transport.value.close();
    }
  }
}

/** `new JaegerExporter(options)`, as a function. */
export function createJaegerExporter(options: JaegerExporterOptions): JaegerExporter {
  return new JaegerExporter(options);
}

/** Splits spans by service name, keeping order; `undefined` when they share one (the usual case). */
function groupByService(spans: readonly Span[]): Span[][] | undefined {
  const first = spans[0]?.serviceName;
  let mixed = false;
  for (let i = 1; i < spans.length; i++) {
    if ((spans[i] as Span).serviceName !== first) {
      mixed = true;
      break;
    }
  }
  if (!mixed) return undefined;
  const groups = new Map<string, Span[]>();
  for (const span of spans) {
    const group = groups.get(span.serviceName);
    if (group === undefined) groups.set(span.serviceName, [span]);
    else group.push(span);
  }
  return [...groups.values()];
}

/** `http(s)://host[:port][/path]` → the full /api/traces URL, port 14268 when none is given. */
function resolveThriftUrl(endpoint: unknown): string {
  if (typeof endpoint !== 'string' || endpoint.trim() === '')
    throw new ConfigError('JaegerExporter endpoint must be a non-empty URL, e.g. http://jaeger:14268');
  const text = endpoint.trim();
  const withScheme = text.includes('://') ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // The text is not shown: an endpoint may carry credentials.
    throw new ConfigError('JaegerExporter endpoint is not a valid URL; use e.g. http://jaeger:14268');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`JaegerExporter jaeger_thrift endpoint must be http:// or https://, got ${url.protocol}`);
  }
  // URL drops a port equal to the scheme's default, so look at what was written.
  const authority = withScheme.slice(withScheme.indexOf('://') + 3).split(/[/?#]/, 1)[0] ?? '';
  if (!/:\d+$/.test(authority)) url.port = String(JAEGER_THRIFT_HTTP_PORT);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(JAEGER_THRIFT_PATH)) url.pathname = path + JAEGER_THRIFT_PATH;
  return url.toString();
}

/** `host[:port]`, `[v6]:port` or a URL form (`grpc://`, `http://`) → host and port (default 14250). */
function resolveGrpcTarget(endpoint: unknown): GrpcTarget {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') throw new ConfigError('JaegerExporter endpoint must be host:port, e.g. jaeger:14250');
  let text = endpoint.trim();
  const scheme = text.indexOf('://');
  if (scheme >= 0) text = text.slice(scheme + 3);
  text = text.replace(/\/+$/, '');
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') === colon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    } else {
      host = text;
    }
  }
  if (host === '' || /[\s/]/.test(host))
    throw new ConfigError(`JaegerExporter jaeger_grpc endpoint must be host:port, got ${JSON.stringify(redactUrl(endpoint))}`);
  const port = portText === undefined ? JAEGER_GRPC_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || (portText !== undefined && !/^\d+$/.test(portText))) {
    throw new ConfigError(`JaegerExporter jaeger_grpc endpoint has an invalid port: ${JSON.stringify(redactUrl(endpoint))}`);
  }
  return { host, port };
}
