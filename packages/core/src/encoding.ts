// `@trace/core/encoding`: what exporters and transports are built from: the byte writers, the one
// rule for custom headers and for showing an endpoint without its secrets, the rules that turn a
// response into an export result. Apps never need these; an author of an exporter or a transport
// does. An exporter's counters are not here: extend BaseSpanExporter, which keeps them.
export { ByteBuffer, type ByteBufferOptions } from './byte-buffer.js';
export { writeHexBytes } from './ids.js';
export {
  JsonBytesWriter,
  type JsonBytesWriterOptions,
  JSON_NUMBER_ROOM,
  jsonAsciiBytes,
  jsonStringRoom,
  putJsonAscii,
  putJsonBoolean,
  putJsonBytes,
  putJsonEightDigits,
  putJsonInteger,
  putJsonNumber,
  putJsonString,
} from './json-bytes.js';
export { INSPECT_CUSTOM, redactUrl, validateHeaders } from './request-secrets.js';
export { ProtoWriter, varintSize } from './proto-writer.js';
export { ProtoReader } from './proto-reader.js';
export {
  type RetryableStatusPredicate,
  classifyHttpResult,
  classifyTransportError,
  type TransportCounters,
  createTransportStatistics,
  parseRetryAfter,
  retryOnOtlpStatuses,
  retryOnServerErrors,
  snapshotTransportStatistics,
} from './transport.js';
export { retryDelay } from './export/retry-policy.js';
export { DEFAULT_EXPORT_TIMEOUT_MS } from './export/export-config.js';
