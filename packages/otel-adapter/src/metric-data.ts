// OpenTelemetry metric data, field for field the OTLP `Metric`,
// `NumberDataPoint` and `HistogramDataPoint` messages of opentelemetry/proto/metrics/v1/metrics.proto.
import type { OtelAttributes, OtelInstrumentationScope } from './span-data.js';

/** OTLP `AggregationTemporality` values (metrics.proto). */
export const OtelAggregationTemporality = Object.freeze({
  UNSPECIFIED: 0,
  DELTA: 1,
  CUMULATIVE: 2,
} as const);

/** One of the {@link OtelAggregationTemporality} integers. */
export type OtelAggregationTemporality = (typeof OtelAggregationTemporality)[keyof typeof OtelAggregationTemporality];

/** Fields shared by number and histogram points. Times are epoch nanoseconds; 0n means unset. */
interface OtelDataPointBase {
  readonly attributes: OtelAttributes;
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  /** OTLP `DataPointFlags`; always 0 here (every point has a recorded value). */
  readonly flags: number;
}

/**
 * OTLP `NumberDataPoint`. Its `value` oneof is two fields of which exactly one is a number: the
 * other is present and `undefined`, so every point has the same shape. `asInt` is always a
 * safe integer (an encoder writes it as `sfixed64`, OTLP/JSON as a decimal string).
 */
export type OtelNumberDataPoint = OtelDataPointBase &
  ({ readonly asDouble: number; readonly asInt: undefined } | { readonly asDouble: undefined; readonly asInt: number });

/**
 * OTLP `HistogramDataPoint` with explicit bounds: `bucketCounts.length === explicitBounds.length + 1`,
 * `count` is their sum; counts are non-negative safe integers. `sum`, `min`, `max` are `undefined`
 * when not recorded (the proto3 `optional` fields left unset).
 */
export interface OtelHistogramDataPoint extends OtelDataPointBase {
  readonly count: number;
  readonly sum: number | undefined;
  readonly bucketCounts: readonly number[];
  readonly explicitBounds: readonly number[];
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** OTLP `Gauge`. */
export interface OtelGauge {
  readonly dataPoints: readonly OtelNumberDataPoint[];
}

/** OTLP `Sum`. */
export interface OtelSum {
  readonly dataPoints: readonly OtelNumberDataPoint[];
  readonly aggregationTemporality: OtelAggregationTemporality;
  readonly isMonotonic: boolean;
}

/** OTLP `Histogram`. */
export interface OtelHistogram {
  readonly dataPoints: readonly OtelHistogramDataPoint[];
  readonly aggregationTemporality: OtelAggregationTemporality;
}

/** Fields of every OTLP `Metric`, plus the scope it is reported under (OTLP `ScopeMetrics.scope`). */
interface OtelMetricBase {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly scope: OtelInstrumentationScope;
}

/** A `Metric` whose `data` oneof is `gauge`. */
export interface OtelGaugeMetric extends OtelMetricBase {
  readonly dataCase: 'gauge';
  readonly gauge: OtelGauge;
}

/** A `Metric` whose `data` oneof is `sum`. */
export interface OtelSumMetric extends OtelMetricBase {
  readonly dataCase: 'sum';
  readonly sum: OtelSum;
}

/** A `Metric` whose `data` oneof is `histogram`. */
export interface OtelHistogramMetric extends OtelMetricBase {
  readonly dataCase: 'histogram';
  readonly histogram: OtelHistogram;
}

/**
 * OTLP `Metric`: `dataCase` names which of `gauge` / `sum` / `histogram` is set, exactly as the
 * proto's `data` oneof, so an encoder switches on it and writes the field of that name.
 */
export type OtelMetricData = OtelGaugeMetric | OtelSumMetric | OtelHistogramMetric;
