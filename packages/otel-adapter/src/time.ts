// Timestamps as OTLP wants them: Unix epoch nanoseconds, exact, as bigint. A nanosecond epoch
// (~1.7e18) is past 2^53, so the whole part and the fraction are converted separately.

const NANOS_PER_MICRO = 1000n;
const NANOS_PER_MILLI = 1_000_000n;

/**
 * Epoch microseconds (fractional, as core spans hold them) to epoch nanoseconds. Exact for the
 * double given; at today's epochs such a double resolves a quarter microsecond.
 */
export function microsToNanos(micros: number): bigint {
  const whole = Math.floor(micros);
  return BigInt(whole) * NANOS_PER_MICRO + BigInt(Math.round((micros - whole) * 1000));
}

/**
 * Epoch milliseconds (fractional allowed) to epoch nanoseconds, rounded to the microsecond: a
 * double of today's epoch in ms only resolves ~244 ns, so finer digits would be noise.
 */
export function millisToNanos(millis: number): bigint {
  const whole = Math.floor(millis);
  return BigInt(whole) * NANOS_PER_MILLI + BigInt(Math.round((millis - whole) * 1000)) * NANOS_PER_MICRO;
}

/**
 * A moment given as epoch milliseconds (`number`, as `Date.now()`), a `Date`, or epoch
 * nanoseconds (`bigint`).
 */
export type MetricTime = number | Date | bigint;

/** Converts a {@link MetricTime} to epoch nanoseconds; `undefined` when it is not a valid moment. */
export function metricTimeToNanos(time: unknown): bigint | undefined {
  if (typeof time === 'bigint') return time >= 0n && time < 2n ** 64n ? time : undefined;
  const millis = time instanceof Date ? time.getTime() : time;
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 0) return undefined;
  return millisToNanos(millis);
}
