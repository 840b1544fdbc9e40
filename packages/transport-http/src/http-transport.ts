// The real HttpTransport (seed §8 `create_default_transport`): node-fetch v2 over keep-alive
// agents, one deadline per request covering connect, send and the whole body, a cap on the body
// read, gzip of request bodies, and statistics. Every failure is a Result, never a throw.
//
//   send() ─ validate ─ gzip? ─ fetch(agent) ─ response ─ read body ≤ cap ─ ok(response)
//                                   │                         │
//        deadline / signal / close / incomplete response ─► abort ─► err(TransportError)
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type Result,
  TransportError,
  type TransportStatistics,
  createTransportStatistics,
  ok,
} from '@trace/core';
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

function toBuffer(body: Uint8Array | string | undefined): Buffer | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Reads `stream` into `chunks` until its end or until more than `cap` bytes arrive. Returns the byte count. */
async function readCapped(stream: Readable, chunks: Buffer[], cap: number, state: InFlightRequest): Promise<number> {
  let total = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > cap) {
      // Aborting closes the socket: the rest of an oversized body is never downloaded.
      state.end('response-too-large');
      break;
    }
    chunks.push(buffer);
  }
  return total;
}

class NodeFetchHttpTransport implements HttpTransport {
  private readonly options: ResolvedTransportOptions;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly hook = new RequestWatchHook();
  private readonly statistics = createTransportStatistics();
  private readonly inFlight = new Set<InFlightRequest>();
  private closed = false;

  constructor(options: DefaultTransportOptions | undefined) {
    this.options = resolveTransportOptions(options);
    const o = this.options;
    const pool = { keepAlive: o.keepAlive, keepAliveMsecs: o.keepAliveMsecs, maxSockets: o.maxSockets, maxFreeSockets: o.maxFreeSockets };
    this.httpAgent = new http.Agent(pool);
    this.httpsAgent = new https.Agent({
      ...pool,
      ca: o.ca as https.AgentOptions['ca'],
      cert: o.cert as https.AgentOptions['cert'],
      key: o.key as https.AgentOptions['key'],
      passphrase: o.passphrase,
      rejectUnauthorized: o.rejectUnauthorized,
    });
    this.hook.install(this.httpAgent);
    this.hook.install(this.httpsAgent);
  }

  private readonly pickAgent = (url: URL): http.Agent => (url.protocol === 'https:' ? this.httpsAgent : this.httpAgent);

  async send(request: HttpRequest): Promise<Result<HttpResponse, TransportError>> {
    if (this.closed) return this.failed(new TransportError('closed', 'transport is closed; create a new one to send again', false));
    const target = checkTarget(request.url);
    if (target instanceof TransportError) return this.failed(target);
    const method = request.method ?? 'POST';
    const methodError = checkMethod(method);
    if (methodError !== undefined) return this.failed(methodError);
    const label = `${method} ${target.display}`;
    const userHeaders = request.headers ?? {};
    const headerError = checkHeaders(userHeaders);
    if (headerError !== undefined) return this.failed(headerError);
    const rawBody = request.body;
    if (rawBody !== undefined && typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
      return this.failed(new TransportError('invalid-request', `${label}: body must be a string or a Uint8Array`, false));
    }
    if (rawBody !== undefined && (method === 'GET' || method === 'HEAD')) {
      return this.failed(new TransportError('invalid-request', `${label}: a ${method} request cannot have a body`, false));
    }
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      return this.failed(new TransportError('invalid-request', `${label}: timeoutMs must be a positive number, got ${String(timeoutMs)}`, false));
    }
    const signal = request.signal;
    if (signal?.aborted) return this.failed(abortError('aborted', label, timeoutMs, this.options.maxResponseBytes));

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
    if (!hasUserAgent) headers['user-agent'] = this.options.userAgent;
    if (request.compression === 'gzip' && body !== undefined) {
      try {
        body = await gzipAsync(body);
      } catch {
        return this.failed(new TransportError('invalid-request', `${label}: gzip compression of the body failed`, false));
      }
      headers['content-encoding'] = 'gzip';
      // close() may have run while the body was being compressed.
      if (this.closed) return this.failed(abortError('closed', label, timeoutMs, this.options.maxResponseBytes));
    }

    const state = new InFlightRequest();
    state.timer = setTimeout(state.onTimeout, timeoutMs);
    signal?.addEventListener('abort', state.onSignalAbort, { once: true });
    this.inFlight.add(state);
    this.statistics.requestsSent++;
    this.statistics.bytesSent += body === undefined ? 0 : body.length;
    try {
      return await this.exchange(target.url, method, headers, body, state, label, timeoutMs);
    } finally {
      clearTimeout(state.timer);
      signal?.removeEventListener('abort', state.onSignalAbort);
      this.inFlight.delete(state);
    }
  }

  private async exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    state: InFlightRequest,
    label: string,
    timeoutMs: number,
  ): Promise<Result<HttpResponse, TransportError>> {
    const cap = this.options.maxResponseBytes;
    try {
      let pending: ReturnType<typeof fetch>;
      this.hook.expect(state.watch);
      try {
        pending = fetch(url.href, {
          method,
          headers,
          body,
          agent: this.pickAgent,
          redirect: 'manual',
          // node-fetch types declare their own AbortSignal shape; Node's satisfies it at runtime.
          signal: state.controller.signal as RequestInit['signal'],
        });
      } finally {
        this.hook.clear();
      }
      const response = await pending;
      const stream = response.body as Readable;
      stream.on('error', ignoreError);
      const declared = Number(response.headers.get('content-length') ?? '0');
      const chunks: Buffer[] = [];
      let total = 0;
      if (declared > cap && response.headers.get('content-encoding') === null) {
        // A declared length over the cap is refused before a byte of the body is read.
        state.end('response-too-large');
        stream.destroy();
      } else {
        total = await readCapped(stream, chunks, cap, state);
      }
      if (state.reason !== undefined) return this.failed(abortError(state.reason, label, timeoutMs, cap));
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of response.headers) responseHeaders[name] = value;
      const key = String(response.status);
      this.statistics.statusCounts[key] = (this.statistics.statusCounts[key] ?? 0) + 1;
      return ok({ status: response.status, headers: responseHeaders, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total) });
    } catch (error) {
      return this.failed(state.reason !== undefined ? abortError(state.reason, label, timeoutMs, cap) : classifyError(error, label));
    }
  }

  getStatistics(): TransportStatistics {
    return { ...this.statistics, statusCounts: { ...this.statistics.statusCounts } };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.inFlight) state.end('closed');
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private failed(error: TransportError): Result<HttpResponse, TransportError> {
    this.statistics.sendFailures++;
    this.statistics.lastError = error.message;
    return { ok: false, error };
  }
}

/**
 * Creates the production {@link HttpTransport} (seed §8 `create_default_transport()`): HTTP and
 * HTTPS over pooled keep-alive connections, redirects returned rather than followed.
 *
 * @throws ConfigError when an option is invalid (the only throw; sending never throws).
 */
export function createDefaultTransport(options?: DefaultTransportOptions): HttpTransport {
  return new NodeFetchHttpTransport(options);
}
