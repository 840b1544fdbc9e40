// The real GrpcTransport: unary calls of raw bytes over pooled
// grpc-js channels, with deadlines, cancellation, a connect timeout and statistics.
//
//   send() ─ validate ─ wait for a connection (≤ connectTimeoutMs) ─ call (≤ deadline) ─ ok / err
//
// Nothing here keeps the process alive: the connection wait and the deadline are our own unref'd
// timers (grpc-js's deadline timer is ref'd, so grpc-js gets no deadline and the server learns it
// from the `grpc-timeout` header we set), and the channels' sockets are unref'd for good (see
// unref-credentials.ts). Nothing the server says in words (status message, trailers) is copied
// into an error: a server that echoes a token would leak it into logs.
import {
  ConfigError,
  type GrpcRequest,
  type GrpcResponse,
  type GrpcTransport,
  type Result,
  TransportError,
  type TransportStatistics,
  err,
  fail,
  ok,
} from '@trace/core';
import { DEFAULT_EXPORT_TIMEOUT_MS, createTransportStatistics, snapshotTransportStatistics } from '@trace/core/encoding';
import { inspect } from 'node:util';
import { type ChannelInterface, type ClientUnaryCall, Metadata, type ServiceError, connectivityState } from '@grpc/grpc-js';
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
  /**
   * Let a call in flight keep the Node.js process running until it ends (its deadline bounds it).
   * Default false: an exporter's call never delays the exit of an app whose own work is done; an
   * awaited flush or shutdown is what waits. Set it for scripts that `await send()` directly.
   */
  keepProcessAlive?: boolean;
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

// System error codes a failed connection can name. Only a code from this list is ever taken from
// grpc-js's text, never the text itself.
const CONNECTION_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'EPIPE',
];

/** The system error code named in a connection failure, if one of the known ones. */
function connectionCode(details: string): string | undefined {
  for (const code of CONNECTION_CODES) if (details.indexOf(code) !== -1) return code;
  return undefined;
}

/** What a TLS failure was about, in our words; the handshake's own text is not repeated. */
function tlsProblem(details: string): string {
  if (/self[- ]signed|unable to (get|verify)|UNABLE_TO|untrusted|unknown ca/i.test(details)) return 'the server certificate is not trusted';
  if (/altname|hostname|does not match|not in the cert/i.test(details)) return 'the server certificate does not name this host';
  if (/expired|not yet valid/i.test(details)) return 'the server certificate is not valid now';
  if (/certificate required|bad certificate|handshake failure/i.test(details)) return 'the server refused the handshake; check privateKey and certChain';
  return 'the handshake with the server failed';
}

/**
 * The `grpc-timeout` header value for `ms` (gRPC over HTTP/2: at most 8 digits and a unit).
 * grpc-js sets it from a call's deadline; calls here have no grpc-js deadline, so it is set here.
 */
function grpcTimeout(ms: number): string {
  const millis = Math.max(1, Math.ceil(ms));
  if (millis < 1e8) return `${millis}m`;
  const seconds = Math.ceil(millis / 1000);
  if (seconds < 1e8) return `${seconds}S`;
  return `${Math.min(99_999_999, Math.ceil(seconds / 3600))}H`;
}

function firstBinary(metadata: Metadata | undefined, key: string): Uint8Array | undefined {
  const values = metadata?.get(key);
  const value = values?.[0];
  return value instanceof Uint8Array ? value : undefined;
}

function noop(): void {}

type ConnectionWait = 'ready' | 'failed' | 'timeout' | 'aborted';

/**
 * Waits until `channel` is connected (or has failed to connect) without queueing a call on it: a
 * call waiting for a connection makes grpc-js ref a timer that holds the process open, while a
 * connectivity watch holds nothing. Ends early at `limitMs` (an unref'd timer) or on `signal`.
 */
function waitForConnection(channel: ChannelInterface, limitMs: number, signal: AbortSignal | undefined): Promise<ConnectionWait> {
  const first = channel.getConnectivityState(true);
  if (first === connectivityState.READY) return Promise.resolve('ready');
  if (first === connectivityState.TRANSIENT_FAILURE || first === connectivityState.SHUTDOWN) return Promise.resolve('failed');
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ConnectionWait): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), limitMs);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    const check = (): void => {
      if (settled) return;
      const state = channel.getConnectivityState(true);
      if (state === connectivityState.READY) {
        finish('ready');
        return;
      }
      if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
        finish('failed');
        return;
      }
      try {
        channel.watchConnectivityState(state, Number.POSITIVE_INFINITY, check);
      } catch {
        finish('failed');
      }
    };
    check();
  });
}

/** Per-call state shared by the callback, the abort listener and the deadline timer. */
interface CallState {
  call: ClientUnaryCall | undefined;
  timedOut: boolean;
  connectTimedOut: boolean;
  receivedHeaders: boolean;
}

/**
 * {@link GrpcTransport} on `@grpc/grpc-js`. Create it with {@link createDefaultGrpcTransport}.
 *
 * - `connect(host, port)` only validates and records the target; the channel dials on the first call.
 * - A channel found in a failed state, or still not connected after `connectTimeoutMs`, is replaced,
 *   so a restarted server is reached on the next call (the caller's retry policy paces the
 *   attempts, not grpc-js's backoff).
 * - Non-OK statuses are classified with {@link classifyGrpcStatus}; connection, TLS, deadline and
 *   abort failures get their own `TransportError` kind. Errors name the status code, never the
 *   server's status message or trailers.
 * - A call in flight never keeps the process alive unless `keepProcessAlive` is set.
 */
export class DefaultGrpcTransport implements GrpcTransport {
  // Private fields (not properties): the manager holds TLS key material.
  readonly #manager: GrpcChannelManager;
  readonly #ownsManager: boolean;
  readonly #defaultTimeoutMs: number;
  readonly #keepProcessAlive: boolean;
  readonly #statistics = createTransportStatistics();
  #currentTarget: string | undefined;
  #inFlight = 0;
  #closed = false;

  /** @throws ConfigError for invalid options. */
  constructor(options: GrpcTransportOptions = {}) {
    const { defaultTimeoutMs, channelManager, keepProcessAlive, ...channelConfig } = options;
    if (defaultTimeoutMs !== undefined && (!Number.isFinite(defaultTimeoutMs) || defaultTimeoutMs <= 0)) {
      throw new ConfigError(`defaultTimeoutMs must be a positive number of milliseconds, got ${String(defaultTimeoutMs)}`);
    }
    this.#defaultTimeoutMs = defaultTimeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    this.#keepProcessAlive = keepProcessAlive ?? false;
    this.#manager = channelManager ?? new GrpcChannelManager(channelConfig);
    this.#ownsManager = channelManager === undefined;
  }

  /** The `host:port` set by {@link connect}, or `undefined`. */
  get target(): string | undefined {
    return this.#currentTarget;
  }

  connect(host: string, port: number): Result {
    if (this.#closed) return fail('TRANSPORT_CLOSED', 'transport is closed: create a new one');
    // No user-info: a "user:token@host" would put a credential into every message naming the target.
    if (typeof host !== 'string' || host.length === 0 || /[\s/@]/.test(host)) {
      return fail('INVALID_TARGET', 'gRPC host must be a non-empty name or address without spaces, slashes or "@"');
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return fail('INVALID_TARGET', `gRPC port must be an integer from 1 to 65535, got ${String(port)}`);
    }
    // A bare IPv6 address needs brackets to be told apart from the port.
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.#currentTarget = `${hostPart}:${port}`;
    return ok();
  }

  async send(request: GrpcRequest): Promise<Result<GrpcResponse, TransportError>> {
    if (this.#closed) return this.#failure(new TransportError('closed', 'transport is closed: create a new one', false));
    const target = this.#currentTarget;
    if (target === undefined) return this.#failure(new TransportError('invalid-request', 'no target: call connect(host, port) before send()', false));
    const invalid = validateRequest(request);
    if (invalid !== undefined) return this.#failure(new TransportError('invalid-request', invalid, false));
    const call = `${request.service}/${request.method}`;
    if (request.signal?.aborted) return this.#failure(new TransportError('aborted', `gRPC call ${call} was aborted before it started`, true));

    const metadata = new Metadata();
    if (request.metadata !== undefined) {
      for (const key in request.metadata) {
        try {
          metadata.add(key, request.metadata[key] as string);
        } catch {
          // The message names the key only: metadata values are often credentials.
          return this.#failure(
            new TransportError('invalid-request', `metadata key ${JSON.stringify(key)} is not a valid gRPC metadata key for a text value`, false),
          );
        }
      }
    }

    const timeoutMs = request.timeoutMs ?? this.#defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const body = toBuffer(request.body);
    this.#statistics.requestsSent++;
    this.#statistics.bytesSent += body.length;
    // Only a transport asked to keep the process alive holds it, and never past the deadline.
    const hold = this.#keepProcessAlive ? setTimeout(noop, timeoutMs + 1000) : undefined;
    this.#inFlight++;
    try {
      const outcome = await this.#call(request, call, metadata, body, target, timeoutMs, deadline);
      if (outcome.ok) {
        this.#countStatus(GrpcStatusCode.OK);
        return outcome;
      }
      return this.#failure(outcome.error);
    } finally {
      this.#inFlight--;
      clearTimeout(hold);
    }
  }

  async #call(
    request: GrpcRequest,
    call: string,
    metadata: Metadata,
    body: Buffer,
    target: string,
    timeoutMs: number,
    deadline: number,
  ): Promise<Result<GrpcResponse, TransportError>> {
    const selector = { compression: request.compression ?? this.#manager.defaultCompression };
    let client = this.#manager.getClient(target, selector);
    const state = client.getChannel().getConnectivityState(false);
    if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
      this.#manager.resetChannel(target, selector);
      client = this.#manager.getClient(target, selector);
    }

    // grpc-js has no connect timeout: a call waits for a connection until its deadline. Fail
    // earlier when the channel is still not connected after connectTimeoutMs.
    const connectTimeoutMs = this.#manager.connectTimeoutMs;
    const waited = await waitForConnection(client.getChannel(), Math.min(connectTimeoutMs, timeoutMs), request.signal);
    if (waited === 'aborted') return err(new TransportError('aborted', `gRPC call ${call} was aborted`, true));
    if (waited === 'timeout') {
      // A channel stuck connecting (a server that accepts TCP and never speaks HTTP/2) is
      // replaced, so the next call dials afresh.
      this.#manager.resetChannel(target, selector);
      if (connectTimeoutMs < timeoutMs) return err(new TransportError('connection', `could not connect to ${target} within ${connectTimeoutMs} ms`, true));
      this.#countStatus(GrpcStatusCode.DEADLINE_EXCEEDED);
      return err(
        new TransportError('timeout', `gRPC call ${call} to ${target} exceeded its ${timeoutMs} ms deadline`, true, {
          grpcCode: GrpcStatusCode.DEADLINE_EXCEEDED,
        }),
      );
    }
    // 'ready' sends the call; 'failed' sends it too, so that it fails at once with grpc-js's
    // account of why the connection failed (read below, never copied).

    metadata.set('grpc-timeout', grpcTimeout(deadline - Date.now()));
    return new Promise<Result<GrpcResponse, TransportError>>((resolve) => {
      const callState: CallState = { call: undefined, timedOut: false, connectTimedOut: false, receivedHeaders: false };
      const signal = request.signal;
      const onAbort = (): void => callState.call?.cancel();
      const path = `/${request.service}/${request.method}`;
      let timer: NodeJS.Timeout | undefined;
      let connectTimer: NodeJS.Timeout | undefined;
      try {
        callState.call = client.makeUnaryRequest(path, serializeBytes, deserializeBytes, body, metadata, {}, (error, response) => {
          clearTimeout(timer);
          clearTimeout(connectTimer);
          signal?.removeEventListener('abort', onAbort);
          if (error === null && response !== undefined) {
            resolve(ok({ body: response }));
          } else {
            resolve(err(this.#toTransportError(error ?? undefined, request, call, target, timeoutMs, deadline, callState)));
          }
        });
      } catch {
        resolve(err(new TransportError('invalid-request', `grpc-js refused the call ${path}`, false)));
        return;
      }
      // The deadline is our own unref'd timer: grpc-js's would hold the process open.
      timer = setTimeout(
        () => {
          callState.timedOut = true;
          callState.call?.cancel();
        },
        Math.max(0, deadline - Date.now()),
      );
      timer.unref();
      // The connection may drop between the wait above and the call: a call still without response
      // headers on a channel that is not connected after connectTimeoutMs fails as a connection error.
      const remaining = deadline - Date.now();
      if (connectTimeoutMs < remaining) {
        const channel = client.getChannel();
        connectTimer = setTimeout(() => {
          if (callState.receivedHeaders || channel.getConnectivityState(false) === connectivityState.READY) return;
          callState.connectTimedOut = true;
          callState.call?.cancel();
        }, connectTimeoutMs);
        connectTimer.unref();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      callState.call.on('metadata', () => {
        callState.receivedHeaders = true;
      });
    });
  }

  getStatistics(): TransportStatistics {
    return snapshotTransportStatistics(this.#statistics);
  }

  /** Stops accepting calls and closes the channels this transport created. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsManager) this.#manager.close();
  }

  /** What `util.inspect` and `console.log` show: the target and settings, never metadata or key material. */
  [inspect.custom](_depth: number, options: object): string {
    const summary = {
      target: this.#currentTarget,
      defaultTimeoutMs: this.#defaultTimeoutMs,
      connectTimeoutMs: this.#manager.connectTimeoutMs,
      keepProcessAlive: this.#keepProcessAlive,
      inFlight: this.#inFlight,
      closed: this.#closed,
    };
    return `GrpcTransport ${inspect(summary, options)}`;
  }

  #toTransportError(
    error: ServiceError | undefined,
    request: GrpcRequest,
    call: string,
    target: string,
    timeoutMs: number,
    deadline: number,
    callState: CallState,
  ): TransportError {
    if (error === undefined) return new TransportError('protocol', `gRPC call ${call} ended without a response message`, true);
    const code = error.code;
    // grpc-js fires the server's deadline at (or just after) ours; allow for timer rounding.
    if (callState.timedOut || (code === GrpcStatusCode.DEADLINE_EXCEEDED && Date.now() >= deadline - 5)) {
      this.#countStatus(GrpcStatusCode.DEADLINE_EXCEEDED);
      return new TransportError('timeout', `gRPC call ${call} to ${target} exceeded its ${timeoutMs} ms deadline`, true, {
        grpcCode: GrpcStatusCode.DEADLINE_EXCEEDED,
      });
    }
    this.#countStatus(code);
    if (request.signal?.aborted) return new TransportError('aborted', `gRPC call ${call} was aborted`, true, { grpcCode: code });
    if (callState.connectTimedOut) {
      return new TransportError('connection', `could not connect to ${target} within ${this.#manager.connectTimeoutMs} ms`, true, { grpcCode: code });
    }
    // The status message is read to classify a failed connection (its text is grpc-js's own when
    // no response headers arrived) but never copied: only a known error code is named.
    const details = typeof error.details === 'string' ? error.details : '';
    if (code === GrpcStatusCode.UNAVAILABLE && details.startsWith(CONNECTION_FAILURE_PREFIX) && !callState.receivedHeaders) {
      if (TLS_FAILURE.test(details)) {
        return new TransportError(
          'tls',
          `TLS handshake with ${target} failed: ${tlsProblem(details)} (check rootCertificates and the server certificate)`,
          false,
          {
            grpcCode: code,
          },
        );
      }
      const systemCode = connectionCode(details);
      return new TransportError('connection', `could not connect to ${target}${systemCode === undefined ? '' : ` (${systemCode})`}`, true, { grpcCode: code });
    }
    const { retryable, retryAfterMs } = classifyGrpcStatus(code, firstBinary(error.metadata, 'grpc-status-details-bin'));
    return new TransportError('grpc-status', `gRPC call ${call} failed with ${grpcStatusName(code)} (${code})`, retryable, { grpcCode: code, retryAfterMs });
  }

  #countStatus(code: number): void {
    const name = grpcStatusName(code);
    this.#statistics.statusCounts[name] = (this.#statistics.statusCounts[name] ?? 0) + 1;
  }

  #failure(error: TransportError): Result<GrpcResponse, TransportError> {
    this.#statistics.sendFailures++;
    this.#statistics.lastError = error.message;
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
 * The real gRPC transport.
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
