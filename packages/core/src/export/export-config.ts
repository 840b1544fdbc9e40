/** The seven wire formats. */
export type TraceExportFormat = 'jaeger_thrift' | 'jaeger_grpc' | 'zipkin_json' | 'zipkin_protobuf' | 'otlp_grpc' | 'otlp_http_json' | 'otlp_http_protobuf';

/** Configuration every exporter shares. */
export interface TraceExportConfig<F extends TraceExportFormat = TraceExportFormat> {
  /** Backend URL (HTTP formats) or `host:port` (gRPC formats). */
  endpoint: string;
  format: F;
  /** Deadline of one request, in ms. Default 30000. */
  timeoutMs?: number;
  /** Compress request bodies. Default `'none'`. */
  compression?: 'gzip' | 'none';
  /** Extra headers or gRPC metadata, e.g. `Authorization`. Their values never appear in errors or stats. */
  headers?: Readonly<Record<string, string>>;
  /** Overrides each span's service name. */
  serviceName?: string;
}

export const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;
