// Which server request the running code belongs to. Node publishes `http.server.request.start`
// synchronously just before the server emits 'request', so the handler inherits whatever the
// subscriber makes current with AsyncLocalStorage.enterWith (the core's `setCurrentSpan`). That
// execution context belongs to the connection, not the request: the next request on a keep-alive
// socket starts from what the last one left. So every request start, traced or not, overwrites it
// (see `ServerInstrumentation`).
import { type Span, getCurrentSpan } from '@trace/core';

/** @internal What a server span is for, and how it is named. */
export interface ServerCallState {
  readonly span: Span;
  readonly method: string;
  ended: boolean;
  route: string | undefined;
}

// Keyed by the server span itself: no second AsyncLocalStorage (each one costs every async
// resource the process creates), the core's current span is enough to find the call.
const CALLS_KEY = Symbol.for('@trace/instrumentation-http.serverCalls');
const CORE_SPAN_STORAGE_KEY = Symbol.for('@trace/core.currentSpanStorage');
type Slots = { [CALLS_KEY]?: WeakMap<Span, ServerCallState>; [CORE_SPAN_STORAGE_KEY]?: { getStore(): unknown; enterWith(store: unknown): void } };

let calls: WeakMap<Span, ServerCallState> | undefined;

/** @internal Server calls by span, shared by the ESM and CommonJS copies of this package. */
export function serverCalls(): WeakMap<Span, ServerCallState> {
  if (calls !== undefined) return calls;
  const slots = globalThis as Slots;
  calls = slots[CALLS_KEY] ?? new WeakMap<Span, ServerCallState>();
  slots[CALLS_KEY] = calls;
  return calls;
}

/** @internal The server call whose span is the current span, if any. */
export function currentServerCall(): ServerCallState | undefined {
  const span = getCurrentSpan();
  return span === undefined || calls === undefined ? undefined : calls.get(span);
}

/**
 * @internal Makes "no span" current again, for a request that is not traced. The core offers
 * `setCurrentSpan(span)` but no way back to none; its storage is shared through a well-known
 * global slot, which is what this uses until the core grows a `clearCurrentSpan()`.
 */
export function clearCurrentSpan(): void {
  const core = (globalThis as Slots)[CORE_SPAN_STORAGE_KEY];
  if (core !== undefined && core.getStore() !== undefined) core.enterWith(undefined);
}
