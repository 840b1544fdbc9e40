// @trace/transport-http: the real HTTP(S) transport exporters send through.
export { createDefaultTransport } from './http-transport.js';
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_RESPONSE_BODY_TIMEOUT_MS, DEFAULT_USER_AGENT } from './transport-options.js';
export type { DefaultTransportOptions, TlsMaterial } from './transport-options.js';
