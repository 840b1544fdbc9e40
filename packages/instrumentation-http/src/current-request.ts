// Which server request the running code belongs to. Node publishes `http.server.request.start`
// synchronously just before the server emits 'request', so the handler inherits whatever the
// subscriber enters with AsyncLocalStorage.enterWith. That execution context belongs to the
// connection, not the request: the next request on a keep-alive socket starts from what the last
// one left. So every request start, traced or not, overwrites it (see `ServerInstrumentation`).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@trace/core';

/** @internal What the running handler's server span is, and how it is named. */
export interface ServerCallState {
  readonly span: Span;
  readonly method: string;
  ended: boolean;
  route: string | undefined;
}

const REQUEST_KEY = Symbol.for('@trace/instrumentation-http.currentRequest');
const CORE_SPAN_STORAGE_KEY = Symbol.for('@trace/core.currentSpanStorage');
type Slots = { [REQUEST_KEY]?: AsyncLocalStorage<ServerCallState | undefined>; [CORE_SPAN_STORAGE_KEY]?: AsyncLocalStorage<unknown> };

let storage: AsyncLocalStorage<ServerCallState | undefined> | undefined;

/** @internal */
export function requestStorage(): AsyncLocalStorage<ServerCallState | undefined> {
  if (storage !== undefined) return storage;
  const slots = globalThis as Slots;
  storage = slots[REQUEST_KEY] ?? new AsyncLocalStorage<ServerCallState | undefined>();
  slots[REQUEST_KEY] = storage;
  return storage;
}

/** @internal The server call the running code belongs to, if any. */
export function currentServerCall(): ServerCallState | undefined {
  return storage?.getStore();
}

/**
 * @internal Makes "no span" current again, for a request that is not traced. The core offers
 * `setCurrentSpan(span)` but no way back to none; its storage is shared through a well-known
 * global slot, which is what this uses until the core grows a `clearCurrentSpan()`.
 */
export function clearCurrentSpan(): void {
  const core = (globalThis as Slots)[CORE_SPAN_STORAGE_KEY];
  if (core !== undefined && core.getStore() !== undefined) core.enterWith(undefined);
  if (storage !== undefined && storage.getStore() !== undefined) storage.enterWith(undefined);
}
