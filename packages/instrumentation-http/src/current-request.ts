// Which server request the running code belongs to. Node publishes `http.server.request.start`
// synchronously just before the server emits 'request', so the handler inherits whatever the
// subscriber makes current with AsyncLocalStorage.enterWith (the core's `setCurrentSpan`). That
// execution context belongs to the connection, not the request: the next request on a keep-alive
// socket starts from what the last one left. So every request start, traced or not, overwrites it
// (see `ServerInstrumentation`).

const CORE_SPAN_STORAGE_KEY = Symbol.for('@trace/core.currentSpanStorage');
type Slots = { [CORE_SPAN_STORAGE_KEY]?: { getStore(): unknown; enterWith(store: unknown): void } };

/**
 * @internal Makes "no span" current again, for a request that is not traced. The core offers
 * `setCurrentSpan(span)` but no way back to none; its storage is shared through a well-known
 * global slot, which is what this uses until the core grows a `clearCurrentSpan()`.
 */
export function clearCurrentSpan(): void {
  const core = (globalThis as Slots)[CORE_SPAN_STORAGE_KEY];
  if (core !== undefined && core.getStore() !== undefined) core.enterWith(undefined);
}
