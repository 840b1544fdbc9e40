// OpenTelemetry resources: the entity producing telemetry.
// https://opentelemetry.io/docs/specs/otel/resource/sdk/
import { ConfigError, type TagValue, sanitizeTagValue } from '@trace/core';
import { SDK_LANGUAGE, SDK_NAME, SDK_VERSION } from './version.js';

/**
 * An OpenTelemetry resource: the entity producing telemetry.
 * Attributes are typed (string, number, boolean, arrays of one of them).
 */
export interface OtelResource {
  readonly attributes: Readonly<Record<string, TagValue>>;
  readonly droppedAttributesCount: number;
  /** Schema URL of the attribute names, if any. */
  readonly schemaUrl?: string;
}

/** Semantic-convention keys of the attributes {@link createServiceResource} sets. */
export const ResourceAttributeKeys = Object.freeze({
  SERVICE_NAME: 'service.name',
  SERVICE_VERSION: 'service.version',
  SERVICE_NAMESPACE: 'service.namespace',
  TELEMETRY_SDK_NAME: 'telemetry.sdk.name',
  TELEMETRY_SDK_VERSION: 'telemetry.sdk.version',
  TELEMETRY_SDK_LANGUAGE: 'telemetry.sdk.language',
} as const);

// Resource attribute values are not truncated: the OTel default limit for resources is "none".
const NO_LENGTH_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Builds a resource from plain attributes. Values that are not valid attribute values (objects,
 * `null`, mixed arrays, ...) and empty keys are left out and counted in `droppedAttributesCount`.
 * The result is frozen.
 */
export function createResource(attributes: Readonly<Record<string, unknown>> = {}, schemaUrl?: string): OtelResource {
  const clean: Record<string, TagValue> = {};
  let dropped = 0;
  if (attributes !== null && typeof attributes === 'object') {
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = key === '' || key === '__proto__' ? undefined : sanitizeTagValue(attributes[key], NO_LENGTH_LIMIT);
      if (value === undefined) dropped++;
      else clean[key] = Array.isArray(value) ? Object.freeze(value) : value;
    }
  }
  return freezeResource(clean, dropped, typeof schemaUrl === 'string' && schemaUrl !== '' ? schemaUrl : undefined);
}

/**
 * The resource of a service: `service.name`,
 * `service.version` (left out when empty), `service.namespace` (when given and not empty), and
 * `telemetry.sdk.name` = `trace`, `telemetry.sdk.version` = this package's version,
 * `telemetry.sdk.language` = `nodejs`.
 *
 * @throws {ConfigError} when `name` is not a non-empty string or `version` / `namespace` are not
 *   strings: a resource without a service name is a set-up mistake, caught where it is made.
 */
export function createServiceResource(name: string, version: string, namespace?: string): OtelResource {
  if (typeof name !== 'string' || name === '') throw new ConfigError('createServiceResource: the service name must be a non-empty string');
  if (typeof version !== 'string') throw new ConfigError('createServiceResource: the service version must be a string (use "" when unknown)');
  if (namespace !== undefined && typeof namespace !== 'string')
    throw new ConfigError('createServiceResource: the service namespace must be a string when given');
  const attributes: Record<string, TagValue> = { [ResourceAttributeKeys.SERVICE_NAME]: name };
  if (version !== '') attributes[ResourceAttributeKeys.SERVICE_VERSION] = version;
  if (namespace !== undefined && namespace !== '') attributes[ResourceAttributeKeys.SERVICE_NAMESPACE] = namespace;
  attributes[ResourceAttributeKeys.TELEMETRY_SDK_NAME] = SDK_NAME;
  attributes[ResourceAttributeKeys.TELEMETRY_SDK_VERSION] = SDK_VERSION;
  attributes[ResourceAttributeKeys.TELEMETRY_SDK_LANGUAGE] = SDK_LANGUAGE;
  return freezeResource(attributes, 0, undefined);
}

/**
 * Merges two resources as the OpenTelemetry Resource SDK specifies ("Merge"): every attribute
 * of both, with `updating`'s value winning when both have a key. Schema URL: the non-empty one
 * when only one has it, that URL when both agree; when both are set and differ the spec calls it
 * a merging error with an implementation-defined result, and here the merged resource has no
 * schema URL (its attribute names can no longer be tied to one schema). Dropped counts add up.
 */
export function mergeResources(old: OtelResource, updating: OtelResource): OtelResource {
  const attributes: Record<string, TagValue> = {};
  const oldAttributes = old.attributes;
  const newAttributes = updating.attributes;
  for (const key in oldAttributes) if (Object.hasOwn(oldAttributes, key)) attributes[key] = oldAttributes[key] as TagValue;
  for (const key in newAttributes) if (Object.hasOwn(newAttributes, key)) attributes[key] = newAttributes[key] as TagValue;
  const oldUrl = old.schemaUrl ?? '';
  const newUrl = updating.schemaUrl ?? '';
  let schemaUrl: string | undefined;
  if (oldUrl === '') schemaUrl = newUrl === '' ? undefined : newUrl;
  else if (newUrl === '' || newUrl === oldUrl) schemaUrl = oldUrl;
  else schemaUrl = undefined;
  return freezeResource(attributes, (old.droppedAttributesCount | 0) + (updating.droppedAttributesCount | 0), schemaUrl);
}

function freezeResource(attributes: Record<string, TagValue>, droppedAttributesCount: number, schemaUrl: string | undefined): OtelResource {
  Object.freeze(attributes);
  return Object.freeze(schemaUrl === undefined ? { attributes, droppedAttributesCount } : { attributes, droppedAttributesCount, schemaUrl });
}
