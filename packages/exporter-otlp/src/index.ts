// @trace/exporter-otlp: OTLP over gRPC, HTTP+protobuf and HTTP+JSON.
export { OtlpExporter, createOtlpExporter, OTLP_TRACE_SERVICE, OTLP_METRICS_SERVICE } from './otlp-exporter.js';
export type { OtlpExporterOptions, OtlpExportFormat, MetricsExportResult, MetricsExportSuccess } from './otlp-exporter.js';
export { encodeOtlpTraceProtobuf } from './trace-protobuf.js';
export { encodeOtlpTraceJson } from './trace-json.js';
export { encodeOtlpMetricsProtobuf, encodeOtlpMetricsJson } from './metrics.js';
export type { OtlpMetricData, OtlpNumberDataPoint, OtlpHistogramDataPoint, OtlpDataPointBase } from './metrics.js';
export { DEFAULT_MAX_REQUEST_BYTES } from './encoded-batch.js';
export { OTLP_GRPC_PORT, OTLP_HTTP_PORT } from './endpoint.js';
export { microsToNanosString } from './unix-nanos.js';
