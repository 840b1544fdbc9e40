// Client spans for `http.request` / `http.get` (and node-fetch, axios, got over them).
//
//   http.client.request.created  (Node ≥ 22.12 / 23.2: headers not yet sent)  start span + inject
//   http.client.request.start    (every version; on Node 20 the first event)   start span if none
//   http.client.response.finish  ─▶ end with the status code
//   http.client.request.error    ─▶ end with error.type
//   request 'close' with neither ─▶ end as aborted
//
// Node 20 publishes nothing before the request's headers are built, so there the span is made
// but the trace headers cannot be added without patching, which this package does not do.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Span, StartSpanOptions, Tracer } from '@trace/core';
import { isTracingSuppressed } from '@trace/core';
import type { HttpRequestInfo, HttpSpanInfo, ResolvedOptions } from './options.js';

import {
  ATTR_ERROR_TYPE,
  ATTR_FULL,
  ATTR_METHOD,
  ATTR_METHOD_ORIGINAL,
  ATTR_PATH,
  ATTR_PROTOCOL_VERSION,
  ATTR_QUERY,
  ATTR_SCHEME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_STATUS,
  ATTR_USER_AGENT,
  conventionMethod,
  errorTypeOf,
  fullUrl,
  headerText,
  ignoredOutgoing,
  parseHostHeader,
  runAddTags,
  spanNameFor,
  splitTarget,
} from './semantic.js';

const REQUEST_CREATED = 'http.client.request.created';
const REQUEST_START = 'http.client.request.start';
const REQUEST_ERROR = 'http.client.request.error';
const RESPONSE_FINISH = 'http.client.response.finish';

const CLIENT_OPTIONS: StartSpanOptions = Object.freeze({ kind: 'client' });

class ClientCall {
  ended = false;
  readonly onClose: () => void;
  constructor(
    readonly span: Span,
    readonly info: HttpRequestInfo,
    readonly request: ClientRequest,
    owner: HttpClientInstrumentation,
  ) {
    this.onClose = () => owner.end(this, undefined, undefined);
  }
}

/** @internal */
export class HttpClientInstrumentation {
  // `null` marks a request seen and deliberately left untraced, so a later event does not trace it.
  private readonly calls = new WeakMap<ClientRequest, ClientCall | null>();
  private readonly onCreated = (message: unknown): void => {
    try {
      this.start((message as { request: ClientRequest }).request, true);
    } catch {
      // nothing on the traced path may throw into the app
    }
  };
  private readonly onStart = (message: unknown): void => {
    try {
      const request = (message as { request: ClientRequest }).request;
      if (!this.calls.has(request)) this.start(request, false);
    } catch {
      // as above
    }
  };
  private readonly onError = (message: unknown): void => {
    try {
      const { request, error } = message as { request: ClientRequest; error: unknown };
      const call = this.calls.get(request);
      if (call) this.end(call, undefined, error ?? new Error('request failed'));
    } catch {
      // as above
    }
  };
  private readonly onResponse = (message: unknown): void => {
    try {
      const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
      const call = this.calls.get(request);
      if (call) this.end(call, response, undefined);
    } catch {
      // as above
    }
  };

  constructor(
    private readonly tracer: Tracer,
    private readonly options: ResolvedOptions,
  ) {}

  enable(): void {
    subscribe(REQUEST_CREATED, this.onCreated);
    subscribe(REQUEST_START, this.onStart);
    subscribe(REQUEST_ERROR, this.onError);
    subscribe(RESPONSE_FINISH, this.onResponse);
  }

  disable(): void {
    unsubscribe(REQUEST_CREATED, this.onCreated);
    unsubscribe(REQUEST_START, this.onStart);
    unsubscribe(REQUEST_ERROR, this.onError);
    unsubscribe(RESPONSE_FINISH, this.onResponse);
  }

  private start(request: ClientRequest, canInject: boolean): void {
    if (isTracingSuppressed()) {
      this.calls.set(request, null);
      return;
    }
    const info = outgoingInfo(request);
    if (ignoredOutgoing(this.options, info)) {
      this.calls.set(request, null);
      return;
    }
    const span = this.tracer.startSpan(spanNameFor(info.method), CLIENT_OPTIONS);
    const call = new ClientCall(span, info, request, this);
    this.calls.set(request, call);
    request.once('close', call.onClose);
    if (canInject && !request.headersSent) {
      const carrier: Record<string, string> = {};
      this.tracer.injectContext(span, carrier);
      for (const name in carrier) request.setHeader(name, carrier[name] as string);
    }
    if (!span.isRecording()) return;
    const conventional = conventionMethod(info.method);
    span.setTag(ATTR_METHOD, conventional);
    if (conventional !== info.method) span.setTag(ATTR_METHOD_ORIGINAL, info.method);
    span.setTag(ATTR_FULL, fullUrl(info, this.options.recordQuery));
    span.setTag(ATTR_SCHEME, info.scheme);
    span.setTag(ATTR_PATH, info.path);
    if (this.options.recordQuery && info.query !== '') span.setTag(ATTR_QUERY, info.query);
    span.setTag(ATTR_SERVER_ADDRESS, info.host);
    span.setTag(ATTR_SERVER_PORT, info.port ?? (info.scheme === 'https' ? 443 : 80));
    const agent = headerText(request.getHeader('user-agent'));
    if (agent !== undefined) span.setTag(ATTR_USER_AGENT, agent);
    const recorded = this.options.requestHeaders;
    for (let i = 0; i < recorded.length; i++) {
      const [header, tag] = recorded[i] as readonly [string, string];
      const value = headerText(request.getHeader(header));
      if (value !== undefined) span.setTag(tag, value);
    }
  }

  /** @internal Ends a call once: response, error, or a close with neither (an abort). */
  end(call: ClientCall, response: IncomingMessage | undefined, error: unknown): void {
    if (call.ended) return;
    call.ended = true;
    call.request.off('close', call.onClose);
    const span = call.span;
    if (span.isRecording()) {
      const status = response?.statusCode;
      if (status !== undefined) {
        span.setTag(ATTR_STATUS, status);
        span.setTag(ATTR_PROTOCOL_VERSION, response?.httpVersion ?? '1.1');
        if (status >= 400) {
          span.setTag(ATTR_ERROR_TYPE, String(status));
          span.setStatus('error');
        }
        const recorded = this.options.responseHeaders;
        for (let i = 0; i < recorded.length; i++) {
          const [header, tag] = recorded[i] as readonly [string, string];
          const value = headerText(response?.headers[header]);
          if (value !== undefined) span.setTag(tag, value);
        }
      } else {
        // No response: a network error, or the request was destroyed / aborted before one came.
        span.setTag(ATTR_ERROR_TYPE, error === undefined ? 'aborted' : errorTypeOf(error));
        span.setStatus('error', error === undefined ? 'the request closed before a response came' : 'the request failed');
        if (error instanceof Error) span.recordException(error);
      }
      if (this.options.addTags !== undefined) {
        const info: HttpSpanInfo = { ...call.info, statusCode: status, error, request: call.request, response };
        runAddTags(this.options, span, info);
      }
    }
    span.end();
  }
}

function outgoingInfo(request: ClientRequest): HttpRequestInfo {
  const [path, query] = splitTarget(request.path ?? '/');
  const scheme = request.protocol === 'https:' ? 'https' : 'http';
  const hostHeader = headerText(request.getHeader('host'));
  let host = request.host ?? '';
  let port: number | undefined;
  if (hostHeader !== undefined) {
    const parsed = parseHostHeader(hostHeader);
    if (host === '') host = parsed[0];
    port = parsed[1];
  }
  return { kind: 'client', method: request.method ?? 'GET', scheme, host, port, path, query };
}
