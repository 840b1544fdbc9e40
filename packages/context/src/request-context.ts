// Per-request context for Node: one context per request, held in an
// AsyncLocalStorage so it follows the request through await, timers and promise chains instead
// of belonging to a thread.
//
//   incoming request ──► RequestContext.run({ requestId }, handler)
//                             │  store = { requestId, correlationId, traceId, spanId, tags }
//                             ├─ await db.query()      same store
//                             ├─ setTimeout(...)       same store
//                             └─ tracer.startSpan()    span observer writes traceId/spanId
//
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { type Result, type Span, TRACE_FLAG_SAMPLED, TraceContext, fail, getCurrentSpan, isValidHexId, registerSpanObserver } from '@trace/core';

/** Most tags one request context holds; more are refused so a loop cannot grow memory forever. */
export const REQUEST_CONTEXT_MAX_TAGS = 128;
/** Longest string kept in any request-context field or tag (longer ones are cut). */
export const REQUEST_CONTEXT_MAX_VALUE_LENGTH = 1024;

/**
 * A request context as a plain value: what {@link RequestContext.capture} returns and
 * {@link RequestContext.copyFrom} accepts. Only strings, a number and a flat record of strings,
 * so it survives `structuredClone`, `postMessage` to a `worker_thread`, and `JSON.stringify`.
 */
export interface RequestContextSnapshot {
  requestId: string;
  correlationId: string;
  /** 32 hex characters, or '' before any span. */
  traceId: string;
  /** 16 hex characters, or '' before any span. */
  spanId: string;
  /** W3C trace flags of the span (bit 0: sampled); 0 before any span. */
  traceFlags: number;
  tags: Record<string, string>;
}

/** The live context of the current request: fields may be changed. */
export interface RequestContextData extends RequestContextSnapshot {}

/** What {@link RequestContext.run} and {@link RequestContext.copyFrom} take: every field optional. */
export type RequestContextInit = Partial<Omit<RequestContextSnapshot, 'tags'>> & { tags?: Readonly<Record<string, string>> };

const STORAGE_KEY = Symbol.for('@trace/context.requestContextStorage');
const OBSERVER_KEY = Symbol.for('@trace/context.requestContextObserver');
type Slots = { [STORAGE_KEY]?: AsyncLocalStorage<RequestContextData | undefined>; [OBSERVER_KEY]?: boolean };
const slots = globalThis as Slots;
// On globalThis so the ESM and CommonJS copies of this package share one storage.
const storage: AsyncLocalStorage<RequestContextData | undefined> = slots[STORAGE_KEY] ?? new AsyncLocalStorage<RequestContextData | undefined>();
slots[STORAGE_KEY] = storage;

function cut(value: unknown): string {
  if (typeof value !== 'string') {
    if (value === undefined || value === null) return '';
    try {
      return cut(String(value));
    } catch {
      return ''; // an object whose toString throws: no value rather than a failed request
    }
  }
  return value.length > REQUEST_CONTEXT_MAX_VALUE_LENGTH ? value.slice(0, REQUEST_CONTEXT_MAX_VALUE_LENGTH) : value;
}

// One field of a caller's init object; a getter that throws reads as absent.
function field(init: unknown, key: keyof RequestContextInit): unknown {
  if (init === null || typeof init !== 'object') return undefined;
  try {
    return (init as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function isUsableTagKey(key: string): boolean {
  return key !== '__proto__' && key !== 'constructor' && key !== 'prototype' && key.length > 0 && key.length <= REQUEST_CONTEXT_MAX_VALUE_LENGTH;
}

function copyTags(source: unknown, target: Record<string, string>): void {
  if (source === null || typeof source !== 'object') return;
  let count = 0;
  try {
    for (const key in source) {
      if (count === REQUEST_CONTEXT_MAX_TAGS) return;
      if (!Object.hasOwn(source, key) || !isUsableTagKey(key)) continue;
      const value = (source as Record<string, unknown>)[key];
      if (typeof value !== 'string') continue;
      target[key] = cut(value);
      count++;
    }
  } catch {
    // A tags object whose getters or Proxy traps throw: the tags read so far are kept.
  }
}

function build(init: RequestContextInit | undefined): RequestContextData {
  // Null-prototype tags: a `__proto__` key from the wire can never reach Object.prototype.
  const tags: Record<string, string> = Object.create(null);
  const traceId = field(init, 'traceId');
  const spanId = field(init, 'spanId');
  const traceFlags = field(init, 'traceFlags');
  const data: RequestContextData = {
    requestId: cut(field(init, 'requestId')),
    correlationId: cut(field(init, 'correlationId')),
    traceId: typeof traceId === 'string' && isValidHexId(traceId, 32) ? traceId : '',
    spanId: typeof spanId === 'string' && isValidHexId(spanId, 16) ? spanId : '',
    traceFlags: 0,
    tags,
  };
  // Ids set by hand without flags (carrying a trace to a worker by hand) mean "continue this
  // trace": sampled, as a hand-made TraceContext is, so the worker's spans are exported.
  if (typeof traceFlags === 'number' && traceFlags >= 0 && traceFlags <= 255) data.traceFlags = traceFlags | 0;
  else if (data.traceId !== '' && data.spanId !== '') data.traceFlags = TRACE_FLAG_SAMPLED;
  copyTags(field(init, 'tags'), tags);
  // Reading the current span must not create a global tracer the app never asked for.
  if (data.traceId === '') fillFromSpan(data, getCurrentSpan());
  return data;
}

function fillFromSpan(data: RequestContextData, span: Span | undefined): void {
  if (span === undefined) return;
  data.traceId = span.traceId;
  data.spanId = span.spanId;
  data.traceFlags = span.traceFlags;
}

// Keeps every request context in step with tracing: whichever span starts or becomes current
// inside a request is the one log lines should name.
function ensureObserver(): void {
  if (slots[OBSERVER_KEY] === true) return;
  slots[OBSERVER_KEY] = true;
  registerSpanObserver({
    onStart(span) {
      const data = storage.getStore();
      if (data !== undefined) fillFromSpan(data, span);
    },
    onActivate(span) {
      const data = storage.getStore();
      if (data !== undefined) fillFromSpan(data, span);
    },
  });
}

/**
 * Per-request context: request id, correlation id, the current
 * trace and span ids, and string tags, available anywhere in the request's async code.
 *
 * Built on `AsyncLocalStorage`: it follows `await`, promise chains, timers, and callbacks of
 * EventEmitters bound with {@link RequestContext.bind}; concurrent requests each see their own.
 * Spans started or made current inside a request context write their `traceId`/`spanId` into it
 * (through core's span observer), so logs can be correlated with traces.
 */
export class RequestContext {
  private constructor() {}

  /**
   * Starts a request context for the rest of the current synchronous run and the async work it
   * starts (`AsyncLocalStorage.enterWith`). Prefer
   * {@link RequestContext.run}, which cannot leak into code that runs after the request.
   */
  static create(requestId: string): RequestContextData {
    ensureObserver();
    const data = build({ requestId });
    storage.enterWith(data);
    return data;
  }

  /** Runs `fn` inside a new request context built from `init` (copied: `init` is never shared). */
  static run<T>(init: RequestContextInit, fn: () => T): T {
    ensureObserver();
    return storage.run(build(init), fn);
  }

  /** The current request context, or `undefined` outside any. */
  static current(): RequestContextData | undefined {
    return storage.getStore();
  }

  /** True inside a request context. */
  static hasContext(): boolean {
    return storage.getStore() !== undefined;
  }

  /** Leaves the request context for the rest of this synchronous run and what it starts. */
  static clear(): void {
    if (storage.getStore() !== undefined) storage.enterWith(undefined);
  }

  /**
   * Restores a captured context (from {@link RequestContext.capture}, possibly in another
   * thread) as the current one, like `create`; fields are validated and copied.
   */
  static copyFrom(snapshot: RequestContextInit): RequestContextData {
    ensureObserver();
    const data = build(snapshot);
    storage.enterWith(data);
    return data;
  }

  /**
   * A plain, structured-clone-safe copy of the current context for another thread or a queue
   * message; `undefined` outside any. What crosses: requestId, correlationId, traceId, spanId,
   * traceFlags and tags. What does not: the span object, baggage, and anything else held in
   * `AsyncLocalStorage` (a worker has its own storage).
   */
  static capture(): RequestContextSnapshot | undefined {
    const data = storage.getStore();
    if (data === undefined) return undefined;
    const tags: Record<string, string> = {};
    for (const key in data.tags) tags[key] = data.tags[key] as string;
    return { requestId: data.requestId, correlationId: data.correlationId, traceId: data.traceId, spanId: data.spanId, traceFlags: data.traceFlags, tags };
  }

  /**
   * Sets a tag on the current context. Returns false outside a context, for an unusable key, or
   * when the context already holds {@link REQUEST_CONTEXT_MAX_TAGS} other tags.
   */
  static addTag(key: string, value: string): boolean {
    const data = storage.getStore();
    if (data === undefined || typeof key !== 'string' || !isUsableTagKey(key)) return false;
    if (!(key in data.tags)) {
      let count = 0;
      for (const _ in data.tags) count++;
      if (count >= REQUEST_CONTEXT_MAX_TAGS) return false;
    }
    data.tags[key] = cut(value);
    return true;
  }

  /** A new random correlation id (32 lowercase hex characters, 128 random bits). */
  static generateCorrelationId(): string {
    return randomBytes(16).toString('hex');
  }

  /**
   * `fn` bound to the current request context: call it from anywhere (an EventEmitter listener,
   * a pooled callback) and it runs in the context that was current when `bind` was called.
   */
  static bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return AsyncLocalStorage.bind(fn);
  }

  /**
   * The current context's trace position as a `TraceContext`, to start a child span in code
   * that has only the request context (a worker thread after {@link RequestContext.copyFrom}).
   */
  static traceContext(): Result<TraceContext> {
    const data = storage.getStore();
    if (data === undefined) return fail('NO_REQUEST_CONTEXT', 'there is no current request context');
    const result = TraceContext.create({ traceId: data.traceId, spanId: data.spanId, traceFlags: data.traceFlags & 0xff, isRemote: false });
    if (!result.ok) return fail('NO_TRACE_IN_REQUEST_CONTEXT', 'the request context holds no trace and span id yet');
    return result;
  }
}
