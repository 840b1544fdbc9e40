// Server spans from `http.server.request.start`: one `server` span per incoming request,
// continuing the caller's trace, current for the whole handler, ended when the response is done
// or the connection closes first.
//
//   request.start ─ extract ─ start span ─ enterWith(span) ─▶ 'request' handlers run
//   response 'close' after 'finish' ──────────────────────────▶ end (status code)
//   response 'close' before 'finish' (client went away) ──────▶ end, error.type = aborted
//
// The response's own 'close' event (emitted right after 'finish', or when the connection dies
// first) covers both ends with one listener and no table from responses to spans.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span, StartSpanOptions, Tracer } from '@trace/core';
import { getCurrentSpan } from '@trace/core';
import type { HttpRequestInfo, HttpSpanInfo, ResolvedOptions } from './options.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_PROTOCOL_VERSION,
  ATTR_STATUS,
  type HeaderReader,
  headerText,
  ignoredIncoming,
  parseHostHeader,
  recordHeaders,
  runAddTags,
  spanNameFor,
  splitTarget,
  tagRequest,
} from './semantic.js';

const REQUEST_START = 'http.server.request.start';

interface ServerMessage {
  request: IncomingMessage;
  response: ServerResponse;
}

const CONTINUE_OPTIONS: StartSpanOptions = Object.freeze({ kind: 'server' });
const ROOT_OPTIONS: StartSpanOptions = Object.freeze({ kind: 'server', parent: null });

/** One traced incoming request. */
class ServerCall {
  readonly onClose: () => void;

  constructor(
    readonly span: Span,
    readonly info: HttpRequestInfo,
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    owner: ServerInstrumentation,
  ) {
    this.onClose = () => owner.end(this);
  }
}

/** @internal */
export class ServerInstrumentation {
  private readonly onStart = (message: unknown): void => {
    try {
      this.start(message as ServerMessage);
    } catch {
      // nothing on the traced path may throw into the server
    }
  };
  private readonly onUncaught = (error: unknown): void => {
    // A handler that throws synchronously ends up here (with or without an 'uncaughtException'
    // handler); the context is still the handler's, so its current span gets the exception.
    try {
      const span = getCurrentSpan();
      if (span === undefined || !span.isRecording() || span.isFinished()) return;
      span.recordException(error);
      span.setStatus('error');
      if (span.getTag(ATTR_ERROR_TYPE) === undefined) span.setTag(ATTR_ERROR_TYPE, errorName(error));
    } catch {
      // as above
    }
  };

  constructor(
    private readonly tracer: Tracer,
    private readonly options: ResolvedOptions,
  ) {}

  enable(): void {
    subscribe(REQUEST_START, this.onStart);
    process.on('uncaughtExceptionMonitor', this.onUncaught);
  }

  disable(): void {
    installConnectionCleaner(this.tracer);
    unsubscribe(REQUEST_START, this.onStart);
    process.off('uncaughtExceptionMonitor', this.onUncaught);
  }

  private start({ request, response }: ServerMessage): void {
    const info = incomingInfo(request);
    if (ignoredIncoming(this.options, info)) {
      this.tracer.clearCurrentSpan();
      return;
    }
    const tracer = this.tracer;
    const method = info.method;
    const name = spanNameFor(method);
    const parent = tracer.extractContextFromCarrier(request.headers);
    // Without a caller's context this is a new trace, whatever was current on the connection.
    const span = parent.ok ? tracer.startSpanFromContext(parent.value, name, CONTINUE_OPTIONS) : tracer.startSpan(name, ROOT_OPTIONS);
    const call = new ServerCall(span, info, request, response, this);
    tracer.setCurrentSpan(span);
    response.once('close', call.onClose);
    if (!span.isRecording()) return;
    tagRequest(span, info, this.options, request, incomingHeader);
    span.setTag(ATTR_PROTOCOL_VERSION, request.httpVersion);
  }

  /** @internal Ends a call when its response closes: finished, or cut off before that. */
  end(call: ServerCall): void {
    const response = call.response;
    const aborted = !response.writableFinished;
    const span = call.span;
    if (span.isRecording()) {
      const status = response.headersSent ? response.statusCode : undefined;
      if (status !== undefined) span.setTag(ATTR_STATUS, status);
      if (aborted) {
        if (span.getTag(ATTR_ERROR_TYPE) === undefined) span.setTag(ATTR_ERROR_TYPE, 'aborted');
        span.setStatus('error', 'the connection closed before the response finished');
      } else if (status !== undefined && status >= 500) {
        if (span.getTag(ATTR_ERROR_TYPE) === undefined) span.setTag(ATTR_ERROR_TYPE, String(status));
        span.setStatus('error');
      }
      recordHeaders(span, this.options.responseHeaders, response, outgoingHeader);
      if (this.options.addTags !== undefined) {
        const info: HttpSpanInfo = { ...call.info, statusCode: status, error: aborted ? 'aborted' : undefined, request: call.request, response };
        runAddTags(this.options, span, info);
      }
    }
    span.end();
  }
}

// A keep-alive connection that served traced requests keeps the last one's span as its context.
// Once tracing stops, nothing would overwrite it, and the next request's handler would find a
// finished span of another trace current. So after the first disable() a subscriber stays that
// only clears it (two store reads per request); it creates nothing.
// Any tracer clears it: the current span lives in one storage shared by every tracer.
let cleaner: Tracer | undefined;
const cleanConnection = (): void => {
  try {
    cleaner?.clearCurrentSpan();
  } catch {
    // nothing on the traced path may throw into the server
  }
};

function installConnectionCleaner(tracer: Tracer): void {
  if (cleaner !== undefined) return;
  cleaner = tracer;
  subscribe(REQUEST_START, cleanConnection);
}

const incomingHeader: HeaderReader<IncomingMessage> = (request, name) => headerText(request.headers[name]);
const outgoingHeader: HeaderReader<ServerResponse> = (response, name) => headerText(response.getHeader(name));

function incomingInfo(request: IncomingMessage): HttpRequestInfo {
  const [path, query] = splitTarget(request.url ?? '/');
  const hostHeader = request.headers.host;
  const [host, port] = hostHeader === undefined ? ['', undefined] : parseHostHeader(hostHeader);
  const encrypted = (request.socket as { encrypted?: boolean } | null)?.encrypted === true;
  return { kind: 'server', method: request.method ?? 'GET', scheme: encrypted ? 'https' : 'http', host, port, path, query };
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.constructor.name === 'Error' ? error.name : error.constructor.name;
  return '_OTHER';
}
