import type { TagValue } from '@trace/core';

/**
 * An OpenTelemetry resource: the entity producing telemetry (seed §7 "Resource Model").
 * Attributes are typed (string, number, boolean, arrays of one of them).
 */
export interface OtelResource {
  readonly attributes: Readonly<Record<string, TagValue>>;
  readonly droppedAttributesCount: number;
  /** Schema URL of the attribute names, if any. */
  readonly schemaUrl?: string;
}
