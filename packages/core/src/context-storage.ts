// The current span follows async code through one AsyncLocalStorage. It lives on globalThis so
// that the ESM and CommonJS copies of this package, if both get loaded, still share it.
import { AsyncLocalStorage } from './platform.js';
import type { Span } from './span.js';

const STORAGE_KEY = Symbol.for('@trace/core.currentSpanStorage');
const OBSERVERS_KEY = Symbol.for('@trace/core.spanObservers');

type GlobalSlots = { [STORAGE_KEY]?: AsyncLocalStorage<Span>; [OBSERVERS_KEY]?: SpanObserver[] };

// Both are found (or made) on first use, not at import: importing the package runs nothing.
let storage: AsyncLocalStorage<Span> | undefined;
let observers: SpanObserver[] | undefined;

/** @internal The storage whose store is the current span, shared by every copy of the package. */
export function spanStorage(): AsyncLocalStorage<Span> {
  if (storage === undefined) {
    const slots = globalThis as GlobalSlots;
    storage = slots[STORAGE_KEY] ??= new AsyncLocalStorage<Span>();
  }
  return storage;
}

/** @internal Every registered observer, shared by every copy of the package. */
export function spanObservers(): SpanObserver[] {
  if (observers === undefined) {
    const slots = globalThis as GlobalSlots;
    observers = slots[OBSERVERS_KEY] ??= [];
  }
  return observers;
}

/**
 * Told when any tracer starts a span or makes one current. `@trace/context` uses this to keep
 * request context in step with tracing; observers must be fast and must not throw.
 */
export interface SpanObserver {
  onStart?(span: Span): void;
  onActivate?(span: Span): void;
}

/** Registers an observer of span starts and activations; returns a function that removes it. */
export function registerSpanObserver(observer: SpanObserver): () => void {
  const list = spanObservers();
  list.push(observer);
  return () => {
    const index = list.indexOf(observer);
    if (index !== -1) list.splice(index, 1);
  };
}

/** @internal */
export function notifyStart(span: Span): void {
  for (const observer of spanObservers()) {
    try {
      observer.onStart?.(span);
    } catch {
      // an observer's bug must not reach the traced code
    }
  }
}

/** @internal */
export function notifyActivate(span: Span): void {
  for (const observer of spanObservers()) {
    try {
      observer.onActivate?.(span);
    } catch {
      // an observer's bug must not reach the traced code
    }
  }
}

const SUPPRESS_KEY = Symbol.for('@trace/core.suppressTracingStorage');
type SuppressSlot = { [SUPPRESS_KEY]?: AsyncLocalStorage<true> };
let suppressStorage: AsyncLocalStorage<true> | undefined;

function suppressed(): AsyncLocalStorage<true> {
  if (suppressStorage === undefined) suppressStorage = (globalThis as SuppressSlot)[SUPPRESS_KEY] ??= new AsyncLocalStorage<true>();
  return suppressStorage;
}

/**
 * Runs `fn` with tracing suppressed for it and the async work it starts: instrumentations (HTTP,
 * the OpenTelemetry API bridge) record nothing there. The export pipeline runs every export this
 * way, so an exporter's own requests never become spans that would be exported in turn.
 */
export function suppressTracing<T>(fn: () => T): T {
  return suppressed().run(true, fn);
}

/** True inside {@link suppressTracing}: instrumentation should record nothing. */
export function isTracingSuppressed(): boolean {
  // Nothing was ever suppressed while no copy of the package has made the storage yet.
  if (suppressStorage === undefined) suppressStorage = (globalThis as SuppressSlot)[SUPPRESS_KEY];
  return suppressStorage !== undefined && suppressStorage.getStore() === true;
}
