// `@trace/core/encoding`: what exporters are built from: the byte writers, and the one rule for
// custom headers and for showing an endpoint without its secrets. Apps never need these; an
// exporter author writing a new wire format does.
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
