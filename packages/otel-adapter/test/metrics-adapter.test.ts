import {
  type Metric,
  OpenTelemetryMetricsAdapter,
  OtelAggregationTemporality,
  type OtelMetricData,
  createServiceResource,
  isValidMetricName,
} from '@trace/otel-adapter';

const resource = createServiceResource('metrics-service', '1.0.0');
const T0 = 1_700_000_000_000; // epoch ms
const NS0 = 1_700_000_000_000_000_000n;
// A fixed clock: points without a time get T0 + 60 s, the adapter's start is T0 + 1 s.
let clock = T0 + 1000;
const adapter = new OpenTelemetryMetricsAdapter(resource, { now: () => clock });
clock = T0 + 60_000;

function convert(metric: Metric): OtelMetricData {
  const result = adapter.convertMetric(metric);
  if (!result.ok) throw result.error;
  return result.value;
}

function errorOf(metric: unknown): string {
  const result = adapter.convertMetric(metric as Metric);
  if (result.ok) throw new Error('expected a validation error');
  expect(result.error.code).toBe('INVALID_METRIC');
  return result.error.message;
}

describe('OpenTelemetryMetricsAdapter conversion', () => {
  it('turns a counter into a cumulative monotonic sum with nanosecond times', () => {
    const metric = convert({
      type: 'counter',
      name: 'http.server.requests',
      description: 'Requests served',
      unit: '{request}',
      points: [{ value: 42, attributes: { 'http.route': '/users', 'http.status_code': 200 }, startTime: T0, time: T0 + 10_000 }],
    });
    expect(metric).toEqual({
      name: 'http.server.requests',
      description: 'Requests served',
      unit: '{request}',
      scope: { name: '@trace/otel-adapter', version: expect.any(String) },
      dataCase: 'sum',
      sum: {
        aggregationTemporality: OtelAggregationTemporality.CUMULATIVE,
        isMonotonic: true,
        dataPoints: [
          {
            attributes: { 'http.route': '/users', 'http.status_code': 200 },
            startTimeUnixNano: NS0,
            timeUnixNano: NS0 + 10_000_000_000n,
            flags: 0,
            asDouble: 42,
            asInt: undefined,
          },
        ],
      },
    });
  });

  it('keeps a sum non-monotonic and delta when asked, with int values', () => {
    const metric = convert({
      type: 'sum',
      name: 'queue.changes',
      monotonic: false,
      temporality: 'delta',
      valueType: 'int',
      points: [{ value: -3, startTime: new Date(T0), time: NS0 + 5n }],
    });
    if (metric.dataCase !== 'sum') throw new Error(metric.dataCase);
    expect(metric.sum.isMonotonic).toBe(false);
    expect(metric.sum.aggregationTemporality).toBe(OtelAggregationTemporality.DELTA);
    expect(metric.sum.dataPoints[0]).toMatchObject({ asInt: -3, asDouble: undefined, startTimeUnixNano: NS0, timeUnixNano: NS0 + 5n });
    expect(metric.description).toBe('');
    expect(metric.unit).toBe('');
  });

  it('makes gauges with no start time by default and now as time', () => {
    const metric = convert({ type: 'gauge', name: 'process.memory.usage', unit: 'By', points: [{ value: 1.5e8 }] });
    if (metric.dataCase !== 'gauge') throw new Error(metric.dataCase);
    expect(metric.gauge.dataPoints[0]).toMatchObject({ asDouble: 1.5e8, startTimeUnixNano: 0n, timeUnixNano: NS0 + 60_000_000_000n, attributes: {} });
  });

  it('gives sums without a start the adapter start time', () => {
    const metric = convert({ type: 'counter', name: 'c', points: [{ value: 1 }] });
    if (metric.dataCase !== 'sum') throw new Error(metric.dataCase);
    expect(metric.sum.dataPoints[0]?.startTimeUnixNano).toBe(NS0 + 1_000_000_000n);
    expect(metric.sum.dataPoints[0]?.timeUnixNano).toBe(NS0 + 60_000_000_000n);
  });

  it('converts histograms with explicit bounds', () => {
    const metric = convert({
      type: 'histogram',
      name: 'http.server.duration',
      unit: 'ms',
      boundaries: [10, 50, 100],
      temporality: 'delta',
      points: [{ bucketCounts: [5, 3, 1, 1], sum: 420.5, min: 1, max: 250, startTime: T0, time: T0 + 1 }],
    });
    if (metric.dataCase !== 'histogram') throw new Error(metric.dataCase);
    expect(metric.histogram.aggregationTemporality).toBe(OtelAggregationTemporality.DELTA);
    expect(metric.histogram.dataPoints).toEqual([
      {
        attributes: {},
        startTimeUnixNano: NS0,
        timeUnixNano: NS0 + 1_000_000n,
        flags: 0,
        count: 10,
        sum: 420.5,
        bucketCounts: [5, 3, 1, 1],
        explicitBounds: [10, 50, 100],
        min: 1,
        max: 250,
      },
    ]);
    const noExtras = convert({ type: 'histogram', name: 'h', boundaries: [], points: [{ bucketCounts: [7], count: 7 }] });
    if (noExtras.dataCase !== 'histogram') throw new Error(noExtras.dataCase);
    expect(noExtras.histogram.dataPoints[0]).toMatchObject({ count: 7, sum: undefined, min: undefined, max: undefined, bucketCounts: [7] });
  });

  it('uses the metric scope when given, else the adapter scope', () => {
    const custom = new OpenTelemetryMetricsAdapter(resource, { scope: { name: 'my-lib', version: '2.0.0' } });
    const converted = custom.convertMetrics([
      { type: 'gauge', name: 'a', points: [{ value: 1 }] },
      { type: 'gauge', name: 'b', scope: { name: 'other' }, points: [{ value: 1 }] },
    ]);
    if (!converted.ok) throw converted.error;
    expect(converted.value.map((metric) => metric.scope)).toEqual([{ name: 'my-lib', version: '2.0.0' }, { name: 'other' }]);
    expect(custom.resource).toBe(resource);
  });
});

describe('OpenTelemetryMetricsAdapter validation', () => {
  it('checks metric names against the instrument name syntax', () => {
    for (const name of ['a', 'http.server.duration', 'a_b-c/d.E9', 'x'.repeat(255)]) expect(isValidMetricName(name)).toBe(true);
    for (const name of ['', '9lives', '_x', 'has space', 'ünïcode', 'x'.repeat(256), 42]) expect(isValidMetricName(name)).toBe(false);
    expect(errorOf({ type: 'gauge', name: '1bad', points: [{ value: 1 }] })).toMatch(/invalid metric name "1bad"/);
  });

  it('refuses unknown types, missing points and bad options', () => {
    expect(errorOf({ type: 'summary', name: 'm', points: [{ value: 1 }] })).toMatch(/unknown type "summary"/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [] })).toMatch(/points must be a non-empty array/);
    expect(errorOf({ type: 'gauge', name: 'm' })).toMatch(/points/);
    expect(errorOf({ type: 'sum', name: 'm', points: [{ value: 1 }] })).toMatch(/monotonic/);
    expect(errorOf({ type: 'counter', name: 'm', temporality: 'weekly', points: [{ value: 1 }] })).toMatch(/temporality/);
    expect(errorOf({ type: 'gauge', name: 'm', valueType: 'long', points: [{ value: 1 }] })).toMatch(/valueType/);
    expect(errorOf({ type: 'gauge', name: 'm', unit: 5, points: [{ value: 1 }] })).toMatch(/unit/);
    expect(errorOf(null)).toMatch(/object/);
  });

  it('refuses bad values', () => {
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: Number.NaN }] })).toMatch(/point 0: value must be a finite number/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: 1 }, { value: Number.POSITIVE_INFINITY }] })).toMatch(/point 1/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: '3' }] })).toMatch(/finite number/);
    expect(errorOf({ type: 'counter', name: 'm', points: [{ value: -1 }] })).toMatch(/negative, but the sum is monotonic/);
    expect(errorOf({ type: 'sum', name: 'm', monotonic: true, points: [{ value: -0.5 }] })).toMatch(/monotonic/);
    expect(errorOf({ type: 'gauge', name: 'm', valueType: 'int', points: [{ value: 1.5 }] })).toMatch(/not a safe integer/);
    expect(errorOf({ type: 'gauge', name: 'm', valueType: 'int', points: [{ value: 2 ** 60 }] })).toMatch(/not a safe integer/);
  });

  it('refuses bad attributes and times', () => {
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: 1, attributes: { nested: { a: 1 } } }] })).toMatch(/attribute "nested"/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: 1, attributes: { '': 1 } }] })).toMatch(/attribute ""/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: 1, time: -5 }] })).toMatch(/time must be/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: 1, time: new Date(Number.NaN) }] })).toMatch(/time must be/);
    expect(errorOf({ type: 'gauge', name: 'm', points: [{ value: 1, startTime: 'yesterday', time: T0 }] })).toMatch(/startTime must be/);
    expect(errorOf({ type: 'counter', name: 'm', points: [{ value: 1, startTime: T0 + 1, time: T0 }] })).toMatch(/startTime is after time/);
  });

  it('refuses inconsistent histograms', () => {
    const base = { type: 'histogram', name: 'h', boundaries: [1, 2] };
    expect(errorOf({ ...base, boundaries: [2, 1], points: [{ bucketCounts: [0, 0, 0] }] })).toMatch(/strictly increasing/);
    expect(errorOf({ ...base, boundaries: [1, 1], points: [{ bucketCounts: [0, 0, 0] }] })).toMatch(/strictly increasing/);
    expect(errorOf({ ...base, boundaries: [1, Number.POSITIVE_INFINITY], points: [{ bucketCounts: [0, 0, 0] }] })).toMatch(/finite/);
    expect(errorOf({ ...base, points: [{ bucketCounts: [1, 2] }] })).toMatch(/must hold 3 counts/);
    expect(errorOf({ ...base, points: [{ bucketCounts: [1, -2, 0] }] })).toMatch(/bucket count 1/);
    expect(errorOf({ ...base, points: [{ bucketCounts: [1, 0.5, 0] }] })).toMatch(/bucket count 1/);
    expect(errorOf({ ...base, points: [{ bucketCounts: [1, 2, 3], count: 5 }] })).toMatch(/count 5 differs from the bucket counts' sum 6/);
    expect(errorOf({ ...base, points: [{ bucketCounts: [1, 2, 3], min: 5, max: 1 }] })).toMatch(/min 5 is greater than max 1/);
    expect(errorOf({ ...base, points: [{ bucketCounts: [1, 2, 3], sum: Number.NaN }] })).toMatch(/finite/);
  });

  it('converts batches all or nothing', () => {
    const good: Metric = { type: 'gauge', name: 'ok', points: [{ value: 1 }] };
    const result = adapter.convertMetrics([good, { type: 'gauge', name: 'bad', points: [{ value: Number.NaN }] }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^metric 1: "bad" point 0/);
    expect(adapter.convertMetrics('x' as unknown as Metric[]).ok).toBe(false);
  });
});
