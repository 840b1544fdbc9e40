// `@trace/core/encoding`: the byte writers exporters are built from. Apps never need these; an
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
