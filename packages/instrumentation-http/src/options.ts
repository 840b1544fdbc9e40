// What `instrumentHttp` accepts, and its check at set-up: a wrong option throws there, once,
// never on a request.
import { ConfigError, type Span } from '@trace/core';

/** What the instrumentation knows about a request when it decides whether to trace it. */
export interface HttpRequestInfo {
  /** `server` for incoming requests, `client` for outgoing ones (node:http and fetch). */
  readonly kind: 'server' | 'client';
  /** Upper case, as sent (`GET`, `POST`, ...). */
  readonly method: string;
  /** `http` or `https`. */
  readonly scheme: string;
  /** Host name or address the request is for (the `Host` header on the server side). */
  readonly host: string;
  /** Port, or `undefined` when the request names none (the scheme's default then applies). */
  readonly port: number | undefined;
  /** Path without the query string. */
  readonly path: string;
  /** Query string without the `?`, or `''`. */
  readonly query: string;
}

/** Handed to the {@link InstrumentHttpOptions.addTags} hook just before a span ends. */
export interface HttpSpanInfo extends HttpRequestInfo {
  /** Response status code, or `undefined` when no response came. */
  readonly statusCode: number | undefined;
  /** The network error or abort that ended the request, if any. */
  readonly error: unknown;
  /**
   * The request object: `http.IncomingMessage` (server), `http.ClientRequest` (client), or
   * undici's request (fetch).
   */
  readonly request: unknown;
  /** `http.ServerResponse` (server), `http.IncomingMessage` (client), undici's response (fetch), or `undefined`. */
  readonly response: unknown;
}

/** Options of {@link instrumentHttp}. */
export interface InstrumentHttpOptions {
  /** Trace incoming requests (`node:http` / `node:https` servers). Default true. */
  server?: boolean;
  /** Trace outgoing `http.request` / `http.get` (and libraries over them). Default true. */
  client?: boolean;
  /** Trace the global `fetch` (undici). Default true. */
  fetch?: boolean;
  /** Incoming requests to leave untraced: an exact path (no query) or a pattern tested against it. */
  ignoreIncomingPaths?: readonly (string | RegExp)[];
  /** Incoming requests to leave untraced, decided by a function (health checks, metrics scrapes). */
  ignoreIncoming?: (request: HttpRequestInfo) => boolean;
  /** Outgoing requests (http and fetch) to leave untraced. */
  ignoreOutgoing?: (request: HttpRequestInfo) => boolean;
  /**
   * Request headers to record, by name (any case), as `http.request.header.<name>` tags. None by
   * default: header values may hold secrets.
   */
  requestHeaders?: readonly string[];
  /** Response headers to record, as `http.response.header.<name>` tags. None by default. */
  responseHeaders?: readonly string[];
  /** Record query strings (`url.query`, and in `url.full`). Default false: they often carry tokens. */
  recordQuery?: boolean;
  /** Called just before each span ends, to add tags; what it throws is ignored. */
  addTags?: (span: Span, info: HttpSpanInfo) => void;
}

/** @internal Options after checking, with defaults filled in. */
export interface ResolvedOptions {
  readonly server: boolean;
  readonly client: boolean;
  readonly fetch: boolean;
  readonly ignoreIncomingPaths: readonly (string | RegExp)[];
  readonly ignoreIncoming: ((request: HttpRequestInfo) => boolean) | undefined;
  readonly ignoreOutgoing: ((request: HttpRequestInfo) => boolean) | undefined;
  /** Lower-case names, each with its tag key precomputed. */
  readonly requestHeaders: readonly (readonly [name: string, tag: string])[];
  readonly responseHeaders: readonly (readonly [name: string, tag: string])[];
  readonly recordQuery: boolean;
  readonly addTags: ((span: Span, info: HttpSpanInfo) => void) | undefined;
}

function checkBoolean(options: InstrumentHttpOptions, key: 'server' | 'client' | 'fetch' | 'recordQuery'): void {
  const value = options[key];
  if (value !== undefined && typeof value !== 'boolean') throw new ConfigError(`instrumentHttp: option ${key} must be true or false`);
}

function checkFunction(options: InstrumentHttpOptions, key: 'ignoreIncoming' | 'ignoreOutgoing' | 'addTags'): void {
  const value = options[key];
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(`instrumentHttp: option ${key} must be a function`);
}

function headerList(value: readonly string[] | undefined, key: string, prefix: string): (readonly [string, string])[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`instrumentHttp: option ${key} must be an array of header names`);
  const out: (readonly [string, string])[] = [];
  for (const name of value as unknown[]) {
    if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new ConfigError(`instrumentHttp: option ${key} holds something that is not a header name`);
    }
    const lower = name.toLowerCase();
    out.push([lower, prefix + lower]);
  }
  return out;
}

/** @internal */
export function resolveOptions(options: InstrumentHttpOptions | undefined): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new ConfigError('instrumentHttp: options must be an object');
  checkBoolean(o, 'server');
  checkBoolean(o, 'client');
  checkBoolean(o, 'fetch');
  checkBoolean(o, 'recordQuery');
  checkFunction(o, 'ignoreIncoming');
  checkFunction(o, 'ignoreOutgoing');
  checkFunction(o, 'addTags');
  const paths = o.ignoreIncomingPaths ?? [];
  if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string' && !(path instanceof RegExp))) {
    throw new ConfigError('instrumentHttp: option ignoreIncomingPaths must be an array of strings and regular expressions');
  }
  return {
    server: o.server ?? true,
    client: o.client ?? true,
    fetch: o.fetch ?? true,
    ignoreIncomingPaths: [...paths],
    ignoreIncoming: o.ignoreIncoming,
    ignoreOutgoing: o.ignoreOutgoing,
    requestHeaders: headerList(o.requestHeaders, 'requestHeaders', 'http.request.header.'),
    responseHeaders: headerList(o.responseHeaders, 'responseHeaders', 'http.response.header.'),
    recordQuery: o.recordQuery ?? false,
    addTags: o.addTags,
  };
}
