// The small metrics model the compatibility layer accepts: what an
// application measured, before it is shaped as OTLP metric data.
import type { TagValue } from '@trace/core';
import type { OtelInstrumentationScope } from './span-data.js';
import type { MetricTime } from './time.js';

/** How successive points of a sum or histogram relate: each since the last report, or since a fixed start. */
export type MetricTemporality = 'cumulative' | 'delta';

/** Whether number points are sent as OTLP `as_int` (safe integers only) or `as_double`. */
export type MetricValueType = 'int' | 'double';

/** Fields every metric has. */
export interface MetricBase {
  /** Instrument name: an ASCII letter, then up to 254 letters, digits, `_`, `.`, `-` or `/`. */
  readonly name: string;
  readonly description?: string;
  /** UCUM unit, e.g. `ms`, `By`, `{request}`. */
  readonly unit?: string;
  /** Library that recorded it; default the adapter's scope. */
  readonly scope?: OtelInstrumentationScope;
}

/** Time fields of a point. Times are epoch ms (`number`), `Date`, or epoch ns (`bigint`). */
export interface MetricPointTimes {
  /** Start of the interval the point covers. Default: gauges none (0), others the adapter's start time. */
  readonly startTime?: MetricTime;
  /** When the point was observed. Default: now. */
  readonly time?: MetricTime;
}

/** One measured number, with the attributes that identify its series. */
export interface NumberPoint extends MetricPointTimes {
  readonly value: number;
  readonly attributes?: Readonly<Record<string, TagValue>>;
}

/** A monotonic sum: a count that only goes up (requests served, bytes sent). Values must be ≥ 0. */
export interface CounterMetric extends MetricBase {
  readonly type: 'counter';
  /** Default `cumulative`. */
  readonly temporality?: MetricTemporality;
  /** Default `double`. */
  readonly valueType?: MetricValueType;
  readonly points: readonly NumberPoint[];
}

/** A sum, monotonic or not (a non-monotonic one can go down: queue length changes). */
export interface SumMetric extends MetricBase {
  readonly type: 'sum';
  readonly monotonic: boolean;
  /** Default `cumulative`. */
  readonly temporality?: MetricTemporality;
  /** Default `double`. */
  readonly valueType?: MetricValueType;
  readonly points: readonly NumberPoint[];
}

/** A value sampled at a moment (temperature, memory in use). */
export interface GaugeMetric extends MetricBase {
  readonly type: 'gauge';
  /** Default `double`. */
  readonly valueType?: MetricValueType;
  readonly points: readonly NumberPoint[];
}

/**
 * One histogram point. With bounds `[b0, b1, ..., bn-1]` there are n+1 buckets:
 * `(-inf, b0]`, `(b0, b1]`, ..., `(bn-1, +inf)`, and `bucketCounts[i]` counts values in bucket i.
 */
export interface HistogramPoint extends MetricPointTimes {
  readonly bucketCounts: readonly number[];
  /** Total count; must equal the sum of `bucketCounts` when given (default: that sum). */
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly attributes?: Readonly<Record<string, TagValue>>;
}

/** A distribution of values (request latency) over explicit bucket bounds. */
export interface HistogramMetric extends MetricBase {
  readonly type: 'histogram';
  /** Strictly increasing, finite bucket bounds shared by every point. */
  readonly boundaries: readonly number[];
  /** Default `cumulative`. */
  readonly temporality?: MetricTemporality;
  readonly points: readonly HistogramPoint[];
}

/** Any metric of the model. */
export type Metric = CounterMetric | SumMetric | GaugeMetric | HistogramMetric;
