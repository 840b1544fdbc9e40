// @trace/exporter-zipkin: Zipkin v2 JSON and protobuf encoders and the exporter that sends them.
export { ZipkinExporter, createZipkinExporter, ZIPKIN_SPANS_PATH, type ZipkinExporterOptions, type ZipkinFormat } from './zipkin-exporter.js';
export { encodeZipkinJson, encodeZipkinJsonBytes, encodeZipkinJsonInto } from './json-encoder.js';
export { encodeZipkinProto } from './proto-encoder.js';
export type { ZipkinEncodeOptions, ZipkinEndpointAddress } from './span-facts.js';
