// The version of @trace/core, the instrumentation scope version of spans started by a tracer that
// names no scope. A constant, not a read of package.json (no single source reads JSON in both the
// ESM and CommonJS builds); a test checks it equals package.json's version, so a release that
// forgets it fails CI.

/** The version of `@trace/core`. */
export const CORE_VERSION = '0.0.0';
