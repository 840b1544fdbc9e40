// Retry behaviour: exponential backoff with jitter, capped, bounded in
// time rather than in tries, so that a batch outlives a backend restart. What bounds memory while
// a batch waits is the queue (its span and byte bounds), not the retry count.
import { ConfigError } from '../result.js';

export interface RetryPolicy {
  /** Most retries after the first attempt. Default `Infinity`: {@link RetryPolicy.maxElapsedTime} bounds them. */
  maxRetries: number;
  /**
   * Longest time one batch keeps being retried, from its first attempt, in ms; a retry that would
   * start later is not made and the batch counts as `retriesExhausted`. Default 300000 (5 min).
   */
  maxElapsedTime: number;
  /** Delay before the first retry, doubled for each later one. Default 100 ms. */
  baseRetryDelay: number;
  /** Longest computed backoff. Default 5 s. */
  maxRetryDelay: number;
  /** Longest delay honoured from a backend's `Retry-After` or gRPC retry info. Default 30 s. */
  maxRetryAfter: number;
  /** Random spread applied to each backoff, as a fraction (0.2: ±20 %). Default 0.2. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: Number.POSITIVE_INFINITY,
  maxElapsedTime: 300_000,
  baseRetryDelay: 100,
  maxRetryDelay: 5000,
  maxRetryAfter: 30_000,
  jitter: 0.2,
});

/** Fills in defaults and checks ranges; bad values throw a {@link ConfigError}. */
export function resolveRetryPolicy(policy: Partial<RetryPolicy> | undefined): Readonly<RetryPolicy> {
  const resolved = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(policy ?? {}) };
  for (const key of ['baseRetryDelay', 'maxRetryDelay', 'maxRetryAfter'] as const) {
    const value = resolved[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw new ConfigError(`retry ${key} must be a finite number >= 0, got ${String(value)}`);
  }
  for (const key of ['maxRetries', 'maxElapsedTime'] as const) {
    const value = resolved[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
      throw new ConfigError(`retry ${key} must be a number >= 0 (Infinity allowed), got ${String(value)}`);
  }
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1)) throw new ConfigError(`retry jitter must be between 0 and 1, got ${String(resolved.jitter)}`);
  return Object.freeze(resolved);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] !== undefined) result[key] = value[key];
  return result;
}

/**
 * Delay before retry number `retry` (1-based): `baseRetryDelay * 2^(retry-1)` with jitter,
 * capped; a backend's requested delay wins when it is longer, up to `maxRetryAfter`.
 */
export function retryDelay(policy: Readonly<RetryPolicy>, retry: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const backoff = Math.min(policy.maxRetryDelay, policy.baseRetryDelay * 2 ** (retry - 1));
  const jittered = backoff * (1 - policy.jitter + 2 * policy.jitter * random());
  if (retryAfterMs !== undefined && retryAfterMs > jittered) return Math.min(retryAfterMs, policy.maxRetryAfter);
  return jittered;
}
