// The real GrpcTransport (seed §8 `network_grpc_transport`): unary calls of raw bytes over pooled
// grpc-js channels, with deadlines, cancellation, a connect timeout and statistics.
import {
  ConfigError,
  DEFAULT_EXPORT_TIMEOUT_MS,
  type GrpcRequest,
  type GrpcResponse,
  type GrpcTransport,
  type Result,
  TransportError,
  type TransportStatistics,
  createTransportStatistics,
  err,
  fail,
  ok,
} from '@trace/core';
import { type ClientUnaryCall, connectivityState, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type GrpcChannelConfig, GrpcChannelManager } from './channel-manager.js';
import { GrpcStatusCode, classifyGrpcStatus, grpcStatusName } from './grpc-status.js';

/** Options of {@link createDefaultGrpcTransport}: channel settings plus transport defaults. */
export interface GrpcTransportOptions extends GrpcChannelConfig {
  /** Deadline of a call whose request sets no `timeoutMs`. Default 30000 (core's export timeout). */
  defaultTimeoutMs?: number;
  /**
   * A pool shared with other transports. When set, the channel settings above are ignored (the
   * pool's own apply) and {@link GrpcTransport.close} leaves the pool open: its owner closes it.
   */
  channelManager?: GrpcChannelManager;
}

// Messages are already serialized by the exporters: grpc-js passes the bytes through untouched.
function serializeBytes(value: Buffer): Buffer {
  return value;
}
function deserializeBytes(value: Buffer): Buffer {
  return value;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A path segment of `/<service>/<method>`: non-empty, no slash, no whitespace. */
function isPathSegment(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !/[/\s]/.test(value);
}

/** Node / OpenSSL wording of certificate and handshake failures inside grpc-js's connection error. */
const TLS_FAILURE = /certificate|ssl|tls|handshake|self[- ]signed|CERT_|alert/i;
const CONNECTION_FAILURE_PREFIX = 'No connection established';
const MAX_DETAILS_LENGTH = 500;

/** Keeps the part of grpc-js's "No connection established. Last error: X. Resolution note: …" that names the cause. */
function connectionCause(details: string): string {
  const start = details.indexOf('Last error: ');
  if (start === -1) return details;
  const end = details.indexOf('. Resolution note', start);
  return details.slice(start + 'Last error: '.length, end === -1 ? undefined : end);
}

function firstBinary(metadata: Metadata | undefined, key: string): Uint8Array | undefined {
  const values = metadata?.get(key);
  const value = values?.[0];
  return value instanceof Uint8Array ? value : undefined;
}

/** Per-call state shared by the callback, the abort listener and the connect timer. */
interface CallState {
  call: ClientUnaryCall | undefined;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
  connectTimedOut: boolean;
  receivedHeaders: boolean;
}

/**
 * {@link GrpcTransport} on `@grpc/grpc-js`. Create it with {@link createDefaultGrpcTransport}.
 *
 * - `connect(host, port)` only validates and records the target; the channel dials on the first call.
 * - A channel found in a failed state is replaced before the call, so a restarted server is
 *   reached on the next call (the caller's retry policy paces the attempts, not grpc-js's backoff).
 * - Non-OK statuses are classified with {@link classifyGrpcStatus}; connection, TLS, deadline and
 *   abort failures get their own `TransportError` kind.
 */
export class DefaultGrpcTransport implements GrpcTransport {
  private readonly manager: GrpcChannelManager;
  private readonly ownsManager: boolean;
  private readonly defaultTimeoutMs: number;
  private readonly statistics = createTransportStatistics();
  private currentTarget: string | undefined;
  private closed = false;

  /** @throws ConfigError for invalid options. */
  constructor(options: GrpcTransportOptions = {}) {
    const { defaultTimeoutMs, channelManager, ...channelConfig } = options;
    if (defaultTimeoutMs !== undefined && (!Number.isFinite(defaultTimeoutMs) || defaultTimeoutMs <= 0)) {
      throw new ConfigError(`defaultTimeoutMs must be a positive number of milliseconds, got ${String(defaultTimeoutMs)}`);
    }
    this.defaultTimeoutMs = defaultTimeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    this.manager = channelManager ?? new GrpcChannelManager(channelConfig);
    this.ownsManager = channelManager === undefined;
  }

  /** The `host:port` set by {@link connect}, or `undefined`. */
  get target(): string | undefined {
    return this.currentTarget;
  }

  connect(host: string, port: number): Result {
    if (this.closed) return fail('TRANSPORT_CLOSED', 'transport is closed: create a new one');
    if (typeof host !== 'string' || host.length === 0 || /[\s/]/.test(host)) {
      return fail('INVALID_TARGET', `gRPC host must be a non-empty name or address without spaces or slashes, got ${JSON.stringify(host)}`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return fail('INVALID_TARGET', `gRPC port must be an integer from 1 to 65535, got ${String(port)}`);
    }
    // A bare IPv6 address needs brackets to be told apart from the port.
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.currentTarget = `${hostPart}:${port}`;
    return ok();
  }

  async send(request: GrpcRequest): Promise<Result<GrpcResponse, TransportError>> {
    if (this.closed) return this.failure(new TransportError('closed', 'transport is closed: create a new one', false));
    const target = this.currentTarget;
    if (target === undefined) return this.failure(new TransportError('invalid-request', 'no target: call connect(host, port) before send()', false));
    const invalid = validateRequest(request);
    if (invalid !== undefined) return this.failure(new TransportError('invalid-request', invalid, false));
    if (request.signal?.aborted)
      return this.failure(new TransportError('aborted', `gRPC call ${request.service}/${request.method} was aborted before it started`, true));

    const metadata = new Metadata();
    if (request.metadata !== undefined) {
      for (const key in request.metadata) {
        try {
          metadata.add(key, request.metadata[key] as string);
        } catch {
          // The message names the key only: metadata values are often credentials.
          return this.failure(
            new TransportError('invalid-request', `metadata key ${JSON.stringify(key)} is not a valid gRPC metadata key for a text value`, false),
          );
        }
      }
    }

    const selector = { compression: request.compression ?? this.manager.defaultCompression };
    let client = this.manager.getClient(target, selector);
    let state = client.getChannel().getConnectivityState(true);
    if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
      this.manager.resetChannel(target, selector);
      client = this.manager.getClient(target, selector);
      state = client.getChannel().getConnectivityState(true);
    }

    const timeoutMs = request.timeoutMs ?? this.defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const body = toBuffer(request.body);
    this.statistics.requestsSent++;
    this.statistics.bytesSent += body.length;

    const outcome = await new Promise<Result<GrpcResponse, TransportError>>((resolve) => {
      const callState: CallState = { call: undefined, connectTimer: undefined, connectTimedOut: false, receivedHeaders: false };
      const signal = request.signal;
      const onAbort = (): void => callState.call?.cancel();
      const path = `/${request.service}/${request.method}`;
      try {
        callState.call = client.makeUnaryRequest(path, serializeBytes, deserializeBytes, body, metadata, { deadline }, (error, response) => {
          if (callState.connectTimer !== undefined) clearTimeout(callState.connectTimer);
          signal?.removeEventListener('abort', onAbort);
          if (error === null && response !== undefined) {
            resolve(ok({ body: response }));
          } else {
            resolve(err(this.toTransportError(error ?? undefined, request, target, timeoutMs, deadline, callState)));
          }
        });
      } catch (cause) {
        resolve(err(new TransportError('invalid-request', `grpc-js refused the call ${path}: ${(cause as Error).message}`, false, { cause })));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      callState.call.on('metadata', () => {
        callState.receivedHeaders = true;
        if (callState.connectTimer !== undefined) clearTimeout(callState.connectTimer);
      });
      // grpc-js has no connect timeout: a call waits for a connection until its deadline. Fail
      // earlier when the channel is still not connected after connectTimeoutMs.
      const connectTimeoutMs = this.manager.connectTimeoutMs;
      if (state !== connectivityState.READY && connectTimeoutMs < timeoutMs) {
        const channel = client.getChannel();
        callState.connectTimer = setTimeout(() => {
          callState.connectTimer = undefined;
          if (callState.receivedHeaders || channel.getConnectivityState(false) === connectivityState.READY) return;
          callState.connectTimedOut = true;
          callState.call?.cancel();
        }, connectTimeoutMs);
        callState.connectTimer.unref?.();
      }
    });

    if (outcome.ok) {
      this.countStatus(GrpcStatusCode.OK);
      return outcome;
    }
    return this.failure(outcome.error);
  }

  getStatistics(): TransportStatistics {
    return { ...this.statistics, statusCounts: { ...this.statistics.statusCounts } };
  }

  /** Stops accepting calls and closes the channels this transport created. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsManager) this.manager.close();
  }

  private toTransportError(
    error: ServiceError | undefined,
    request: GrpcRequest,
    target: string,
    timeoutMs: number,
    deadline: number,
    callState: CallState,
  ): TransportError {
    const call = `${request.service}/${request.method}`;
    if (error === undefined) return new TransportError('protocol', `gRPC call ${call} ended without a response message`, true);
    const code = error.code;
    this.countStatus(code);
    if (request.signal?.aborted) return new TransportError('aborted', `gRPC call ${call} was aborted`, true, { grpcCode: code, cause: error });
    if (callState.connectTimedOut) {
      return new TransportError('connection', `could not connect to ${target} within ${this.manager.connectTimeoutMs} ms`, true, {
        grpcCode: code,
        cause: error,
      });
    }
    const details = typeof error.details === 'string' ? error.details.slice(0, MAX_DETAILS_LENGTH) : '';
    // grpc-js fires the deadline timer at (or just after) the deadline; allow for timer rounding.
    if (code === GrpcStatusCode.DEADLINE_EXCEEDED && Date.now() >= deadline - 5) {
      return new TransportError('timeout', `gRPC call ${call} to ${target} exceeded its ${timeoutMs} ms deadline`, true, { grpcCode: code, cause: error });
    }
    if (code === GrpcStatusCode.UNAVAILABLE && details.startsWith(CONNECTION_FAILURE_PREFIX) && !callState.receivedHeaders) {
      const cause = connectionCause(details);
      if (TLS_FAILURE.test(cause)) {
        return new TransportError('tls', `TLS handshake with ${target} failed: ${cause} (check rootCertificates and the server certificate)`, false, {
          grpcCode: code,
          cause: error,
        });
      }
      return new TransportError('connection', `could not connect to ${target}: ${cause}`, true, { grpcCode: code, cause: error });
    }
    const { retryable, retryAfterMs } = classifyGrpcStatus(code, firstBinary(error.metadata, 'grpc-status-details-bin'));
    const suffix = details.length > 0 ? `: ${details}` : '';
    return new TransportError('grpc-status', `gRPC call ${call} failed with ${grpcStatusName(code)} (${code})${suffix}`, retryable, {
      grpcCode: code,
      retryAfterMs,
      cause: error,
    });
  }

  private countStatus(code: number): void {
    const name = grpcStatusName(code);
    this.statistics.statusCounts[name] = (this.statistics.statusCounts[name] ?? 0) + 1;
  }

  private failure(error: TransportError): Result<GrpcResponse, TransportError> {
    this.statistics.sendFailures++;
    this.statistics.lastError = error.message;
    return err(error);
  }
}

function validateRequest(request: GrpcRequest): string | undefined {
  if (request === null || typeof request !== 'object') return 'request must be an object';
  if (!isPathSegment(request.service)) return `service must be a non-empty name without slashes or spaces, got ${JSON.stringify(request.service)}`;
  if (!isPathSegment(request.method)) return `method must be a non-empty name without slashes or spaces, got ${JSON.stringify(request.method)}`;
  if (!(request.body instanceof Uint8Array)) return 'body must be a Uint8Array holding the serialized request message';
  const timeoutMs = request.timeoutMs;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) return `timeoutMs must be a positive number, got ${String(timeoutMs)}`;
  const compression = request.compression;
  if (compression !== undefined && compression !== 'gzip' && compression !== 'none') return `compression must be 'gzip' or 'none', got ${String(compression)}`;
  return undefined;
}

/**
 * The real gRPC transport (seed `create_default_grpc_transport()`).
 *
 * @example
 * const transport = createDefaultGrpcTransport({ useTls: true, rootCertificates: caPem });
 * transport.connect('otel-collector', 4317);
 * const result = await transport.send({ service: 'opentelemetry.proto.collector.trace.v1.TraceService', method: 'Export', body });
 *
 * @throws ConfigError for invalid options.
 */
export function createDefaultGrpcTransport(options: GrpcTransportOptions = {}): DefaultGrpcTransport {
  return new DefaultGrpcTransport(options);
}
