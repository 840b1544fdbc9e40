// The two transport contracts exporters send bytes through. Serialization stays in the
// exporters; the real clients live in @trace/transport-http and @trace/transport-grpc.
import { ExportError, type ExportResult, exportFailed, exportSucceeded } from './export/exporter.js';
import { type Result, TraceError } from './result.js';

/** What went wrong below HTTP or gRPC status level. */
export type TransportErrorKind =
  | 'timeout'
  | 'aborted'
  | 'connection'
  | 'tls'
  | 'protocol'
  | 'response-too-large'
  | 'invalid-request'
  | 'closed'
  | 'grpc-status';

/** A request that produced no usable response. Messages never contain header values. */
export class TransportError extends TraceError {
  readonly kind: TransportErrorKind;
  readonly retryable: boolean;
  /** gRPC status code, for `kind: 'grpc-status'`. */
  readonly grpcCode: number | undefined;
  /** Delay the server asked for before retrying, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: TransportErrorKind, message: string, retryable: boolean, details: { grpcCode?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(`TRANSPORT_${kind.toUpperCase().replace(/-/g, '_')}`, message, { cause: details.cause });
    this.name = 'TransportError';
    this.kind = kind;
    this.retryable = retryable;
    this.grpcCode = details.grpcCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export interface HttpRequest {
  url: string;
  /** Default `POST`. */
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array | string;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Cancels the request and frees its socket. */
  signal?: AbortSignal;
  /** Compress the body with gzip and send `Content-Encoding: gzip`. */
  compression?: 'gzip' | 'none';
}

export interface HttpResponse {
  status: number;
  /** Lowercase header names. */
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
}

/** Counters every transport keeps. */
/** A transport's figures at one moment: a copy, not the live counters. */
export interface TransportStatistics {
  readonly requestsSent: number;
  readonly bytesSent: number;
  readonly sendFailures: number;
  /** Responses by HTTP status or gRPC status name. */
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly lastError: string | undefined;
}

/** The live counters behind {@link TransportStatistics}, for transport implementations. */
export interface TransportCounters {
  requestsSent: number;
  bytesSent: number;
  sendFailures: number;
  statusCounts: Record<string, number>;
  lastError: string | undefined;
}

/** Sends one HTTP request. Any response, whatever its status, is `ok`; no response is an error. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<Result<HttpResponse, TransportError>>;
  getStatistics(): TransportStatistics;
  close(): Promise<void>;
}

export interface GrpcRequest {
  /** Fully qualified service, e.g. `opentelemetry.proto.collector.trace.v1.TraceService`. */
  service: string;
  method: string;
  /** The serialized request message. */
  body: Uint8Array;
  /** Deadline from now, in ms. */
  timeoutMs?: number;
  metadata?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  compression?: 'gzip' | 'none';
}

export interface GrpcResponse {
  /** The serialized response message. */
  body: Uint8Array;
}

/** Sends unary gRPC calls of raw bytes. A non-OK status is an error with `kind: 'grpc-status'`. */
export interface GrpcTransport {
  /** Sets the target; the channel connects lazily. Invalid host or port is an error. */
  connect(host: string, port: number): Result;
  send(request: GrpcRequest): Promise<Result<GrpcResponse, TransportError>>;
  getStatistics(): TransportStatistics;
  close(): Promise<void>;
}

/** A fresh zeroed {@link TransportStatistics}. */
export function createTransportStatistics(): TransportCounters {
  return { requestsSent: 0, bytesSent: 0, sendFailures: 0, statusCounts: {}, lastError: undefined };
}

/** A copy of `counters` that later sends do not change. */
export function snapshotTransportStatistics(counters: TransportCounters): TransportStatistics {
  return { ...counters, statusCounts: { ...counters.statusCounts } };
}

/**
 * Parses `Retry-After` (delay-seconds or an HTTP date) to milliseconds from `nowMs`. Returns
 * `undefined` for a missing or unreadable value.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Which HTTP statuses a backend wants retried. */
export type RetryableStatusPredicate = (status: number) => boolean;

/** HTTP 429 and every 5xx are worth retrying, every other status is not: the rule of the Zipkin and Jaeger exporters. */
export const retryOnServerErrors: RetryableStatusPredicate = (status) => status === 429 || (status >= 500 && status <= 599);

/** HTTP 429, 502, 503, 504: the OTLP specification's retryable statuses. */
export const retryOnOtlpStatuses: RetryableStatusPredicate = (status) => status === 429 || status === 502 || status === 503 || status === 504;

/**
 * Turns a transport outcome into an {@link ExportResult}: 2xx succeeds; a retryable status fails
 * retryably with the server's `Retry-After`; other statuses fail for good; a transport error
 * keeps its own classification.
 */
export function classifyHttpResult(result: Result<HttpResponse, TransportError>, isRetryable: RetryableStatusPredicate = retryOnServerErrors): ExportResult {
  if (!result.ok) return classifyTransportError(result.error);
  const { status, headers } = result.value;
  if (status >= 200 && status <= 299) return exportSucceeded();
  const retryable = isRetryable(status);
  return exportFailed(`HTTP_${status}`, `backend answered HTTP ${status}`, retryable, retryable ? parseRetryAfter(headers['retry-after']) : undefined);
}

/** An {@link ExportResult} for a request that got no usable response. */
export function classifyTransportError(error: TransportError): ExportResult {
  return { ok: false, error: new ExportError(error.code, error.message, error.retryable, error.retryAfterMs, { cause: error }) };
}
