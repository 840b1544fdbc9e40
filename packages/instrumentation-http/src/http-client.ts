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
import type { HttpRequestInfo, ResolvedOptions } from './options.js';

import { endClientSpan, type HeaderReader, headerText, ignoredOutgoing, parseHostHeader, spanNameFor, splitTarget, tagRequest } from './semantic.js';

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
    if (span.isRecording()) tagRequest(span, info, this.options, request, clientRequestHeader);
  }

  /** @internal Ends a call once: response, error, or a close with neither (an abort). */
  end(call: ClientCall, response: IncomingMessage | undefined, error: unknown): void {
    if (call.ended) return;
    call.ended = true;
    call.request.off('close', call.onClose);
    const outcome = { response, status: response?.statusCode, protocolVersion: response?.httpVersion ?? '1.1', error };
    endClientSpan(call.span, this.options, call, outcome, responseHeader);
  }
}

const clientRequestHeader: HeaderReader<ClientRequest> = (request, name) => headerText(request.getHeader(name));
const responseHeader: HeaderReader<IncomingMessage> = (response, name) => headerText(response.headers[name]);

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
