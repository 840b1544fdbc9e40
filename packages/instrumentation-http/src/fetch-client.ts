// Client spans for the global `fetch` (undici), from undici's own diagnostics channels.
//
//   undici:request:create   start span, add the trace headers (request.addHeader)
//   undici:request:headers  end with the status code
//   undici:request:error    end with error.type (refused, reset, AbortError, ...)
//
// The span ends with the response headers, as the node:http client span does: a body the app
// never reads cannot keep a span open.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Span, StartSpanOptions, Tracer } from '@trace/core';
import { isTracingSuppressed } from '@trace/core';
import type { HttpRequestInfo, ResolvedOptions } from './options.js';

import { endClientSpan, ignoredOutgoing, parseHostHeader, spanNameFor, splitTarget, tagRequest } from './semantic.js';

const REQUEST_CREATE = 'undici:request:create';
const REQUEST_HEADERS = 'undici:request:headers';
const REQUEST_ERROR = 'undici:request:error';

/** The parts of undici's request object this reads (stable across undici 5–7). */
interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
  method?: unknown;
  headers?: unknown;
  addHeader?: (name: string, value: string) => unknown;
}

interface UndiciResponse {
  statusCode?: number;
  headers?: unknown;
}

const CLIENT_OPTIONS: StartSpanOptions = Object.freeze({ kind: 'client' });

interface FetchCall {
  readonly span: Span;
  readonly info: HttpRequestInfo;
}

/** @internal */
export class FetchInstrumentation {
  private readonly calls = new WeakMap<object, FetchCall>();
  private readonly onCreate = (message: unknown): void => {
    try {
      this.start((message as { request: UndiciRequest }).request);
    } catch {
      // nothing on the traced path may throw into the app
    }
  };
  private readonly onHeaders = (message: unknown): void => {
    try {
      const { request, response } = message as { request: object; response: UndiciResponse };
      const call = this.calls.get(request);
      if (call !== undefined) this.end(request, call, response, undefined);
    } catch {
      // as above
    }
  };
  private readonly onError = (message: unknown): void => {
    try {
      const { request, error } = message as { request: object; error: unknown };
      const call = this.calls.get(request);
      if (call !== undefined) this.end(request, call, undefined, error ?? new Error('request failed'));
    } catch {
      // as above
    }
  };

  constructor(
    private readonly tracer: Tracer,
    private readonly options: ResolvedOptions,
  ) {}

  enable(): void {
    subscribe(REQUEST_CREATE, this.onCreate);
    subscribe(REQUEST_HEADERS, this.onHeaders);
    subscribe(REQUEST_ERROR, this.onError);
  }

  disable(): void {
    unsubscribe(REQUEST_CREATE, this.onCreate);
    unsubscribe(REQUEST_HEADERS, this.onHeaders);
    unsubscribe(REQUEST_ERROR, this.onError);
  }

  private start(request: UndiciRequest): void {
    if (isTracingSuppressed() || request === null || typeof request !== 'object') return;
    const info = fetchInfo(request);
    if (info === undefined || ignoredOutgoing(this.options, info)) return;
    const span = this.tracer.startSpan(spanNameFor(info.method), CLIENT_OPTIONS);
    this.calls.set(request, { span, info });
    if (typeof request.addHeader === 'function') {
      const carrier: Record<string, string> = {};
      this.tracer.injectContext(span, carrier);
      for (const name in carrier) request.addHeader(name, carrier[name] as string);
    }
    if (span.isRecording()) tagRequest(span, info, this.options, request.headers, requestHeader);
  }

  private end(request: object, call: FetchCall, response: UndiciResponse | undefined, error: unknown): void {
    this.calls.delete(request);
    const outcome = { response, status: response?.statusCode, protocolVersion: '1.1', error };
    endClientSpan(call.span, this.options, { info: call.info, request }, outcome, undiciResponseHeader);
  }
}

function fetchInfo(request: UndiciRequest): HttpRequestInfo | undefined {
  if (typeof request.origin !== 'string') return undefined;
  const origin = request.origin;
  const separator = origin.indexOf('://');
  if (separator === -1) return undefined;
  const scheme = origin.slice(0, separator);
  // undici's origin never carries credentials (fetch refuses URLs with them); strip any anyway.
  let authority = origin.slice(separator + 3);
  const at = authority.lastIndexOf('@');
  if (at !== -1) authority = authority.slice(at + 1);
  const slash = authority.indexOf('/');
  if (slash !== -1) authority = authority.slice(0, slash);
  const [host, port] = parseHostHeader(authority);
  const [path, query] = splitTarget(typeof request.path === 'string' ? request.path : '/');
  const method = typeof request.method === 'string' ? request.method : 'GET';
  return { kind: 'client', method, scheme, host, port, path, query };
}

/** A request header from undici: a flat `[name, value, ...]` array, or a `name: value\r\n` string. */
function requestHeader(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon !== -1 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}

const undiciResponseHeader = (response: UndiciResponse, name: string): string | undefined => responseHeader(response.headers, name);

/** A response header from undici: a flat `[name, value, ...]` array of Buffers or strings. */
function responseHeader(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
  }
  return undefined;
}
