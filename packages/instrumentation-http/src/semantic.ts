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
