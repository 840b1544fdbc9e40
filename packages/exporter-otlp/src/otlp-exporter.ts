// The OTLP exporter: spans (and, for the compatibility layer, metrics) to an
// OpenTelemetry Collector or any OTLP receiver over gRPC, HTTP+protobuf or HTTP+JSON.
import {
  BaseSpanExporter,
  ConfigError,
  type Err,
  ExportError,
  type ExportOptions,
  type ExportResult,
  type GrpcTransport,
  type HttpResponse,
  type HttpTransport,
  type Result,
  type Span,
  err,
  exportSucceeded,
  ok,
} from '@trace/core';
import {
  DEFAULT_EXPORT_TIMEOUT_MS,
  classifyHttpResult,
  classifyTransportError,
  retryOnOtlpStatuses,
  INSPECT_CUSTOM,
  redactUrl,
  validateHeaders,
  ProtoWriter,
} from '@trace/core/encoding';
import { type MetricsExporter, type OtelResource, createServiceResource } from '@trace/otel-adapter';
import { createDefaultTransport } from '@trace/transport-http';
import { DEFAULT_MAX_REQUEST_BYTES, type EncodedBatch } from './encoded-batch.js';
import { type GrpcTarget, type HttpEndpoints, resolveGrpcTarget, resolveHttpEndpoints } from './endpoint.js';
import { loadDefaultGrpcTransport } from './grpc-transport-loader.js';
import { type OtlpMetricData, encodeOtlpMetricsJson, encodeOtlpMetricsProtobuf } from './metrics.js';
import { type PartialSuccess, decodeJsonPartialSuccess, decodeProtobufPartialSuccess } from './partial-success.js';
import { ResourceCatalog } from './resource-catalog.js';
import { encodeTraceJsonBatch } from './trace-json.js';
import { encodeTraceProtobufBatch } from './trace-protobuf.js';

/** The three OTLP wire formats. */
export type OtlpExportFormat = 'otlp_grpc' | 'otlp_http_protobuf' | 'otlp_http_json';

/**
 * Options of {@link OtlpExporter}: the shape every exporter of the toolkit takes (`format`,
 * `endpoint`, `headers`, `compression`, `timeoutMs`, `resource`, `transport`), plus OTLP's
 * `serviceName` and `maxRequestBytes`.
 */
export interface OtlpExporterOptions {
  /** `otlp_http_protobuf` (default), `otlp_http_json` or `otlp_grpc`. */
  format?: OtlpExportFormat;
  /** `http(s)://host:4318[/base]` for the HTTP formats, `host:4317` for gRPC. */
  endpoint: string;
  /** HTTP headers or gRPC metadata. Their values never appear in errors, statistics or `util.inspect`. */
  headers?: Readonly<Record<string, string>>;
  /** `gzip` the body, or `none` (default). */
  compression?: 'gzip' | 'none';
  /** Deadline of one request, in ms. Default 30000. */
  timeoutMs?: number;
  /**
   * The resource spans are sent under (see `createServiceResource`); a span of another service
   * is sent under the same resource with its own `service.name`. Default: a resource whose
   * `service.name` is `serviceName`, else `unknown_service:node`.
   */
  resource?: OtelResource;
  /**
   * An `HttpTransport` for the HTTP formats or a `GrpcTransport` for `otlp_grpc`. Default:
   * `createDefaultTransport()` / `@trace/transport-grpc`'s default, owned and closed by the exporter.
   */
  transport?: HttpTransport | GrpcTransport;
  /** Overrides each span's service name. */
  serviceName?: string;
  /**
   * Largest request body in bytes (before compression). Bigger batches are split across requests;
   * a span too large to fit alone is dropped and counted as `spanTooLarge`. Default 4 MiB.
   */
  maxRequestBytes?: number;
}

/** gRPC service of OTLP traces. */
export const OTLP_TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';
/** gRPC service of OTLP metrics. */
export const OTLP_METRICS_SERVICE = 'opentelemetry.proto.collector.metrics.v1.MetricsService';

/** How each format travels: the transport kind and the body encoding. */
const FORMATS: Readonly<Record<OtlpExportFormat, { readonly transport: 'http' | 'grpc'; readonly encoding: 'protobuf' | 'json' }>> = Object.freeze({
  otlp_grpc: { transport: 'grpc', encoding: 'protobuf' },
  otlp_http_protobuf: { transport: 'http', encoding: 'protobuf' },
  otlp_http_json: { transport: 'http', encoding: 'json' },
});
const FORMAT_NAMES = Object.keys(FORMATS) as OtlpExportFormat[];
const CONTENT_TYPE_PROTOBUF = 'application/x-protobuf';
const CONTENT_TYPE_JSON = 'application/json';
// The smallest body limit that still holds the request wrapper and a modest span.
const MIN_REQUEST_BYTES = 1024;

/** A successful metrics export; `rejectedDataPoints` > 0 for a partial success. */
export interface MetricsExportSuccess {
  rejectedDataPoints: number;
  message: string | undefined;
}

/** Outcome of {@link OtlpExporter.exportMetrics}. */
export type MetricsExportResult = Result<MetricsExportSuccess, ExportError>;

/** A send outcome before it becomes an {@link ExportResult}: the partial success, or the failure. */
type SendOutcome = Result<PartialSuccess, ExportError>;

/** A failure that is not worth retrying. */
function failure(code: string, message: string): Err<ExportError> {
  return err(new ExportError(code, message, false));
}

/** A classified failure as a {@link SendOutcome} (a success here would be a core bug: treated as fatal). */
function asFailure(result: ExportResult): Err<ExportError> {
  return result.ok ? failure('EXPORT_CLASSIFICATION', 'an error response was classified as success') : result;
}

/**
 * Where and how requests go, per transport kind. The URLs, headers and metadata may carry
 * credentials; the exporter keeps its route in a private field, which neither `util.inspect` nor
 * `JSON.stringify` nor `Object.keys` can see.
 */
interface HttpRoute {
  readonly kind: 'http';
  readonly transport: HttpTransport;
  readonly endpoints: HttpEndpoints;
  readonly headers: Readonly<Record<string, string>>;
}
interface GrpcRoute {
  readonly kind: 'grpc';
  /** A transport passed in (the caller's to close). */
  readonly given: GrpcTransport | undefined;
  /** The connected transport, or why there is none; made on the first export. */
  connected: Promise<Result<GrpcTransport, ExportError>> | undefined;
  /** Whether the exporter made the transport (and closes it). */
  owned: boolean;
  readonly target: GrpcTarget;
  readonly metadata: Readonly<Record<string, string>>;
}
type Route = HttpRoute | GrpcRoute;

/** A gRPC transport tells itself apart by `connect`, which an HTTP transport lacks. */
function isGrpcTransport(transport: HttpTransport | GrpcTransport): transport is GrpcTransport {
  return typeof (transport as Partial<GrpcTransport>).connect === 'function';
}

/**
 * Exports spans over OTLP. Spans are grouped per resource and
 * instrumentation scope, encoded in one pass, split so that no request body exceeds
 * `maxRequestBytes`, and sent once per pipeline attempt; the outcome is classified by the OTLP
 * retry rules (HTTP 429/502/503/504 with `Retry-After`; the gRPC statuses the gRPC transport
 * marks retryable). Partial successes land in the statistics as rejected spans.
 *
 * `otlp_grpc` needs the optional peer `@trace/transport-grpc`, loaded on first export when no
 * transport is given.
 */
export class OtlpExporter extends BaseSpanExporter {
  readonly format: OtlpExportFormat;
  readonly resource: OtelResource;
  private readonly catalog: ResourceCatalog;
  private readonly timeoutMs: number;
  private readonly compression: 'gzip' | 'none';
  private readonly maxRequestBytes: number;
  private readonly writer = new ProtoWriter();
  readonly #route: Route;
  /** `json` for `otlp_http_json`, else `protobuf`. */
  private readonly encoding: 'protobuf' | 'json';
  private readonly ownsTransport: boolean;
  private writerBusy = false;

  /** @throws ConfigError for an unknown format, a bad endpoint, headers, resource, compression or size bound. */
  constructor(config: OtlpExporterOptions) {
    super();
    if (typeof config !== 'object' || config === null) throw new ConfigError('OtlpExporter needs an options object');
    const format = config.format ?? 'otlp_http_protobuf';
    if (!Object.hasOwn(FORMATS, format)) throw new ConfigError(`OTLP format must be one of ${FORMAT_NAMES.join(', ')}, got ${String(format)}`);
    if (config.serviceName !== undefined && (typeof config.serviceName !== 'string' || config.serviceName === '')) {
      throw new ConfigError('serviceName, when given, must be a non-empty string');
    }
    const resource = config.resource === undefined ? createServiceResource(config.serviceName ?? 'unknown_service:node', '') : config.resource;
    if (typeof resource !== 'object' || resource === null || typeof resource.attributes !== 'object' || resource.attributes === null) {
      throw new ConfigError('OtlpExporter resource must be { attributes, droppedAttributesCount } (see createServiceResource)');
    }
    const transport = config.transport;
    const compression = config.compression ?? 'none';
    if (compression !== 'gzip' && compression !== 'none')
      throw new ConfigError(`OtlpExporter compression must be 'gzip' or 'none', got ${String(compression)}`);
    const timeoutMs = config.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs))
      throw new ConfigError(`timeoutMs must be a number > 0, got ${String(timeoutMs)}`);
    const maxRequestBytes = config.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < MIN_REQUEST_BYTES) {
      throw new ConfigError(`maxRequestBytes must be an integer >= ${MIN_REQUEST_BYTES}, got ${String(maxRequestBytes)}`);
    }
    const headers = validateHeaders(config.headers, 'OtlpExporter');
    this.format = format;
    this.resource = resource;
    this.catalog = new ResourceCatalog(resource, config.serviceName);
    this.timeoutMs = timeoutMs;
    this.compression = compression;
    this.maxRequestBytes = maxRequestBytes;
    const { transport: kind, encoding } = FORMATS[format];
    this.encoding = encoding;
    this.ownsTransport = transport === undefined;
    if (kind === 'http') {
      if (transport !== undefined && isGrpcTransport(transport)) throw new ConfigError(`format ${format} needs an HttpTransport, got a gRPC transport`);
      // The format decides the content type: a custom one is replaced.
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
      headers['content-type'] = encoding === 'json' ? CONTENT_TYPE_JSON : CONTENT_TYPE_PROTOBUF;
      this.#route = {
        kind: 'http',
        transport: transport ?? createDefaultTransport(),
        endpoints: resolveHttpEndpoints(config.endpoint),
        headers: Object.freeze(headers),
      };
    } else {
      const target = resolveGrpcTarget(config.endpoint);
      if (transport !== undefined && !isGrpcTransport(transport))
        throw new ConfigError(`format ${format} needs a GrpcTransport (with connect), got an HTTP transport`);
      // gRPC metadata keys are lowercase.
      const metadata: Record<string, string> = {};
      for (const name of Object.keys(headers)) metadata[name.toLowerCase()] = headers[name] as string;
      this.#route = { kind: 'grpc', given: transport, connected: undefined, owned: false, target, metadata: Object.freeze(metadata) };
    }
  }

  /**
   * Where trace requests go: the `/v1/traces` URL, or `host:port` for gRPC, as it may be shown
   * (query values replaced by `REDACTED`; requests go to the full URL).
   */
  get tracesTarget(): string {
    const route = this.#route;
    return route.kind === 'http' ? redactUrl(route.endpoints.traces) : `${route.target.host}:${route.target.port}`;
  }

  /** What `util.inspect` (and `console.log`) shows: the format, the shown target and header names, no values. */
  [INSPECT_CUSTOM](): string {
    const route = this.#route;
    const names = Object.keys(route.kind === 'http' ? route.headers : route.metadata);
    return `OtlpExporter { format: '${this.format}', target: '${this.tracesTarget}', headers: [${names.join(', ')}] }`;
  }

  protected async send(spans: readonly Span[], options: ExportOptions): Promise<ExportResult> {
    // The exporter's own HTTP transport is done with a body once send settles, so the last (usually
    // only) body is sent from the exporter's buffer, held until then: no fresh copy of every body.
    // A transport passed in may keep the body (a test's recorder does), and gRPC may still hold
    // a cancelled message: those get copies.
    const inPlace = this.encoding === 'protobuf' && this.ownsTransport && this.#route.kind === 'http' && !this.writerBusy;
    if (inPlace) this.writerBusy = true;
    try {
      const batch = inPlace ? encodeTraceProtobufBatch(this.writer, spans, this.catalog, this.maxRequestBytes, true) : this.encode(spans);
      let rejected = 0;
      let message: string | undefined;
      for (let i = 0; i < batch.bodies.length; i++) {
        const outcome = await this.sendBody('traces', batch.bodies[i] as Uint8Array, options.signal);
        if (!outcome.ok) return outcome;
        rejected += Math.min(outcome.value.rejected, batch.spanCounts[i] as number);
        if (outcome.value.message !== undefined) message = outcome.value.message;
      }
      // Spans too large to send even alone were left out: counted as dropped (`spanTooLarge`), not exported.
      return exportSucceeded({ rejectedSpans: rejected, message, droppedSpans: batch.tooLarge });
    } finally {
      if (inPlace) {
        // reset() lets go of a buffer one huge batch grew past 4 MiB now, not at the next export.
        this.writer.reset();
        this.writerBusy = false;
      }
    }
  }

  /**
   * Exports OTel metric data (as @trace/otel-adapter's metrics adapter produces it) to
   * `/v1/metrics` or `MetricsService/Export`, in this exporter's format. One request, no split.
   */
  async exportMetrics(metrics: readonly OtlpMetricData[], options: ExportOptions = {}): Promise<MetricsExportResult> {
    return this.exportMetricsOf(this.resource, metrics, options);
  }

  /**
   * This exporter as the metrics sink of @trace/otel-adapter's compatibility layer: metrics are
   * sent under the resource the layer gives (its service), through this exporter's transport.
   */
  asMetricsExporter(): MetricsExporter {
    return {
      exportMetrics: (resource, metrics, options) => this.exportMetricsOf(resource, metrics, options ?? {}),
    };
  }

  private async exportMetricsOf(resource: OtelResource, metrics: readonly OtlpMetricData[], options: ExportOptions): Promise<MetricsExportResult> {
    if (this.isShutdown) return failure('EXPORTER_SHUT_DOWN', 'exporter was shut down');
    if (!Array.isArray(metrics)) return failure('INVALID_METRICS', 'exportMetrics needs an array of metric data');
    if (metrics.length === 0) return ok({ rejectedDataPoints: 0, message: undefined });
    let body: Uint8Array | string;
    try {
      body = this.encoding === 'json' ? encodeOtlpMetricsJson(metrics, resource) : encodeOtlpMetricsProtobuf(metrics, resource);
    } catch (error) {
      return failure('INVALID_METRICS', `metric data could not be encoded: ${error instanceof Error ? error.message : String(error)}`);
    }
    const outcome = await this.sendBody('metrics', body, options.signal);
    if (!outcome.ok) return outcome;
    return ok({ rejectedDataPoints: outcome.value.rejected, message: outcome.value.message });
  }

  override async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await super.shutdown();
    try {
      const route = this.#route;
      if (route.kind === 'http') {
        if (this.ownsTransport) await route.transport.close();
      } else if (route.owned && route.connected !== undefined) {
        const loaded = await route.connected;
        if (loaded.ok) await loaded.value.close();
      }
    } catch {
      // Closing is best effort: the process is going away or the exporter is being replaced.
    }
  }

  private encode(spans: readonly Span[]): EncodedBatch<Uint8Array> {
    if (this.encoding === 'json') return encodeTraceJsonBatch(spans, this.catalog, this.maxRequestBytes);
    // Concurrent exports (maxConcurrentExports > 1) must not share the reusable buffer.
    if (this.writerBusy) return encodeTraceProtobufBatch(new ProtoWriter(), spans, this.catalog, this.maxRequestBytes);
    this.writerBusy = true;
    try {
      return encodeTraceProtobufBatch(this.writer, spans, this.catalog, this.maxRequestBytes);
    } finally {
      this.writerBusy = false;
    }
  }

  private async sendBody(signal: 'traces' | 'metrics', body: Uint8Array | string, abort: AbortSignal | undefined): Promise<SendOutcome> {
    const route = this.#route;
    if (route.kind === 'grpc') {
      // gRPC bodies are protobuf, never text.
      if (typeof body === 'string') return failure('EXPORT_ENCODING', 'a gRPC body must be protobuf bytes');
      return this.sendGrpc(route, signal, body, abort);
    }
    const response = await route.transport.send({
      url: signal === 'traces' ? route.endpoints.traces : route.endpoints.metrics,
      method: 'POST',
      headers: route.headers,
      body,
      timeoutMs: this.timeoutMs,
      signal: abort,
      compression: this.compression,
    });
    if (!response.ok) return asFailure(classifyTransportError(response.error));
    const status = response.value.status;
    if (status < 200 || status > 299) return asFailure(classifyHttpResult(response, retryOnOtlpStatuses));
    return ok(this.readPartialSuccess(response.value, signal));
  }

  private readPartialSuccess(response: HttpResponse, signal: 'traces' | 'metrics'): PartialSuccess {
    const contentType = response.headers['content-type'] ?? '';
    const json = this.encoding === 'json' ? !contentType.includes('protobuf') : contentType.includes('json');
    if (json) return decodeJsonPartialSuccess(response.body, signal === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints');
    return decodeProtobufPartialSuccess(response.body);
  }

  private async sendGrpc(route: GrpcRoute, signal: 'traces' | 'metrics', body: Uint8Array, abort: AbortSignal | undefined): Promise<SendOutcome> {
    route.connected ??= this.openGrpcTransport(route);
    const transport = await route.connected;
    if (!transport.ok) return transport;
    const response = await transport.value.send({
      service: signal === 'traces' ? OTLP_TRACE_SERVICE : OTLP_METRICS_SERVICE,
      method: 'Export',
      body,
      timeoutMs: this.timeoutMs,
      metadata: route.metadata,
      signal: abort,
      compression: this.compression,
    });
    if (!response.ok) return asFailure(classifyTransportError(response.error));
    return ok(decodeProtobufPartialSuccess(response.value.body));
  }

  /** The gRPC transport, connected to the target: the one given, or @trace/transport-grpc's default. */
  private async openGrpcTransport(route: GrpcRoute): Promise<Result<GrpcTransport, ExportError>> {
    let transport = route.given;
    if (transport === undefined) {
      const loaded = await loadDefaultGrpcTransport();
      if (!loaded.ok) return loaded;
      transport = loaded.value;
      route.owned = true;
    }
    const target = route.target;
    const connected = transport.connect(target.host, target.port);
    if (!connected.ok) {
      return failure('GRPC_CONNECT_FAILED', `gRPC target ${target.host}:${target.port} was refused: ${connected.error.message}`);
    }
    return ok(transport);
  }
}

/** `new OtlpExporter(options)`, as a function. */
export function createOtlpExporter(options: OtlpExporterOptions): OtlpExporter {
  return new OtlpExporter(options);
}
