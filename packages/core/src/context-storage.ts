// The current span follows async code through one AsyncLocalStorage. It lives on globalThis so
// that the ESM and CommonJS copies of this package, if both get loaded, still share it.
import { AsyncLocalStorage } from './platform.js';
import type { Span } from './span.js';

// ".v2": the store may be a SpanWithAttachment since then, which a copy of an older version would
// take for a span; with its own key, such a copy keeps its own current span instead.
const STORAGE_KEY = Symbol.for('@trace/core.currentSpanStorage.v2');
const ATTACHMENT_CLASS_KEY = Symbol.for('@trace/core.SpanWithAttachment');
const OBSERVERS_KEY = Symbol.for('@trace/core.spanObservers');

/**
 * The store when a bridge to another tracing API attached its own context to the current span:
 * one storage carries both, so the bridge costs no second AsyncLocalStorage switch per scope.
 */
class SpanWithAttachment {
  constructor(
    readonly span: Span | undefined,
    readonly attachment: object,
  ) {}
}

/** What the storage holds: the current span, or the current span and a bridge's attachment. */
export type SpanStore = Span | SpanWithAttachment;

type GlobalSlots = {
  [STORAGE_KEY]?: AsyncLocalStorage<SpanStore | undefined>;
  [OBSERVERS_KEY]?: SpanObserver[];
  [ATTACHMENT_CLASS_KEY]?: typeof SpanWithAttachment;
};

// Found (or made) on first use, not at import: importing the package runs nothing.
let storage: AsyncLocalStorage<SpanStore | undefined> | undefined;
let observers: SpanObserver[] | undefined;
// Becomes the class every copy of the package uses, so `instanceof` holds across copies; until
// the storage is made, nothing can hold an instance of either.
let Attached = SpanWithAttachment;

/** @internal The storage whose store is the current span, shared by every copy of the package. */
export function spanStorage(): AsyncLocalStorage<SpanStore | undefined> {
  if (storage === undefined) {
    const slots = globalThis as GlobalSlots;
    storage = slots[STORAGE_KEY] ??= new AsyncLocalStorage<SpanStore | undefined>();
    Attached = slots[ATTACHMENT_CLASS_KEY] ??= SpanWithAttachment;
  }
  return storage;
}

/** @internal The span a store holds. */
export function spanIn(store: SpanStore | undefined): Span | undefined {
  return store instanceof Attached ? store.span : store;
}

/**
 * @internal What to store to make `span` current in place of `store`: an attachment stays with
 * the spans made current inside its scope, so the bridge that made it still finds it there.
 */
export function storeFor(store: SpanStore | undefined, span: Span | undefined): SpanStore | undefined {
  return store instanceof Attached ? new Attached(span, store.attachment) : span;
}

function applyTo<T>(fn: (...args: never[]) => T, thisArg: unknown, args: ArrayLike<unknown> | undefined): T {
  // apply takes a missing argument list as none
  return fn.apply(thisArg, args as never[]);
}

/**
 * For bridges to other tracing APIs: runs `fn` (with `thisArg` and `args`) with `span` current
 * (none when `undefined`) and `attachment` carried beside it through the same async storage.
 * Spans `@trace` code makes current inside keep the attachment; {@link currentAttachment} reads it.
 */
export function runWithAttachment<T>(span: Span | undefined, attachment: object, fn: (...args: never[]) => T, thisArg?: unknown, args?: ArrayLike<unknown>): T {
  const current = spanStorage();
  if (span !== undefined && spanObservers().length !== 0) notifyActivate(span);
  return current.run(new Attached(span, attachment), applyTo, fn, thisArg, args) as T;
}

/** The attachment of the innermost {@link runWithAttachment} scope around this code, if any. */
export function currentAttachment(): object | undefined {
  const store = spanStorage().getStore();
  return store instanceof Attached ? store.attachment : undefined;
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
