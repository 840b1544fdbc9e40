// Options of the default transport, their defaults, and the checks that turn a bad option into a
// ConfigError at construction (the only place this package throws).
import { ConfigError } from '@trace/core';
import { DEFAULT_EXPORT_TIMEOUT_MS } from '@trace/core/encoding';

/** PEM text or DER bytes, one or several (the forms `node:tls` accepts). */
export type TlsMaterial = string | Buffer | ReadonlyArray<string | Buffer>;

/** Configuration of {@link createDefaultTransport}. Every field is optional. */
export interface DefaultTransportOptions {
  /** Deadline of one request (connect, send, response and body), in ms, when the request sets none. Default 30000. */
  timeoutMs?: number;
  /**
   * Largest response body read, in bytes (after content decoding). Past it reading stops and the
   * response is returned with an empty body: its status still counts. Default 4 MiB.
   */
  maxResponseBytes?: number;
  /**
   * Longest time spent reading a response body once its status has arrived, in ms (the request
   * deadline still applies if it ends sooner). Past it the response is returned with an empty
   * body: its status still counts. Default 5000.
   */
  responseBodyTimeoutMs?: number;
  /**
   * Let a request in flight keep the Node.js process running until it ends (its deadline bounds
   * it). Default false: an exporter's request never delays the exit of an app whose own work is
   * done; an awaited flush or shutdown is what waits. Set it for scripts that `await send()` directly.
   */
  keepProcessAlive?: boolean;
  /** Keep connections open between requests and reuse them. Default true. */
  keepAlive?: boolean;
  /** Delay before TCP keep-alive probes on idle pooled sockets, in ms. Default 1000. */
  keepAliveMsecs?: number;
  /** Concurrent connections per origin; further requests wait for a free one. Default 16. */
  maxSockets?: number;
  /** Idle connections kept per origin for reuse. Default 4. */
  maxFreeSockets?: number;
  /** `User-Agent` sent unless the request sets one. Default `trace-transport-http`. */
  userAgent?: string;
  /** Certificate authorities trusted for HTTPS, replacing Node's bundled roots (e.g. a private CA). */
  ca?: TlsMaterial;
  /** Client certificate chain for mutual TLS (with `key`). */
  cert?: TlsMaterial;
  /** Private key of the client certificate for mutual TLS (with `cert`). */
  key?: TlsMaterial;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** Refuse servers whose certificate does not verify. Default true; `false` only for local testing. */
  rejectUnauthorized?: boolean;
}

/** Default of {@link DefaultTransportOptions.maxResponseBytes}: 4 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Default of {@link DefaultTransportOptions.responseBodyTimeoutMs}: 5 s. */
export const DEFAULT_RESPONSE_BODY_TIMEOUT_MS = 5000;

/** Default of {@link DefaultTransportOptions.userAgent}. */
export const DEFAULT_USER_AGENT = 'trace-transport-http';

/** Options with every default applied. */
export interface ResolvedTransportOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  responseBodyTimeoutMs: number;
  keepProcessAlive: boolean;
  keepAlive: boolean;
  keepAliveMsecs: number;
  maxSockets: number;
  maxFreeSockets: number;
  userAgent: string;
  ca: TlsMaterial | undefined;
  cert: TlsMaterial | undefined;
  key: TlsMaterial | undefined;
  passphrase: string | undefined;
  rejectUnauthorized: boolean;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`transport-http: \`${name}\` must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Applies defaults and rejects invalid values with a {@link ConfigError} naming the option. */
export function resolveTransportOptions(options: DefaultTransportOptions = {}): ResolvedTransportOptions {
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  // A CR or LF would let the option inject headers; refuse it where the mistake is made.
  if (typeof userAgent !== 'string' || userAgent.length === 0 || /[\r\n\0]/.test(userAgent)) {
    throw new ConfigError('transport-http: `userAgent` must be a non-empty string without control characters');
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new ConfigError('transport-http: mutual TLS needs both `cert` and `key`; set both or neither');
  }
  return {
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, DEFAULT_EXPORT_TIMEOUT_MS),
    maxResponseBytes: positiveInteger('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES),
    responseBodyTimeoutMs: positiveInteger('responseBodyTimeoutMs', options.responseBodyTimeoutMs, DEFAULT_RESPONSE_BODY_TIMEOUT_MS),
    keepProcessAlive: options.keepProcessAlive ?? false,
    keepAlive: options.keepAlive ?? true,
    keepAliveMsecs: positiveInteger('keepAliveMsecs', options.keepAliveMsecs, 1000),
    maxSockets: positiveInteger('maxSockets', options.maxSockets, 16),
    maxFreeSockets: positiveInteger('maxFreeSockets', options.maxFreeSockets, 4),
    userAgent,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    passphrase: options.passphrase,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
}
