// The metrics model → OpenTelemetry metric data, with
// every rule OTLP receivers rely on checked first, so a bad metric is an error result here rather
// than a rejected request later.
import { type Result, type TagValue, TraceError, err, ok, sanitizeTagValue } from '@trace/core';
import { OtelAggregationTemporality, type OtelHistogramDataPoint, type OtelMetricData, type OtelNumberDataPoint } from './metric-data.js';
import type { HistogramMetric, HistogramPoint, Metric, MetricTemporality, MetricValueType, NumberPoint } from './metric-model.js';
import type { OtelResource } from './resource.js';
import type { OtelAttributes, OtelInstrumentationScope } from './span-data.js';
import { type MetricTime, metricTimeToNanos, millisToNanos } from './time.js';
import { SDK_VERSION } from './version.js';

/** Options of {@link OpenTelemetryMetricsAdapter}. */
export interface MetricsAdapterOptions {
  /** Scope of metrics that name none. Default `{ name: '@trace/otel-adapter', version }`. */
  scope?: OtelInstrumentationScope;
  /**
   * Start time of cumulative sums and histograms whose points give none (the start of the
   * series, e.g. when the process started counting). Default: when the adapter was made.
   */
  startTime?: MetricTime;
  /** Clock for points that give no time, epoch ms. Default `Date.now`. */
  now?: () => number;
}

const DEFAULT_SCOPE: OtelInstrumentationScope = Object.freeze({ name: '@trace/otel-adapter', version: SDK_VERSION });
const MAX_NAME_LENGTH = 255;
const NO_ATTRIBUTES: OtelAttributes = Object.freeze({});

// One checked-and-converted value, or the reason it was refused. Errors are collected as a message
// so the public result names the metric and the point.
class MetricProblem {
  constructor(readonly message: string) {}
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isNameChar(code: number): boolean {
  // letters, digits, '_', '.', '-', '/'
  return isNameStart(code) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 45 || code === 47;
}

/** Whether `name` is a valid OTel instrument name (API spec "Instrument name syntax"). */
export function isValidMetricName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  if (!isNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Converts the metrics model to OTLP-shaped {@link OtelMetricData}: counters become monotonic sums, sums keep their
 * monotonicity, temporality becomes OTLP's integer, times become epoch nanoseconds.
 *
 * Validation (each failure is an error result naming the metric and point):
 * name syntax; a known `type`; at least one point; finite values; safe integers for
 * `valueType: 'int'`; values ≥ 0 for counters and monotonic sums; valid attribute values;
 * `startTime` ≤ `time`; histogram bounds finite and strictly increasing, one more bucket count than
 * bounds, counts non-negative safe integers adding up to `count`, `min` ≤ `max`.
 */
export class OpenTelemetryMetricsAdapter {
  readonly resource: OtelResource;
  readonly scope: OtelInstrumentationScope;
  private readonly startTimeUnixNano: bigint;
  private readonly now: () => number;

  constructor(resource: OtelResource, options: MetricsAdapterOptions = {}) {
    this.resource = resource;
    this.scope = options.scope ?? DEFAULT_SCOPE;
    this.now = options.now ?? Date.now;
    const start = options.startTime === undefined ? undefined : metricTimeToNanos(options.startTime);
    this.startTimeUnixNano = start ?? millisToNanos(this.now());
  }

  /** Converts one metric. */
  convertMetric(metric: Metric): Result<OtelMetricData> {
    const converted = this.convert(metric);
    return converted instanceof MetricProblem ? err(new TraceError('INVALID_METRIC', converted.message)) : ok(converted);
  }

  /** Converts a batch, all or nothing: the first invalid metric makes the result an error. */
  convertMetrics(metrics: readonly Metric[]): Result<OtelMetricData[]> {
    if (!Array.isArray(metrics)) return err(new TraceError('INVALID_METRIC', 'convertMetrics needs an array of metrics'));
    const out: OtelMetricData[] = new Array(metrics.length);
    for (let i = 0; i < metrics.length; i++) {
      const converted = this.convert(metrics[i] as Metric);
      if (converted instanceof MetricProblem) return err(new TraceError('INVALID_METRIC', `metric ${i}: ${converted.message}`));
      out[i] = converted;
    }
    return ok(out);
  }

  private convert(metric: Metric): OtelMetricData | MetricProblem {
    if (metric === null || typeof metric !== 'object') return new MetricProblem('a metric must be an object');
    const name = metric.name;
    if (!isValidMetricName(name)) {
      return new MetricProblem(
        `invalid metric name ${JSON.stringify(String(name)).slice(0, 80)}: it must start with an ASCII letter and hold at most 255 letters, digits, "_", ".", "-" or "/"`,
      );
    }
    const label = `"${name}"`;
    if (metric.description !== undefined && typeof metric.description !== 'string') return new MetricProblem(`${label}: description must be a string`);
    if (metric.unit !== undefined && typeof metric.unit !== 'string') return new MetricProblem(`${label}: unit must be a string`);
    const scope = metric.scope ?? this.scope;
    if (scope === null || typeof scope !== 'object' || typeof scope.name !== 'string') return new MetricProblem(`${label}: scope must have a string name`);
    if (!Array.isArray(metric.points) || metric.points.length === 0) return new MetricProblem(`${label}: points must be a non-empty array`);
    const description = metric.description ?? '';
    const unit = metric.unit ?? '';
    switch (metric.type) {
      case 'gauge': {
        const dataPoints = this.numberPoints(label, metric.points, metric.valueType, false, false);
        if (dataPoints instanceof MetricProblem) return dataPoints;
        return { name, description, unit, scope, dataCase: 'gauge', gauge: { dataPoints } };
      }
      case 'counter':
      case 'sum': {
        const monotonic = metric.type === 'counter' ? true : metric.monotonic;
        if (typeof monotonic !== 'boolean') return new MetricProblem(`${label}: a sum needs monotonic: true or false`);
        const temporality = temporalityOf(metric.temporality);
        if (temporality === undefined) return new MetricProblem(`${label}: temporality must be "cumulative" or "delta"`);
        const dataPoints = this.numberPoints(label, metric.points, metric.valueType, monotonic, true);
        if (dataPoints instanceof MetricProblem) return dataPoints;
        return { name, description, unit, scope, dataCase: 'sum', sum: { dataPoints, aggregationTemporality: temporality, isMonotonic: monotonic } };
      }
      case 'histogram': {
        const temporality = temporalityOf(metric.temporality);
        if (temporality === undefined) return new MetricProblem(`${label}: temporality must be "cumulative" or "delta"`);
        const dataPoints = this.histogramPoints(label, metric);
        if (dataPoints instanceof MetricProblem) return dataPoints;
        return { name, description, unit, scope, dataCase: 'histogram', histogram: { dataPoints, aggregationTemporality: temporality } };
      }
      default:
        return new MetricProblem(`${label}: unknown type ${JSON.stringify(String((metric as { type?: unknown }).type))}; use counter, sum, gauge or histogram`);
    }
  }

  private numberPoints(
    label: string,
    points: readonly NumberPoint[],
    valueType: MetricValueType | undefined,
    monotonic: boolean,
    needsStart: boolean,
  ): OtelNumberDataPoint[] | MetricProblem {
    if (valueType !== undefined && valueType !== 'int' && valueType !== 'double') return new MetricProblem(`${label}: valueType must be "int" or "double"`);
    const asInt = valueType === 'int';
    const out: OtelNumberDataPoint[] = new Array(points.length);
    for (let i = 0; i < points.length; i++) {
      const point = points[i] as NumberPoint;
      const where = `${label} point ${i}`;
      if (point === null || typeof point !== 'object') return new MetricProblem(`${where}: a point must be an object`);
      const value = point.value;
      if (typeof value !== 'number' || !Number.isFinite(value)) return new MetricProblem(`${where}: value must be a finite number`);
      if (asInt && !Number.isSafeInteger(value)) return new MetricProblem(`${where}: value ${value} is not a safe integer (valueType "int")`);
      if (monotonic && value < 0) return new MetricProblem(`${where}: value ${value} is negative, but the sum is monotonic`);
      const attributes = checkAttributes(where, point.attributes);
      if (attributes instanceof MetricProblem) return attributes;
      const times = this.times(where, point, needsStart);
      if (times instanceof MetricProblem) return times;
      out[i] = asInt
        ? { attributes, startTimeUnixNano: times[0], timeUnixNano: times[1], flags: 0, asDouble: undefined, asInt: value }
        : { attributes, startTimeUnixNano: times[0], timeUnixNano: times[1], flags: 0, asDouble: value, asInt: undefined };
    }
    return out;
  }

  private histogramPoints(label: string, metric: HistogramMetric): OtelHistogramDataPoint[] | MetricProblem {
    const bounds = metric.boundaries;
    if (!Array.isArray(bounds)) return new MetricProblem(`${label}: boundaries must be an array of numbers`);
    for (let i = 0; i < bounds.length; i++) {
      const bound = bounds[i];
      if (typeof bound !== 'number' || !Number.isFinite(bound)) return new MetricProblem(`${label}: boundary ${i} must be a finite number`);
      if (i > 0 && bound <= (bounds[i - 1] as number)) return new MetricProblem(`${label}: boundaries must be strictly increasing (boundary ${i} is ${bound})`);
    }
    const explicitBounds = Object.freeze(bounds.slice());
    const points = metric.points;
    const out: OtelHistogramDataPoint[] = new Array(points.length);
    for (let i = 0; i < points.length; i++) {
      const point = points[i] as HistogramPoint;
      const where = `${label} point ${i}`;
      if (point === null || typeof point !== 'object') return new MetricProblem(`${where}: a point must be an object`);
      const buckets = point.bucketCounts;
      if (!Array.isArray(buckets) || buckets.length !== bounds.length + 1) {
        return new MetricProblem(`${where}: bucketCounts must hold ${bounds.length + 1} counts (one more than the boundaries)`);
      }
      let total = 0;
      const bucketCounts: number[] = new Array(buckets.length);
      for (let b = 0; b < buckets.length; b++) {
        const count = buckets[b];
        if (!isCount(count)) return new MetricProblem(`${where}: bucket count ${b} must be a non-negative safe integer`);
        bucketCounts[b] = count;
        total += count;
      }
      if (!Number.isSafeInteger(total)) return new MetricProblem(`${where}: bucket counts add up past 2^53`);
      if (point.count !== undefined && point.count !== total) {
        return new MetricProblem(`${where}: count ${String(point.count)} differs from the bucket counts' sum ${total}`);
      }
      const sum = optionalFinite(point.sum);
      const min = optionalFinite(point.min);
      const max = optionalFinite(point.max);
      if (sum === null || min === null || max === null) return new MetricProblem(`${where}: sum, min and max must be finite numbers when given`);
      if (min !== undefined && max !== undefined && min > max) return new MetricProblem(`${where}: min ${min} is greater than max ${max}`);
      const attributes = checkAttributes(where, point.attributes);
      if (attributes instanceof MetricProblem) return attributes;
      const times = this.times(where, point, true);
      if (times instanceof MetricProblem) return times;
      out[i] = {
        attributes,
        startTimeUnixNano: times[0],
        timeUnixNano: times[1],
        flags: 0,
        count: total,
        sum,
        bucketCounts,
        explicitBounds,
        min,
        max,
      };
    }
    return out;
  }

  private times(where: string, point: { startTime?: MetricTime; time?: MetricTime }, needsStart: boolean): [bigint, bigint] | MetricProblem {
    const time = point.time === undefined ? millisToNanos(this.now()) : metricTimeToNanos(point.time);
    if (time === undefined) return new MetricProblem(`${where}: time must be epoch ms, a Date or epoch ns (bigint), not negative`);
    let start: bigint | undefined;
    if (point.startTime !== undefined) {
      start = metricTimeToNanos(point.startTime);
      if (start === undefined) return new MetricProblem(`${where}: startTime must be epoch ms, a Date or epoch ns (bigint), not negative`);
    } else {
      start = needsStart ? this.startTimeUnixNano : 0n;
      // A defaulted start must never come after the point it starts.
      if (start > time) start = time;
    }
    if (start > time) return new MetricProblem(`${where}: startTime is after time`);
    return [start, time];
  }
}

function temporalityOf(temporality: MetricTemporality | undefined): OtelAggregationTemporality | undefined {
  if (temporality === undefined || temporality === 'cumulative') return OtelAggregationTemporality.CUMULATIVE;
  if (temporality === 'delta') return OtelAggregationTemporality.DELTA;
  return undefined;
}

/** `undefined` when absent, the number when finite, `null` when present but not a finite number. */
function optionalFinite(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function checkAttributes(where: string, attributes: Readonly<Record<string, unknown>> | undefined): OtelAttributes | MetricProblem {
  if (attributes === undefined) return NO_ATTRIBUTES;
  if (attributes === null || typeof attributes !== 'object') return new MetricProblem(`${where}: attributes must be an object`);
  const out: Record<string, TagValue> = {};
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = key === '' || key === '__proto__' ? undefined : sanitizeTagValue(attributes[key], Number.MAX_SAFE_INTEGER);
    if (value === undefined) {
      return new MetricProblem(`${where}: attribute ${JSON.stringify(key)} must have a non-empty key and a string, number, boolean or homogeneous array value`);
    }
    out[key] = value;
  }
  return out;
}
