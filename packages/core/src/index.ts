// @trace/core: the span model, the tracer, W3C trace context, and the export pipeline.
export { type Result, type Ok, type Err, TraceError, ConfigError, ok, err, fail } from './result.js';
export type { TagValue, Tags } from './attributes.js';
export { sanitizeTagValue } from './attributes.js';
export {
  Span,
  isSpan,
  spanKindFromTag,
  toEpochMicros,
  type SpanKind,
  type SpanStatus,
  type SpanEvent,
  type SpanLink,
  type TimeInput,
  type InstrumentationScope,
  type SpanOwner,
} from './span.js';
export { SpanBuilder } from './span-builder.js';
export {
  Tracer,
  globalTracer,
  setGlobalTracer,
  getCurrentSpan,
  traceSpan,
  traceChildSpan,
  type TracerOptions,
  type StartSpanOptions,
  type NamedExportStats,
} from './tracer.js';
export { registerSpanObserver, type SpanObserver, suppressTracing, isTracingSuppressed, runWithAttachment, currentAttachment } from './context-storage.js';
export {
  TraceContext,
  isTraceContext,
  TRACE_FLAG_SAMPLED,
  parseTraceparent,
  formatTraceparent,
  type TraceContextInit,
  type Traceparent,
} from './trace-context.js';
export { TraceState, TRACE_STATE_MAX_MEMBERS, isValidTraceStateKey, isValidTraceStateValue } from './trace-state.js';
export { Baggage, BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS, encodeBaggageValue, isValidBaggageKey, type BaggageEntry, type BaggageItems } from './baggage.js';
export { type Carrier, type CarrierAdapter, type HeadersLike, defaultCarrierAdapter } from './carrier.js';
export {
  type Propagator,
  W3CPropagator,
  type W3CPropagatorOptions,
  NO_TRACE_CONTEXT,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  BAGGAGE_HEADER,
  BAGGAGE_ITEM_PREFIX,
} from './propagator.js';
export { isValidHexId, generateSpanId, generateTraceId } from './ids.js';
export { type Sampler, type SamplingParameters, type ParentBasedOptions, alwaysOn, alwaysOff, traceIdRatio, parentBased } from './sampler.js';
export { type SpanLimits, DEFAULT_SPAN_LIMITS } from './span-limits.js';
export { type Scheduler, realScheduler } from './scheduler.js';
export {
  type SpanExporter,
  type ExportStats,
  type LostSpans,
  type ExportResult,
  type ExportSuccess,
  type ExportOptions,
  ExportError,
  BaseSpanExporter,
  exportSucceeded,
  exportFailed,
  normalizeExportResult,
} from './export/exporter.js';
export type { TraceExportFormat, TraceExportConfig } from './export/export-config.js';
export { ExportPipeline, type ExportSettings, type FlushResult, DEFAULT_EXPORT_SETTINGS } from './export/export-pipeline.js';
export { DEFAULT_FLUSH_DEADLINE_MS } from './export/export-pipeline.js';
export {
  type DiagnosticLogger,
  type DiagnosticLogLevel,
  DEFAULT_DIAGNOSTIC_LOG_LEVEL,
  setDiagnosticLogger,
  setDiagnosticLogLevel,
  getDiagnosticLogLevel,
  diagnose,
} from './diagnostic-logger.js';
export { type RetryPolicy, DEFAULT_RETRY_POLICY } from './export/retry-policy.js';
export { InMemoryExporter } from './export/in-memory-exporter.js';
export { ConsoleExporter, formatTraceTree, type ConsoleExporterOptions } from './export/console-exporter.js';
export type { ShutdownHookOptions } from './shutdown-hooks.js';
export {
  type HttpTransport,
  type HttpRequest,
  type HttpResponse,
  type GrpcTransport,
  type GrpcRequest,
  type GrpcResponse,
  type TransportStatistics,
  type TransportErrorKind,
  TransportError,
} from './transport.js';
export { loadOptionalPackage, isPackageNotInstalled, OptionalPackageError, type OptionalPackageErrorCode } from './optional-package.js';
