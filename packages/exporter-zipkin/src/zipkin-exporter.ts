// The Zipkin exporter: encodes one batch, POSTs it to /api/v2/spans, classifies the
// answer. Queueing, batching and retries are the tracer's export pipeline's.
import {
  BaseSpanExporter,
  ConfigError,
  type ExportOptions,
  type ExportResult,
  type HttpTransport,
  type Span,
  type TagValue,
  type TransportStatistics,
} from '@trace/core';
import {
  DEFAULT_EXPORT_TIMEOUT_MS,
  classifyHttpResult,
  retryOnServerErrors,
  INSPECT_CUSTOM,
  JsonBytesWriter,
  redactUrl,
  validateHeaders,
} from '@trace/core/encoding';
import { createDefaultTransport } from '@trace/transport-http';
import { encodeZipkinJsonBytes, encodeZipkinJsonInto } from './json-encoder.js';
import { encodeZipkinProto } from './proto-encoder.js';
import { type ZipkinEncodeOptions, type ZipkinEndpointAddress, localAddress } from './span-facts.js';

/** The two Zipkin wire formats. */
export type ZipkinFormat = 'zipkin_json' | 'zipkin_protobuf';

/**
 * Options of {@link ZipkinExporter}: the shape every exporter of the toolkit takes (`format`,
 * `endpoint`, `headers`, `compression`, `timeoutMs`, `resource`, `transport`), plus Zipkin's own
 * `serviceName` and `localEndpoint`.
 */
export interface ZipkinExporterOptions {
  /** `zipkin_json` (default) or `zipkin_protobuf`. */
  format?: ZipkinFormat;
  /** `http(s)://host:port[/base]` of the Zipkin server (Zipkin listens on 9411). */
  endpoint: string;
  /** Extra request headers, e.g. `Authorization`. Their values never appear in errors, statistics or `util.inspect`. */
  headers?: Readonly<Record<string, string>>;
  /** `gzip` the body, or `none` (default). */
  compression?: 'gzip' | 'none';
  /** Deadline of one request, in ms. Default 30000. */
  timeoutMs?: number;
  /**
   * Attributes of the process the spans come from. Zipkin v2 has no place for them (spans carry
   * their own service name), so they are not sent; accepted so every exporter takes one shape.
   */
  resource?: { readonly attributes: Readonly<Record<string, TagValue>> };
  /** The HTTP transport. Default: `createDefaultTransport()`, owned and closed by the exporter. */
  transport?: HttpTransport;
  /** Written as every span's `localEndpoint.serviceName` instead of the span's own. */
  serviceName?: string;
  /**
   * Address of this host, written into every span's `localEndpoint` next to the service name
   * (Zipkin shows it and uses it to tell instances apart). Default: none.
   */
  localEndpoint?: ZipkinEndpointAddress;
}

/** Zipkin's HTTP path for spans (zipkin2-api.yaml `POST /spans` under `basePath: /api/v2`). */
export const ZIPKIN_SPANS_PATH = '/api/v2/spans';

/** Idle body writers kept for reuse: one export is in flight by default, a second may overlap. */
const MAX_IDLE_WRITERS = 2;

const CONTENT_TYPE: Readonly<Record<ZipkinFormat, string>> = Object.freeze({
  zipkin_json: 'application/json',
  zipkin_protobuf: 'application/x-protobuf',
});

/**
 * Sends spans to a Zipkin server (or anything that speaks its v2 API) as JSON or protobuf.
 * Success is any 2xx (Zipkin answers 202); 5xx, 429 and connection errors are retryable, other
 * statuses are not. Construction throws a {@link ConfigError} for invalid config; exporting never
 * throws.
 *
 * The transport defaults to `createDefaultTransport()` of `@trace/transport-http`, which the
 * exporter then owns and closes on shutdown; a transport passed in is left open for its owner.
 */
export class ZipkinExporter extends BaseSpanExporter {
  readonly format: ZipkinFormat;
  // The URL and headers may carry credentials, and so may the transport's sockets (the last
  // request's headers): kept in private fields, which neither `util.inspect` nor
  // `JSON.stringify` nor `Object.keys` can see.
  readonly #url: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #transport: HttpTransport;
  private readonly ownsTransport: boolean;
  private readonly timeoutMs: number;
  private readonly compression: 'gzip' | 'none';
  private readonly encodeOptions: ZipkinEncodeOptions;
  /** JSON body buffers not in use by an export in flight (only with the exporter's own transport). */
  private idleWriters: JsonBytesWriter[] = [];

  constructor(config: ZipkinExporterOptions) {
    super();
    if (config === null || typeof config !== 'object') throw new ConfigError('ZipkinExporter needs an options object');
    const format = config.format ?? 'zipkin_json';
    if (format !== 'zipkin_json' && format !== 'zipkin_protobuf') {
      throw new ConfigError(`ZipkinExporter format must be 'zipkin_json' or 'zipkin_protobuf', got ${String(format)}`);
    }
    this.format = format;
    this.#url = zipkinSpansUrl(config.endpoint);
    this.timeoutMs = config.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    if (typeof this.timeoutMs !== 'number' || !(this.timeoutMs > 0) || !Number.isFinite(this.timeoutMs)) {
      throw new ConfigError(`ZipkinExporter timeoutMs must be a finite number > 0, got ${String(config.timeoutMs)}`);
    }
    this.compression = compressionOf(config.compression);
    this.#headers = buildHeaders(config.headers, CONTENT_TYPE[format]);
    if (config.serviceName !== undefined && typeof config.serviceName !== 'string') {
      throw new ConfigError('ZipkinExporter serviceName must be a string');
    }
    validateLocalEndpoint(config.localEndpoint);
    this.encodeOptions = { serviceName: config.serviceName, localEndpoint: config.localEndpoint };
    const transport = config.transport;
    if (transport === undefined) {
      this.#transport = createDefaultTransport();
      this.ownsTransport = true;
    } else {
      this.#transport = transport;
      this.ownsTransport = false;
    }
  }

  protected async send(spans: readonly Span[], options: ExportOptions): Promise<ExportResult> {
    if (this.format === 'zipkin_protobuf') return this.post(encodeZipkinProto(spans, this.encodeOptions), options);
    // A transport passed in may keep the body after send settles (a test's recorder does): it
    // gets a copy of its own.
    if (!this.ownsTransport) return this.post(encodeZipkinJsonBytes(spans, this.encodeOptions), options);
    // The exporter's own transport is done with a body once send settles, so the body is written
    // into a buffer of the exporter's and sent from there: no fresh ~240 KB copy per batch.
    const writer = this.idleWriters.pop() ?? new JsonBytesWriter();
    try {
      return await this.post(encodeZipkinJsonInto(writer, spans, this.encodeOptions), options);
    } finally {
      if (this.idleWriters.length < MAX_IDLE_WRITERS && !this.isShutdown) {
        // reset() lets go of a buffer one huge batch grew past 4 MiB now, not at the next export.
        writer.reset();
        this.idleWriters.push(writer);
      }
    }
  }

  private async post(body: Uint8Array, options: ExportOptions): Promise<ExportResult> {
    const result = await this.#transport.send({
      url: this.#url,
      method: 'POST',
      headers: this.#headers,
      body,
      timeoutMs: this.timeoutMs,
      signal: options.signal,
      compression: this.compression,
    });
    return classifyHttpResult(result, retryOnServerErrors);
  }

  /**
   * The URL spans are POSTed to, as it may be shown: without userinfo, query values replaced by
   * `REDACTED` (the request itself goes to the full URL).
   */
  get url(): string {
    return redactUrl(this.#url);
  }

  /** What `util.inspect` (and `console.log`) shows: the format, the shown URL and header names, no values. */
  [INSPECT_CUSTOM](): string {
    return `ZipkinExporter { format: '${this.format}', url: '${this.url}', headers: [${Object.keys(this.#headers).join(', ')}] }`;
  }

  /** The transport's figures: requests, bytes, failures, answers by status. */
  getTransportStatistics(): TransportStatistics {
    return this.#transport.getStatistics();
  }

  override async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await super.shutdown();
    this.idleWriters = [];
    if (this.ownsTransport) await this.#transport.close();
  }
}

/** `new ZipkinExporter(options)`, as a function. */
export function createZipkinExporter(options: ZipkinExporterOptions): ZipkinExporter {
  return new ZipkinExporter(options);
}

/** `gzip` or `none` (the default); anything else is a configuration error. */
function compressionOf(value: unknown): 'gzip' | 'none' {
  if (value === undefined || value === 'none') return 'none';
  if (value === 'gzip') return 'gzip';
  throw new ConfigError(`ZipkinExporter compression must be 'gzip' or 'none', got ${String(value)}`);
}

/** `{endpoint}/api/v2/spans`, or `endpoint` itself when it already ends in that path. */
function zipkinSpansUrl(endpoint: unknown): string {
  if (typeof endpoint !== 'string' || endpoint === '') throw new ConfigError('ZipkinExporter endpoint must be a URL such as http://zipkin:9411');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    // The text is not shown: an endpoint may carry credentials.
    throw new ConfigError('ZipkinExporter endpoint is not a valid URL; use e.g. http://zipkin:9411');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`ZipkinExporter endpoint must use http: or https:, got ${url.protocol}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(ZIPKIN_SPANS_PATH) ? path : path + ZIPKIN_SPANS_PATH;
  return url.toString();
}

/** Custom headers (core's one header rule) plus the content type, which the format decides (a custom one is replaced). */
function buildHeaders(custom: Readonly<Record<string, string>> | undefined, contentType: string): Readonly<Record<string, string>> {
  const headers = validateHeaders(custom, 'ZipkinExporter');
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
  headers['content-type'] = contentType;
  return Object.freeze(headers);
}

function validateLocalEndpoint(endpoint: ZipkinEndpointAddress | undefined): void {
  if (endpoint === undefined) return;
  if (endpoint === null || typeof endpoint !== 'object') throw new ConfigError('ZipkinExporter localEndpoint must be an object');
  const parsed = localAddress({ localEndpoint: endpoint });
  if (endpoint.ipv4 !== undefined && parsed.ipv4 === undefined) {
    throw new ConfigError(`ZipkinExporter localEndpoint.ipv4 is not an IPv4 address: ${String(endpoint.ipv4)}`);
  }
  if (endpoint.ipv6 !== undefined && parsed.ipv6 === undefined) {
    throw new ConfigError(`ZipkinExporter localEndpoint.ipv6 is not an IPv6 address: ${String(endpoint.ipv6)}`);
  }
  if (endpoint.port !== undefined && parsed.port === 0) {
    throw new ConfigError(`ZipkinExporter localEndpoint.port must be an integer in 1-65535, got ${String(endpoint.port)}`);
  }
}
