import { ConfigError } from './result.js';

/**
 * Caps on what one span may hold; whatever goes past them is dropped and counted on the span
 * (`droppedAttributesCount`, `droppedEventsCount`, `droppedLinksCount`). Defaults match the
 * OpenTelemetry specification's.
 */
export interface SpanLimits {
  /** Most tags per span. Default 128. */
  attributeCountLimit?: number;
  /** Longest string tag value (longer ones are truncated). Default: no limit. */
  attributeValueLengthLimit?: number;
  /** Most events per span. Default 128. */
  eventCountLimit?: number;
  /** Most links per span. Default 128. */
  linkCountLimit?: number;
  /** Most attributes per event. Default 128. */
  attributePerEventCountLimit?: number;
  /** Most attributes per link. Default 128. */
  attributePerLinkCountLimit?: number;
}

export type ResolvedSpanLimits = Readonly<Required<SpanLimits>>;

export const DEFAULT_SPAN_LIMITS: ResolvedSpanLimits = Object.freeze({
  attributeCountLimit: 128,
  attributeValueLengthLimit: Number.POSITIVE_INFINITY,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
});

/** Fills in defaults; a negative or non-numeric limit throws a {@link ConfigError}. */
export function resolveSpanLimits(limits: SpanLimits | undefined): ResolvedSpanLimits {
  if (limits === undefined) return DEFAULT_SPAN_LIMITS;
  const resolved = { ...DEFAULT_SPAN_LIMITS };
  for (const key of Object.keys(DEFAULT_SPAN_LIMITS) as (keyof SpanLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new ConfigError(`span limit ${key} must be a number >= 0, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved);
}
