// `node --import @trace/node/register app.mjs`, `node -r @trace/node/register app.cjs`, or either
// in NODE_OPTIONS: tracing starts from the OTEL_* environment before the app's first line, with
// HTTP instrumented when @trace/instrumentation-http is installed. Importing this module is its
// whole purpose (package.json lists it under `sideEffects`).
import { startTracingFromRegister } from './start-tracing.js';

startTracingFromRegister();
