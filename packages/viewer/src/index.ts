// @trace/viewer: OTLP, Zipkin and Jaeger receivers, a bounded trace store, and a page to see traces.
export { startViewer, DEFAULT_PORTS, DEFAULT_MAX_BODY_BYTES, type ViewerOptions, type ViewerHandle, type ViewerPorts } from './start-viewer.js';
export {
  TraceStore,
  criticalPath,
  DEFAULT_MAX_SPANS,
  DEFAULT_MAX_BYTES,
  type TraceStoreOptions,
  type TraceStoreStats,
  type TraceSummary,
  type TraceDetail,
  type TraceQuery,
  type CriticalPathSegment,
  type ServiceInfo,
  type DependencyEdge,
} from './trace-store.js';
export { ViewerExporter, toViewerSpan, type ViewerExporterOptions } from './viewer-exporter.js';
export type { ViewerSpan, ViewerEvent, ViewerLink, ViewerAttributes, ViewerAttributeValue, ViewerSource } from './model.js';
export { decodeOtlpProtobuf, decodeOtlpJson } from './otlp-decoder.js';
export { decodeZipkinJson, decodeZipkinProtobuf } from './zipkin-decoder.js';
export { decodeJaegerThrift } from './jaeger-thrift-decoder.js';
export { decodeJaegerProtobuf } from './jaeger-proto-decoder.js';
export { WireError } from './protobuf-reader.js';
export type { ReceiverName, ReceiverStats } from './receivers.js';
export type { GrpcReceiverName } from './grpc-receivers.js';
