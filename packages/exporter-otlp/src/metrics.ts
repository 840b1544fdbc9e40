// OTLP metrics (metrics/v1/metrics.proto, collector/metrics/v1/metrics_service.proto): the
// `ExportMetricsServiceRequest` the compatibility layer sends, in protobuf and OTLP/JSON.
// The input is OTel metric data as @trace/otel-adapter's OpenTelemetryMetricsAdapter produces it.
import type { InstrumentationScope } from '@trace/core';
import type { OtelHistogramDataPoint, OtelMetricData, OtelNumberDataPoint, OtelResource } from '@trace/otel-adapter';
import { attributesJson, doubleJson } from './attributes-json.js';
import { writeAttributes } from './attributes-protobuf.js';
import { ProtoWriter } from '@trace/core/encoding';
import { catalogFor } from './resource-catalog.js';

/** One OTLP `Metric`: @trace/otel-adapter's `OtelMetricData`. */
export type OtlpMetricData = OtelMetricData;
/** OTLP `NumberDataPoint`, as @trace/otel-adapter produces it. */
export type OtlpNumberDataPoint = OtelNumberDataPoint;
/** OTLP `HistogramDataPoint`, as @trace/otel-adapter produces it. */
export type OtlpHistogramDataPoint = OtelHistogramDataPoint;
/** The fields every data point has. */
export type OtlpDataPointBase = OtlpNumberDataPoint | OtlpHistogramDataPoint;

const TWO_POW_32 = 4_294_967_296;
const MASK_32 = 0xffffffffn;

function writeNanos(writer: ProtoWriter, tag: number, nanos: bigint): void {
  if (nanos <= 0n) return;
  writer.uint32(tag);
  writer.fixed64(Number(nanos & MASK_32), Number((nanos >> 32n) & MASK_32));
}

/** A safe integer as the two words of a (s)fixed64, two's complement for negatives. */
function writeInt64Fixed(writer: ProtoWriter, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  writer.fixed64(value - high * TWO_POW_32, high >>> 0);
}

function groupByScope(metrics: readonly OtlpMetricData[]): { scope: InstrumentationScope; metrics: OtlpMetricData[] }[] {
  const groups: { scope: InstrumentationScope; metrics: OtlpMetricData[] }[] = [];
  for (const metric of metrics) {
    const scope = metric.scope;
    let group = groups.find((candidate) => candidate.scope.name === scope.name && candidate.scope.version === scope.version);
    if (group === undefined) {
      group = { scope, metrics: [] };
      groups.push(group);
    }
    group.metrics.push(metric);
  }
  return groups;
}

function writeNumberPoint(writer: ProtoWriter, point: OtlpNumberDataPoint): void {
  writer.uint32(0x0a);
  const start = writer.begin(1);
  writeNanos(writer, 0x11, point.startTimeUnixNano);
  writeNanos(writer, 0x19, point.timeUnixNano);
  if (point.asInt !== undefined) {
    writer.uint32(0x31);
    writeInt64Fixed(writer, point.asInt);
  } else {
    writer.uint32(0x21);
    writer.double(point.asDouble ?? 0);
  }
  writeAttributes(writer, 0x3a, point.attributes);
  if (point.flags !== 0) writer.varintField(0x40, point.flags);
  writer.end(start, 1);
}

function writeHistogramPoint(writer: ProtoWriter, point: OtlpHistogramDataPoint): void {
  writer.uint32(0x0a);
  const start = writer.begin(2);
  writeNanos(writer, 0x11, point.startTimeUnixNano);
  writeNanos(writer, 0x19, point.timeUnixNano);
  writer.uint32(0x21);
  writeInt64Fixed(writer, point.count);
  if (point.sum !== undefined) {
    writer.uint32(0x29);
    writer.double(point.sum);
  }
  writer.uint32(0x32);
  writer.uint32(point.bucketCounts.length * 8);
  for (const count of point.bucketCounts) writeInt64Fixed(writer, count);
  if (point.explicitBounds.length > 0) {
    writer.uint32(0x3a);
    writer.uint32(point.explicitBounds.length * 8);
    for (const bound of point.explicitBounds) writer.double(bound);
  }
  writeAttributes(writer, 0x4a, point.attributes);
  if (point.flags !== 0) writer.varintField(0x50, point.flags);
  if (point.min !== undefined) {
    writer.uint32(0x59);
    writer.double(point.min);
  }
  if (point.max !== undefined) {
    writer.uint32(0x61);
    writer.double(point.max);
  }
  writer.end(start, 2);
}

function writeMetric(writer: ProtoWriter, metric: OtlpMetricData): void {
  writer.uint32(0x12);
  const start = writer.begin(2);
  writer.uint32(0x0a);
  writer.string(metric.name);
  if (metric.description !== '') {
    writer.uint32(0x12);
    writer.string(metric.description);
  }
  if (metric.unit !== '') {
    writer.uint32(0x1a);
    writer.string(metric.unit);
  }
  switch (metric.dataCase) {
    case 'gauge': {
      writer.uint32(0x2a);
      const data = writer.begin(2);
      for (const point of metric.gauge.dataPoints) writeNumberPoint(writer, point);
      writer.end(data, 2);
      break;
    }
    case 'sum': {
      writer.uint32(0x3a);
      const data = writer.begin(2);
      for (const point of metric.sum.dataPoints) writeNumberPoint(writer, point);
      if (metric.sum.aggregationTemporality !== 0) writer.varintField(0x10, metric.sum.aggregationTemporality);
      if (metric.sum.isMonotonic) writer.varintField(0x18, 1);
      writer.end(data, 2);
      break;
    }
    case 'histogram': {
      writer.uint32(0x4a);
      const data = writer.begin(2);
      for (const point of metric.histogram.dataPoints) writeHistogramPoint(writer, point);
      if (metric.histogram.aggregationTemporality !== 0) writer.varintField(0x10, metric.histogram.aggregationTemporality);
      writer.end(data, 2);
      break;
    }
  }
  writer.end(start, 2);
}

/** Encodes metric data as one protobuf `ExportMetricsServiceRequest`, grouped by scope. */
export function encodeOtlpMetricsProtobuf(metrics: readonly OtlpMetricData[], resource: OtelResource): Uint8Array {
  const encoded = catalogFor(resource).base;
  const writer = new ProtoWriter(4096);
  if (metrics.length === 0) return writer.finish();
  writer.uint32(0x0a);
  const resourceStart = writer.begin(3);
  writer.uint32(0x0a);
  writer.bytes(encoded.protobuf);
  if (encoded.schemaUrl !== '') {
    writer.uint32(0x1a);
    writer.string(encoded.schemaUrl);
  }
  for (const group of groupByScope(metrics)) {
    writer.uint32(0x12);
    const scopeStart = writer.begin(3);
    writer.uint32(0x0a);
    const scope = writer.begin(1);
    if (group.scope.name !== '') {
      writer.uint32(0x0a);
      writer.string(group.scope.name);
    }
    if (group.scope.version !== undefined && group.scope.version !== '') {
      writer.uint32(0x12);
      writer.string(group.scope.version);
    }
    writer.end(scope, 1);
    for (const metric of group.metrics) writeMetric(writer, metric);
    writer.end(scopeStart, 3);
  }
  writer.end(resourceStart, 3);
  return writer.finish();
}

function pointTimesJson(point: OtlpDataPointBase): string {
  let text = `{"attributes":${attributesJson(point.attributes)}`;
  if (point.startTimeUnixNano > 0n) text += `,"startTimeUnixNano":"${point.startTimeUnixNano}"`;
  if (point.timeUnixNano > 0n) text += `,"timeUnixNano":"${point.timeUnixNano}"`;
  if (point.flags !== 0) text += `,"flags":${point.flags}`;
  return text;
}

function numberPointJson(point: OtlpNumberDataPoint): string {
  const value = point.asInt !== undefined ? `"asInt":"${point.asInt}"` : `"asDouble":${doubleJson(point.asDouble ?? 0)}`;
  return `${pointTimesJson(point)},${value}}`;
}

function histogramPointJson(point: OtlpHistogramDataPoint): string {
  let text = `${pointTimesJson(point)},"count":"${point.count}"`;
  if (point.sum !== undefined) text += `,"sum":${doubleJson(point.sum)}`;
  text += `,"bucketCounts":[${point.bucketCounts.map((count) => `"${count}"`).join(',')}]`;
  text += `,"explicitBounds":[${point.explicitBounds.map(doubleJson).join(',')}]`;
  if (point.min !== undefined) text += `,"min":${doubleJson(point.min)}`;
  if (point.max !== undefined) text += `,"max":${doubleJson(point.max)}`;
  return `${text}}`;
}

function metricJson(metric: OtlpMetricData): string {
  let text = `{"name":${JSON.stringify(metric.name)}`;
  if (metric.description !== '') text += `,"description":${JSON.stringify(metric.description)}`;
  if (metric.unit !== '') text += `,"unit":${JSON.stringify(metric.unit)}`;
  switch (metric.dataCase) {
    case 'gauge':
      text += `,"gauge":{"dataPoints":[${metric.gauge.dataPoints.map(numberPointJson).join(',')}]}`;
      break;
    case 'sum':
      text += `,"sum":{"dataPoints":[${metric.sum.dataPoints.map(numberPointJson).join(',')}],"aggregationTemporality":${metric.sum.aggregationTemporality},"isMonotonic":${metric.sum.isMonotonic}}`;
      break;
    case 'histogram':
      text += `,"histogram":{"dataPoints":[${metric.histogram.dataPoints.map(histogramPointJson).join(',')}],"aggregationTemporality":${metric.histogram.aggregationTemporality}}`;
      break;
  }
  return `${text}}`;
}

/** Encodes metric data as one OTLP/JSON `ExportMetricsServiceRequest`, grouped by scope. */
export function encodeOtlpMetricsJson(metrics: readonly OtlpMetricData[], resource: OtelResource): string {
  if (metrics.length === 0) return '{"resourceMetrics":[]}';
  const encoded = catalogFor(resource).base;
  let text = `{"resourceMetrics":[{"resource":${encoded.json}`;
  if (encoded.schemaUrl !== '') text += `,"schemaUrl":${JSON.stringify(encoded.schemaUrl)}`;
  text += ',"scopeMetrics":[';
  const groups = groupByScope(metrics);
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g] as { scope: InstrumentationScope; metrics: OtlpMetricData[] };
    if (g > 0) text += ',';
    text += `{"scope":{"name":${JSON.stringify(group.scope.name)}`;
    if (group.scope.version !== undefined && group.scope.version !== '') text += `,"version":${JSON.stringify(group.scope.version)}`;
    text += `},"metrics":[${group.metrics.map(metricJson).join(',')}]}`;
  }
  return `${text}]}]}`;
}
