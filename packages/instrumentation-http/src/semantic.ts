// Helpers shared by the server, http-client and fetch halves: the OpenTelemetry HTTP semantic
// conventions' names (stable, v1.23+) and the small parsing they need.
import type { Span } from '@trace/core';
import type { HttpRequestInfo, HttpSpanInfo, ResolvedOptions } from './options.js';

export const ATTR_METHOD = 'http.request.method';
export const ATTR_METHOD_ORIGINAL = 'http.request.method_original';
export const ATTR_STATUS = 'http.response.status_code';
export const ATTR_ROUTE = 'http.route';
export const ATTR_PATH = 'url.path';
export const ATTR_QUERY = 'url.query';
export const ATTR_FULL = 'url.full';
export const ATTR_SCHEME = 'url.scheme';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_PROTOCOL_VERSION = 'network.protocol.version';
export const ATTR_USER_AGENT = 'user_agent.original';
export const ATTR_ERROR_TYPE = 'error.type';

// The methods the conventions know; anything else is recorded as `_OTHER`.
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** `http.request.method`: the method when the conventions know it, else `_OTHER`. */
export function conventionMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** The span name before a route is known: the method, or `HTTP` for an unknown one. */
export function spanNameFor(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'HTTP';
}

/** Splits a request target into path and query (without the `?`). */
export function splitTarget(target: string): [path: string, query: string] {
  const mark = target.indexOf('?');
  if (mark === -1) return [target === '' ? '/' : target, ''];
  return [mark === 0 ? '/' : target.slice(0, mark), target.slice(mark + 1)];
}

/** Host and port of a `Host` header value (`name`, `name:port`, `[v6]`, `[v6]:port`). */
export function parseHostHeader(value: string): [host: string, port: number | undefined] {
  let host = value;
  let portText = '';
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close !== -1) {
      host = value.slice(1, close);
      if (value.charCodeAt(close + 1) === 58 /* : */) portText = value.slice(close + 2);
    }
  } else {
    const colon = value.lastIndexOf(':');
    if (colon !== -1 && value.indexOf(':') === colon) {
      host = value.slice(0, colon);
      portText = value.slice(colon + 1);
    }
  }
  const port = portText === '' ? undefined : Number(portText);
  return [host, port !== undefined && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined];
}

/** One header value as a string (Node gives arrays for repeated headers). */
export function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.join(', ');
  return undefined;
}

/** `error.type` of a failure: its code (`ECONNREFUSED`), else its name. */
export function errorTypeOf(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return '_OTHER';
}

/** Whether an incoming request is left untraced by the options. A throwing rule traces it. */
export function ignoredIncoming(options: ResolvedOptions, info: HttpRequestInfo): boolean {
  const paths = options.ignoreIncomingPaths;
  for (let i = 0; i < paths.length; i++) {
    const rule = paths[i] as string | RegExp;
    if (typeof rule === 'string' ? rule === info.path : rule.test(info.path)) return true;
  }
  if (options.ignoreIncoming === undefined) return false;
  try {
    return options.ignoreIncoming(info) === true;
  } catch {
    return false;
  }
}

/** Whether an outgoing request is left untraced by the options. A throwing rule traces it. */
export function ignoredOutgoing(options: ResolvedOptions, info: HttpRequestInfo): boolean {
  if (options.ignoreOutgoing === undefined) return false;
  try {
    return options.ignoreOutgoing(info) === true;
  } catch {
    return false;
  }
}

/** Runs the user's tag hook; whatever it throws stays here. */
export function runAddTags(options: ResolvedOptions, span: Span, info: HttpSpanInfo): void {
  if (options.addTags === undefined || !span.isRecording()) return;
  try {
    options.addTags(span, info);
  } catch {
    // a hook's bug must not reach the traced request
  }
}

/** `url.full` without credentials (never kept) and, unless asked for, without the query. */
export function fullUrl(info: HttpRequestInfo, recordQuery: boolean): string {
  const host = info.host.includes(':') ? `[${info.host}]` : info.host;
  const port = info.port === undefined ? '' : `:${info.port}`;
  const query = recordQuery && info.query !== '' ? `?${info.query}` : '';
  return `${info.scheme}://${host}${port}${info.path}${query}`;
}

/** Reads one header, by lower-case name, from wherever a request or response keeps them. */
export type HeaderReader<S> = (source: S, name: string) => string | undefined;

/** Adds each configured `[header, tag]` pair whose header is present. */
export function recordHeaders<S>(span: Span, recorded: readonly (readonly [string, string])[], source: S, header: HeaderReader<S>): void {
  for (let i = 0; i < recorded.length; i++) {
    const [name, tag] = recorded[i] as readonly [string, string];
    const value = header(source, name);
    if (value !== undefined) span.setTag(tag, value);
  }
}

/**
 * The request's tags, the same for server, http-client and fetch spans. Clients always name the
 * server they call (port defaulting to the scheme's); servers only what the Host header said.
 */
export function tagRequest<S>(span: Span, info: HttpRequestInfo, options: ResolvedOptions, request: S, header: HeaderReader<S>): void {
  const conventional = conventionMethod(info.method);
  span.setTag(ATTR_METHOD, conventional);
  if (conventional !== info.method) span.setTag(ATTR_METHOD_ORIGINAL, info.method);
  const client = info.kind === 'client';
  if (client) span.setTag(ATTR_FULL, fullUrl(info, options.recordQuery));
  span.setTag(ATTR_SCHEME, info.scheme);
  span.setTag(ATTR_PATH, info.path);
  if (options.recordQuery && info.query !== '') span.setTag(ATTR_QUERY, info.query);
  if (client || info.host !== '') span.setTag(ATTR_SERVER_ADDRESS, info.host);
  if (info.port !== undefined) span.setTag(ATTR_SERVER_PORT, info.port);
  else if (client) span.setTag(ATTR_SERVER_PORT, info.scheme === 'https' ? 443 : 80);
  const agent = header(request, 'user-agent');
  if (agent !== undefined) span.setTag(ATTR_USER_AGENT, agent);
  recordHeaders(span, options.requestHeaders, request, header);
}

/**
 * Ends a client span (http or fetch) with its outcome: the status code and response headers, or
 * the error; no response and no error means the request was aborted.
 */
export function endClientSpan<R>(
  span: Span,
  options: ResolvedOptions,
  call: { readonly info: HttpRequestInfo; readonly request: unknown },
  outcome: { readonly response: R | undefined; readonly status: number | undefined; readonly protocolVersion: string; readonly error: unknown },
  header: HeaderReader<R>,
): void {
  if (span.isRecording()) {
    const { response, status, error } = outcome;
    if (status !== undefined && response !== undefined) {
      span.setTag(ATTR_STATUS, status);
      span.setTag(ATTR_PROTOCOL_VERSION, outcome.protocolVersion);
      if (status >= 400) {
        span.setTag(ATTR_ERROR_TYPE, String(status));
        span.setStatus('error');
      }
      recordHeaders(span, options.responseHeaders, response, header);
    } else {
      // No response: a network error, or the request was destroyed / aborted before one came.
      span.setTag(ATTR_ERROR_TYPE, error === undefined ? 'aborted' : errorTypeOf(error));
      span.setStatus('error', error === undefined ? 'the request closed before a response came' : 'the request failed');
      if (error instanceof Error) span.recordException(error);
    }
    if (options.addTags !== undefined) {
      runAddTags(options, span, { ...call.info, statusCode: status, error, request: call.request, response });
    }
  }
  span.end();
}
