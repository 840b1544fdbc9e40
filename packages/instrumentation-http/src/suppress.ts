// "Do not trace what runs in here": the exporters' own requests must never become spans, or every
// export would produce spans to export. The flag lives in an AsyncLocalStorage kept on globalThis
// under a well-known symbol, so the ESM and CommonJS copies of this package share it, and so that
// the core's export pipeline can later enter the very same flag around each export.
import { AsyncLocalStorage } from 'node:async_hooks';

const SUPPRESS_KEY = Symbol.for('@trace/core.suppressTracing');
type SuppressSlot = { [SUPPRESS_KEY]?: AsyncLocalStorage<boolean> };

let storage: AsyncLocalStorage<boolean> | undefined;

/** @internal Created on first use: importing the package runs nothing. */
export function suppressStorage(): AsyncLocalStorage<boolean> {
  if (storage !== undefined) return storage;
  const slot = globalThis as SuppressSlot;
  storage = slot[SUPPRESS_KEY] ?? new AsyncLocalStorage<boolean>();
  slot[SUPPRESS_KEY] = storage;
  return storage;
}

/**
 * Runs `fn` with HTTP tracing suppressed: requests it makes (directly or from async work it
 * starts) get no client span and carry no trace headers. Use it around requests that report on
 * tracing itself, such as a custom exporter's.
 */
export function suppressTracing<T>(fn: () => T): T {
  return suppressStorage().run(true, fn);
}

/** True inside {@link suppressTracing} (or an export this package guards). */
export function isTracingSuppressed(): boolean {
  return storage !== undefined && storage.getStore() === true;
}
