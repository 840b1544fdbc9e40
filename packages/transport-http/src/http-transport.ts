// The real HttpTransport: node-fetch v2 over keep-alive
// agents, one deadline per request, a bounded body read, gzip of request bodies, and statistics.
// Every failure is a Result, never a throw.
//
//   send() ─ validate ─ gzip? ─ fetch(agent) ─ status ─ read body ≤ cap, ≤ body time ─ ok(response)
//                                   │                              │
//      deadline / signal / close / reset ─► err(TransportError)    └─ cut short ─► ok(response, empty body)
//
// Once the status line has arrived, the status is the outcome: the backend has decided (a 2xx
// means it accepted the batch). A body that is too large, too slow, cut off or undecodable is
// dropped, never turned into a failure that would make the caller resend a delivered batch.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, ClientRequestArgs, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { inspect, promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type HttpRequest, type HttpResponse, type HttpTransport, type Result, TransportError, type TransportStatistics, ok } from '@trace/core';
import { createTransportStatistics, snapshotTransportStatistics } from '@trace/core/encoding';
import fetch, { type RequestInit } from 'node-fetch';
import { type AbortReason, abortError, classifyError } from './error-classification.js';
import { RequestWatchHook } from './request-watcher.js';
import { checkHeaders, checkMethod, checkTarget } from './request-validation.js';
import { type DefaultTransportOptions, type ResolvedTransportOptions, resolveTransportOptions } from './transport-options.js';

const gzipAsync = promisify(gzip);

// Errors on a body nobody reads any more must not become uncaught 'error' events.
function ignoreError(): void {}

/** One request in flight: the controller every early end goes through, and why it ended. */
class InFlightRequest {
  readonly controller = new AbortController();
  reason: AbortReason | undefined = undefined;
  timer: NodeJS.Timeout | undefined = undefined;

  /** The first reason wins: a deadline that fires after a reset does not rename the failure. */
  end(reason: AbortReason): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.controller.abort();
  }

  readonly onSignalAbort = (): void => this.end('aborted');
  readonly onTimeout = (): void => this.end('timeout');
  /** Sees the real request so that a connection closed mid-body ends the read at once. */
  readonly watch = (request: ClientRequest): void => {
    request.once('response', this.onResponse);
  };
  private readonly onResponse = (response: IncomingMessage): void => {
    response.once('close', () => {
      if (!response.complete) this.end('reset');
    });
  };
}

// A tracing backend must never hold an app's exit, so no socket of these agents is ever ref'd:
// new connections are unref'd as they are made, and a pooled one stays unref'd when it is handed
// to the next request (Node's agent unrefs a socket going back to the pool but refs it again on
// reuse). Both hooks are the agent methods Node documents for subclasses to override. What waits
// for a request is whoever awaits it.
function unref(socket: Duplex | null | undefined): void {
  (socket as Socket | null | undefined)?.unref?.();
}

class UnrefHttpAgent extends http.Agent {
  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    unref(socket);
    return socket;
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    super.reuseSocket(socket, request);
    unref(socket);
  }
}

class UnrefHttpsAgent extends https.Agent {
  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    unref(socket);
    return socket;
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    super.reuseSocket(socket, request);
    unref(socket);
  }
}

function toBuffer(body: Uint8Array | string | undefined): Buffer | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * Reads the body of a response whose status has arrived, up to `cap` bytes and until the request
 * is ended (body time limit, reset, signal, close). Anything short of the whole body within those
 * bounds gives an empty body: a prefix of an encoded message would decode as something it is not.
 */
async function readBody(stream: Readable, declaredLength: number, encoded: boolean, cap: number, state: InFlightRequest): Promise<Uint8Array> {
  stream.on('error', ignoreError);
  if (declaredLength > cap && !encoded) {
    // A declared length over the cap is refused before a byte of the body is read.
    state.end('response-too-large');
    stream.destroy();
    return new Uint8Array(0);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > cap) {
        // Aborting closes the socket: the rest of an oversized body is never downloaded.
        state.end('response-too-large');
        return new Uint8Array(0);
      }
      chunks.push(buffer);
    }
  } catch {
    state.end('reset');
    return new Uint8Array(0);
  }
  if (state.reason !== undefined) return new Uint8Array(0);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

// node-fetch resolves a relative `Location` against the request URL, user-info included: the
// credentials of the request URL must not come back in a response header.
function withoutCredentials(location: string): string {
  try {
    const url = new URL(location);
    if (url.username === '' && url.password === '') return location;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return location;
  }
}

class NodeFetchHttpTransport implements HttpTransport {
  // Private fields (not properties): the options hold TLS keys and passphrases, and nothing that
  // enumerates or serialises a transport may reach them.
  readonly #options: ResolvedTransportOptions;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  readonly #hook = new RequestWatchHook();
  readonly #statistics = createTransportStatistics();
  readonly #inFlight = new Set<InFlightRequest>();
  #closed = false;

  constructor(options: DefaultTransportOptions | undefined) {
    this.#options = resolveTransportOptions(options);
    const o = this.#options;
    const pool = { keepAlive: o.keepAlive, keepAliveMsecs: o.keepAliveMsecs, maxSockets: o.maxSockets, maxFreeSockets: o.maxFreeSockets };
    this.#httpAgent = new UnrefHttpAgent(pool);
    this.#httpsAgent = new UnrefHttpsAgent({
      ...pool,
      ca: o.ca as https.AgentOptions['ca'],
      cert: o.cert as https.AgentOptions['cert'],
      key: o.key as https.AgentOptions['key'],
      passphrase: o.passphrase,
      rejectUnauthorized: o.rejectUnauthorized,
    });
    this.#hook.install(this.#httpAgent);
    this.#hook.install(this.#httpsAgent);
  }

  readonly #pickAgent = (url: URL): http.Agent => (url.protocol === 'https:' ? this.#httpsAgent : this.#httpAgent);

  /** Starts a deadline timer that keeps the process alive only when asked to. */
  #startTimer(state: InFlightRequest, onTimeout: () => void, ms: number): void {
    state.timer = setTimeout(onTimeout, ms);
    if (!this.#options.keepProcessAlive) state.timer.unref();
  }

  async send(request: HttpRequest): Promise<Result<HttpResponse, TransportError>> {
    if (this.#closed) return this.#failed(new TransportError('closed', 'transport is closed; create a new one to send again', false));
    const target = checkTarget(request.url);
    if (target instanceof TransportError) return this.#failed(target);
    const method = request.method ?? 'POST';
    const methodError = checkMethod(method);
    if (methodError !== undefined) return this.#failed(methodError);
    const label = `${method} ${target.display}`;
    const userHeaders = request.headers ?? {};
    const headerError = checkHeaders(userHeaders);
    if (headerError !== undefined) return this.#failed(headerError);
    const rawBody = request.body;
    if (rawBody !== undefined && typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
      return this.#failed(new TransportError('invalid-request', `${label}: body must be a string or a Uint8Array`, false));
    }
    if (rawBody !== undefined && (method === 'GET' || method === 'HEAD')) {
      return this.#failed(new TransportError('invalid-request', `${label}: a ${method} request cannot have a body`, false));
    }
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      return this.#failed(new TransportError('invalid-request', `${label}: timeoutMs must be a positive number, got ${String(timeoutMs)}`, false));
    }
    const signal = request.signal;
    if (signal?.aborted) return this.#failed(abortError('aborted', label, timeoutMs));

    let body = toBuffer(rawBody);
    const headers: Record<string, string> = {};
    let hasUserAgent = false;
    for (const name in userHeaders) {
      const lower = name.toLowerCase();
      if (lower === 'user-agent') hasUserAgent = true;
      // The transport owns the body encoding; a caller's Content-Encoding would lie about it.
      if (lower === 'content-encoding' && request.compression === 'gzip') continue;
      headers[name] = userHeaders[name] as string;
    }
    if (!hasUserAgent) headers['user-agent'] = this.#options.userAgent;
    if (request.compression === 'gzip' && body !== undefined) {
      try {
        body = await gzipAsync(body);
      } catch {
        return this.#failed(new TransportError('invalid-request', `${label}: gzip compression of the body failed`, false));
      }
      headers['content-encoding'] = 'gzip';
      // close() may have run while the body was being compressed.
      if (this.#closed) return this.#failed(abortError('closed', label, timeoutMs));
    }

    const state = new InFlightRequest();
    const deadline = Date.now() + timeoutMs;
    this.#startTimer(state, state.onTimeout, timeoutMs);
    signal?.addEventListener('abort', state.onSignalAbort, { once: true });
    this.#inFlight.add(state);
    this.#statistics.requestsSent++;
    this.#statistics.bytesSent += body === undefined ? 0 : body.length;
    try {
      return await this.#exchange(target.url, method, headers, body, state, label, timeoutMs, deadline);
    } finally {
      clearTimeout(state.timer);
      signal?.removeEventListener('abort', state.onSignalAbort);
      this.#inFlight.delete(state);
    }
  }

  async #exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    state: InFlightRequest,
    label: string,
    timeoutMs: number,
    deadline: number,
  ): Promise<Result<HttpResponse, TransportError>> {
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      let pending: ReturnType<typeof fetch>;
      this.#hook.expect(state.watch);
      try {
        pending = fetch(url.href, {
          method,
          headers,
          body,
          agent: this.#pickAgent,
          // Following a redirect would resend the batch, and its credentials, to another URL.
          redirect: 'manual',
          // node-fetch types declare their own AbortSignal shape; Node's satisfies it at runtime.
          signal: state.controller.signal as RequestInit['signal'],
        });
      } finally {
        this.#hook.clear();
      }
      response = await pending;
    } catch (error) {
      return this.#failed(state.reason !== undefined ? abortError(state.reason, label, timeoutMs) : classifyError(error, label));
    }
    // The status has arrived: from here on it is the outcome, whatever happens to the body (even
    // when the deadline, the signal or close() ended the request a moment after it arrived).
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of response.headers) responseHeaders[name] = name === 'location' ? withoutCredentials(value) : value;
    const key = String(response.status);
    this.#statistics.statusCounts[key] = (this.#statistics.statusCounts[key] ?? 0) + 1;
    clearTimeout(state.timer);
    this.#startTimer(state, state.onTimeout, Math.max(0, Math.min(deadline - Date.now(), this.#options.responseBodyTimeoutMs)));
    const declared = Number(response.headers.get('content-length') ?? '0');
    const encoded = response.headers.get('content-encoding') !== null;
    const responseBody = await readBody(response.body as Readable, declared, encoded, this.#options.maxResponseBytes, state);
    return ok({ status: response.status, headers: responseHeaders, body: responseBody });
  }

  getStatistics(): TransportStatistics {
    return snapshotTransportStatistics(this.#statistics);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const state of this.#inFlight) state.end('closed');
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  /** What `util.inspect` and `console.log` show: settings and state, never key material. */
  [inspect.custom](_depth: number, options: object): string {
    const o = this.#options;
    const summary = {
      timeoutMs: o.timeoutMs,
      responseBodyTimeoutMs: o.responseBodyTimeoutMs,
      maxResponseBytes: o.maxResponseBytes,
      keepAlive: o.keepAlive,
      maxSockets: o.maxSockets,
      keepProcessAlive: o.keepProcessAlive,
      tls: {
        ca: o.ca === undefined ? 'default' : 'custom',
        clientCertificate: o.cert !== undefined,
        rejectUnauthorized: o.rejectUnauthorized,
      },
      inFlight: this.#inFlight.size,
      closed: this.#closed,
    };
    return `HttpTransport ${inspect(summary, options)}`;
  }

  #failed(error: TransportError): Result<HttpResponse, TransportError> {
    this.#statistics.sendFailures++;
    this.#statistics.lastError = error.message;
    return { ok: false, error };
  }
}

/**
 * Creates the production {@link HttpTransport}: HTTP and
 * HTTPS over pooled keep-alive connections, redirects returned rather than followed.
 *
 * @throws ConfigError when an option is invalid (the only throw; sending never throws).
 */
export function createDefaultTransport(options?: DefaultTransportOptions): HttpTransport {
  return new NodeFetchHttpTransport(options);
}
