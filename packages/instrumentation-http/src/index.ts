// @trace/instrumentation-http: server and client spans for node:http, node:https and fetch,
// from diagnostics_channel events.
export { instrumentHttp, setHttpRoute, type HttpInstrumentation } from './instrument-http.js';
export type { InstrumentHttpOptions, HttpRequestInfo, HttpSpanInfo } from './options.js';
