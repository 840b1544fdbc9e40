// B3 (`X-B3-Flags: 1`, `b3: …-d`) and Jaeger (flag 0x02) both have a "debug" sampling state that
// W3C trace flags cannot hold: a spare W3C bit would leak into `traceparent`. Contexts extracted
// with debug set are remembered here instead, so re-injecting the same context (a proxy, a
// composite propagator writing every format) keeps the debug decision.
import type { TraceContext } from '@trace/core';

const DEBUG_CONTEXTS_KEY = Symbol.for('@trace/context.debugContexts');
type Slot = { [DEBUG_CONTEXTS_KEY]?: WeakSet<TraceContext> };
const slot = globalThis as Slot;
// On globalThis so the ESM and CommonJS copies of this package agree on what is debug.
const debugContexts: WeakSet<TraceContext> = slot[DEBUG_CONTEXTS_KEY] ?? new WeakSet<TraceContext>();
slot[DEBUG_CONTEXTS_KEY] = debugContexts;

/** @internal Marks `context` as carrying a debug sampling decision. */
export function markDebug(context: TraceContext): TraceContext {
  debugContexts.add(context);
  return context;
}

/**
 * True when `context` was extracted with a debug sampling decision (B3 `X-B3-Flags: 1` or
 * `b3: …-d`, Jaeger flag `0x02`). Debug implies sampled. Only the extracted context object itself
 * carries the mark: spans started from it do not (core's span model has no debug flag).
 */
export function isDebugContext(context: TraceContext): boolean {
  return debugContexts.has(context);
}
