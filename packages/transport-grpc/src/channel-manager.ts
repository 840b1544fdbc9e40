// Pools gRPC channels: one client per target, credentials and
// compression, so every exporter sending to the same collector shares one HTTP/2 connection.
import { createHash } from 'node:crypto';
import { ConfigError } from '@trace/core';
import { inspect } from 'node:util';
import { type ChannelCredentials, type ChannelOptions, Client, credentials as grpcCredentials } from '@grpc/grpc-js';
import { UnrefCredentials } from './unref-credentials.js';

/** PEM text or bytes. */
export type PemInput = string | Uint8Array;

/** How channels are built. Every field is optional. */
export interface GrpcChannelConfig {
  /** Use TLS. Default: `true` when any certificate option is set, else `false`. */
  useTls?: boolean;
  /** PEM CA bundle that signs the server certificate. Default: Node's bundled root CAs. */
  rootCertificates?: PemInput;
  /** PEM private key of the client certificate (mutual TLS); needs `certChain`. */
  privateKey?: PemInput;
  /** PEM client certificate chain (mutual TLS); needs `privateKey`. */
  certChain?: PemInput;
  /** Name checked against the server certificate instead of the target host (`grpc.ssl_target_name_override`). */
  serverNameOverride?: string;
  /** How long a call waits for a connection to be established before failing with a `connection` error. Default 5000. */
  connectTimeoutMs?: number;
  /** Interval of HTTP/2 keepalive pings (`grpc.keepalive_time_ms`). Default: off. */
  keepaliveTimeMs?: number;
  /** How long to wait for a keepalive ping's answer (`grpc.keepalive_timeout_ms`). Default: grpc-js's 20000. */
  keepaliveTimeoutMs?: number;
  /** grpc-js transparent retries of calls that never reached the server (`grpc.enable_retries`). Default `true`. */
  enableRetry?: boolean;
  /** Default compression of request messages. Default `'none'`. */
  compression?: 'gzip' | 'none';
  /** Further grpc-js channel options, applied last. */
  channelOptions?: ChannelOptions;
}

/** Per-channel choices that select a different pooled channel. */
export interface GrpcChannelSelector {
  /** Overrides the manager's `compression`. */
  compression?: 'gzip' | 'none';
}

/** The validated config with defaults applied. */
interface ResolvedChannelConfig {
  useTls: boolean;
  rootCertificates: Buffer | undefined;
  privateKey: Buffer | undefined;
  certChain: Buffer | undefined;
  serverNameOverride: string | undefined;
  connectTimeoutMs: number;
  keepaliveTimeMs: number | undefined;
  keepaliveTimeoutMs: number | undefined;
  enableRetry: boolean;
  compression: 'gzip' | 'none';
  channelOptions: ChannelOptions;
}

/** Default wait for a connection before a call fails. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** grpc-js `CompressionAlgorithms.gzip`. */
const GZIP_ALGORITHM = 2;

function toBuffer(value: PemInput | undefined, name: string): Buffer | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (value.length === 0) throw new ConfigError(`${name} is empty: pass PEM text or bytes, or leave it unset`);
    return Buffer.from(value, 'utf8');
  }
  if (!(value instanceof Uint8Array)) throw new ConfigError(`${name} must be PEM text (string) or bytes (Uint8Array)`);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function checkDuration(value: number | undefined, name: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
}

/** Validates a {@link GrpcChannelConfig}; throws `ConfigError` saying what to change. */
export function resolveChannelConfig(config: GrpcChannelConfig): ResolvedChannelConfig {
  const rootCertificates = toBuffer(config.rootCertificates, 'rootCertificates');
  const privateKey = toBuffer(config.privateKey, 'privateKey');
  const certChain = toBuffer(config.certChain, 'certChain');
  if ((privateKey === undefined) !== (certChain === undefined)) {
    throw new ConfigError('privateKey and certChain go together: set both for a client certificate, or neither');
  }
  const hasCertificates = rootCertificates !== undefined || privateKey !== undefined;
  if (config.useTls === false && hasCertificates) {
    throw new ConfigError('certificates were given but useTls is false: remove the certificates or set useTls to true');
  }
  checkDuration(config.connectTimeoutMs, 'connectTimeoutMs');
  checkDuration(config.keepaliveTimeMs, 'keepaliveTimeMs');
  checkDuration(config.keepaliveTimeoutMs, 'keepaliveTimeoutMs');
  if (config.compression !== undefined && config.compression !== 'gzip' && config.compression !== 'none') {
    throw new ConfigError(`compression must be 'gzip' or 'none', got ${String(config.compression)}`);
  }
  return {
    useTls: config.useTls ?? hasCertificates,
    rootCertificates,
    privateKey,
    certChain,
    serverNameOverride: config.serverNameOverride,
    connectTimeoutMs: config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveTimeMs: config.keepaliveTimeMs,
    keepaliveTimeoutMs: config.keepaliveTimeoutMs,
    enableRetry: config.enableRetry ?? true,
    compression: config.compression ?? 'none',
    channelOptions: config.channelOptions ?? {},
  };
}

/**
 * A pool of grpc-js clients (each owning one channel), keyed by target, credentials and
 * compression. Getting the same target twice returns the same channel; channels connect lazily
 * on their first call and reconnect on their own after the server goes away.
 *
 * ```
 * pool key  "127.0.0.1:4317|tls:3f2a…|gzip"  →  Client ─ Channel ─ HTTP/2 session
 * ```
 */
export class GrpcChannelManager {
  /** The connect timeout calls through this manager's channels use, in ms. */
  readonly connectTimeoutMs: number;
  // Private fields (not properties): the config holds the client's private key, and nothing that
  // enumerates or serialises a manager may reach it.
  readonly #config: ResolvedChannelConfig;
  readonly #credentials: ChannelCredentials;
  /** Identifies the credentials in pool keys without keeping key material in the key itself. */
  readonly #credentialsId: string;
  readonly #clients = new Map<string, Client>();
  #closed = false;

  /** @throws ConfigError when `config` is invalid (e.g. a private key without its certificate chain). */
  constructor(config: GrpcChannelConfig = {}) {
    this.#config = resolveChannelConfig(config);
    this.connectTimeoutMs = this.#config.connectTimeoutMs;
    const { useTls, rootCertificates, privateKey, certChain } = this.#config;
    let inner: ChannelCredentials;
    try {
      inner = useTls ? grpcCredentials.createSsl(rootCertificates ?? null, privateKey ?? null, certChain ?? null) : grpcCredentials.createInsecure();
    } catch {
      // OpenSSL's own error is dropped: it may quote the material it could not parse.
      throw new ConfigError('rootCertificates, privateKey or certChain is not valid PEM (or the key does not match the certificate chain)');
    }
    this.#credentials = new UnrefCredentials(inner);
    if (useTls) {
      const hash = createHash('sha256');
      for (const part of [rootCertificates, privateKey, certChain]) hash.update(part ?? '-').update('\0');
      this.#credentialsId = `tls:${hash.digest('hex').slice(0, 16)}`;
    } else {
      this.#credentialsId = 'insecure';
    }
  }

  /** The compression used when a caller does not choose one. */
  get defaultCompression(): 'gzip' | 'none' {
    return this.#config.compression;
  }

  /** Number of pooled channels. */
  get size(): number {
    return this.#clients.size;
  }

  /**
   * The pooled client for `target` (`host:port`), created on first use.
   * @throws ConfigError when `target` is empty, or after {@link close}.
   */
  getClient(target: string, selector: GrpcChannelSelector = {}): Client {
    if (this.#closed) throw new ConfigError('GrpcChannelManager is closed: create a new one');
    if (typeof target !== 'string' || target.length === 0 || /\s/.test(target)) {
      throw new ConfigError(`gRPC target must be a non-empty "host:port" without spaces, got ${JSON.stringify(target)}`);
    }
    const compression = selector.compression ?? this.#config.compression;
    const key = this.poolKey(target, compression);
    let client = this.#clients.get(key);
    if (client === undefined) {
      client = new Client(target, this.#credentials, this.channelOptions(compression));
      this.#clients.set(key, client);
    }
    return client;
  }

  /** The pooled channel for `target`: the same object for the same target. */
  getChannel(target: string, selector: GrpcChannelSelector = {}): ReturnType<Client['getChannel']> {
    return this.getClient(target, selector).getChannel();
  }

  /**
   * Closes and forgets the channel for `target`; the next {@link getClient} dials afresh. The
   * transport does this when a channel sits in a failed state, so a restarted server is reached on
   * the next call instead of after grpc-js's reconnect backoff (which grows to minutes).
   */
  resetChannel(target: string, selector: GrpcChannelSelector = {}): void {
    const key = this.poolKey(target, selector.compression ?? this.#config.compression);
    const client = this.#clients.get(key);
    if (client === undefined) return;
    this.#clients.delete(key);
    client.close();
  }

  /** Closes every pooled channel. Calls in flight fail with `CANCELLED`/`UNAVAILABLE`. */
  close(): void {
    this.#closed = true;
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  /** What `util.inspect` and `console.log` show: settings and pooled targets, never key material. */
  [inspect.custom](_depth: number, options: object): string {
    const summary = {
      useTls: this.#config.useTls,
      customRootCertificates: this.#config.rootCertificates !== undefined,
      clientCertificate: this.#config.certChain !== undefined,
      connectTimeoutMs: this.#config.connectTimeoutMs,
      compression: this.#config.compression,
      channels: [...this.#clients.keys()].map((key) => key.slice(0, key.indexOf('|'))),
      closed: this.#closed,
    };
    return `GrpcChannelManager ${inspect(summary, options)}`;
  }

  private poolKey(target: string, compression: 'gzip' | 'none'): string {
    return `${target}|${this.#credentialsId}|${compression}`;
  }

  private channelOptions(compression: 'gzip' | 'none'): ChannelOptions {
    const { keepaliveTimeMs, keepaliveTimeoutMs, enableRetry, serverNameOverride } = this.#config;
    const options: ChannelOptions = { 'grpc.enable_retries': enableRetry ? 1 : 0 };
    if (keepaliveTimeMs !== undefined) options['grpc.keepalive_time_ms'] = keepaliveTimeMs;
    if (keepaliveTimeoutMs !== undefined) options['grpc.keepalive_timeout_ms'] = keepaliveTimeoutMs;
    if (serverNameOverride !== undefined) options['grpc.ssl_target_name_override'] = serverNameOverride;
    if (compression === 'gzip') options['grpc.default_compression_algorithm'] = GZIP_ALGORITHM;
    for (const name in this.#config.channelOptions) options[name] = this.#config.channelOptions[name];
    return options;
  }
}
