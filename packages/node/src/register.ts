// `node --import @trace/node/register app.mjs`, `node -r @trace/node/register app.cjs`, or either
// in NODE_OPTIONS: tracing starts from the OTEL_* environment before the app's first line, with
// HTTP instrumented when @trace/instrumentation-http is installed. Importing this module is its
// whole purpose (package.json lists it under `sideEffects`).
import { type TracingHandle, startTracingFromRegister } from './start-tracing.js';

// Both builds may be loaded in one process (`--import` for ESM, then a CommonJS `require` of this
// entry, or the flag given twice): tracing starts once, and every copy hands out the same handle.
const STARTED = Symbol.for('@trace/node.register');
const registry = globalThis as { [STARTED]?: TracingHandle };

/**
 * What `register` started: the global tracer, its exporters and warnings, and `shutdown()` for an
 * app that wants to flush at a planned exit (`import { tracing } from '@trace/node/register'`).
 */
export const tracing: TracingHandle = registry[STARTED] ?? startTracingFromRegister();
registry[STARTED] = tracing;
