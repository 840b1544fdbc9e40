// @trace/otel-adapter: OpenTelemetry resources, span and metric data, adapters from trace's model,
// and a compatibility layer with pluggable sinks.
export type { OtelResource } from './resource.js';
export { createResource, createServiceResource, mergeResources, ResourceAttributeKeys } from './resource.js';
export { SDK_LANGUAGE, SDK_NAME, SDK_VERSION } from './version.js';
export { OtelSpanFlags, OtelSpanKind, OtelStatusCode } from './span-data.js';
export type { OtelAttributes, OtelInstrumentationScope, OtelSpanData, OtelSpanEvent, OtelSpanLink, OtelSpanStatus } from './span-data.js';
export { OpenTelemetryTracerAdapter } from './tracer-adapter.js';
export {
  ERROR_MESSAGE_TAG,
  ERROR_TAG,
  SPAN_KIND_TAG,
  isFieldTag,
  otelLinkFlags,
  otelSpanFlags,
  otelSpanKind,
  otelStatusCode,
  otelStatusMessage,
} from './span-rules.js';
export { microsToNanos, millisToNanos } from './time.js';
export type { MetricTime } from './time.js';
export type {
  CounterMetric,
  GaugeMetric,
  HistogramMetric,
  HistogramPoint,
  Metric,
  MetricBase,
  MetricPointTimes,
  MetricTemporality,
  MetricValueType,
  NumberPoint,
  SumMetric,
} from './metric-model.js';
export { OtelAggregationTemporality } from './metric-data.js';
export type {
  OtelGauge,
  OtelGaugeMetric,
  OtelHistogram,
  OtelHistogramDataPoint,
  OtelHistogramMetric,
  OtelMetricData,
  OtelNumberDataPoint,
  OtelSum,
  OtelSumMetric,
} from './metric-data.js';
export { isValidMetricName, OpenTelemetryMetricsAdapter } from './metrics-adapter.js';
export type { MetricsAdapterOptions } from './metrics-adapter.js';
export { createOpenTelemetryCompatibilityLayer, OpenTelemetryCompatibilityLayer } from './compatibility-layer.js';
export type { AcceptedCounts, CompatibilityLayerOptions, CompatibilityLayerStats, MetricsExporter } from './compatibility-layer.js';
