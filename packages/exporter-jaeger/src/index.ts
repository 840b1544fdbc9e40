// @trace/exporter-jaeger: Jaeger Thrift over HTTP and Jaeger gRPC.
export {
  JaegerExporter,
  createJaegerExporter,
  JAEGER_THRIFT_HTTP_PORT,
  JAEGER_GRPC_PORT,
  JAEGER_THRIFT_PATH,
  JAEGER_GRPC_SERVICE,
  JAEGER_GRPC_METHOD,
} from './jaeger-exporter.js';
export type { JaegerExporterOptions, JaegerExportFormat } from './jaeger-exporter.js';
export { encodeJaegerThriftBatch } from './jaeger-thrift-encoder.js';
export { encodeJaegerProtoPostSpans } from './jaeger-proto-encoder.js';
export { createJaegerProcess, JAEGER_CLIENT_VERSION_TAG } from './jaeger-process.js';
export type { JaegerProcess, JaegerProcessOptions } from './jaeger-process.js';
export { GRPC_TRANSPORT_PACKAGE } from './grpc-transport-loader.js';
export { CLIENT_VERSION } from './version.js';
