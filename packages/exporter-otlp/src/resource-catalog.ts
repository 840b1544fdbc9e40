// Resources encoded once, at set-up: the exporter's resource, and the same resource with
// `service.name` replaced for spans that name another service. Spans are then grouped by
// resource and instrumentation scope, as OTLP's ResourceSpans / ScopeSpans nest them.
import type { InstrumentationScope, Span, TagValue } from '@trace/core';
import type { OtelResource } from '@trace/otel-adapter';
import { attributesJson } from './attributes-json.js';
import { writeAttributes } from './attributes-protobuf.js';
import { utf8Bytes } from './json-values.js';
import { ProtoWriter } from '@trace/core/encoding';

const SERVICE_NAME = 'service.name';
// Past this many distinct service names, spans of further services share the last entry built
// for them only per call: the cache never grows without bound.
const MAX_SERVICE_ENTRIES = 64;

/** A resource ready to copy into requests. */
export interface EncodedResource {
  readonly serviceName: string;
  /** Body of the protobuf `Resource` message. */
  readonly protobuf: Uint8Array;
  /** The OTLP/JSON `resource` object. */
  readonly json: string;
  readonly schemaUrl: string;
  /** UTF-8 bytes that open this resource's `ResourceSpans` in OTLP/JSON, up to `"scopeSpans":[`. */
  readonly jsonOpen: Uint8Array;
}

function encodeResource(attributes: Readonly<Record<string, TagValue>>, droppedAttributesCount: number, schemaUrl: string): EncodedResource {
  const writer = new ProtoWriter(1024);
  writeAttributes(writer, 0x0a, attributes);
  if (droppedAttributesCount > 0) writer.varintField(0x10, droppedAttributesCount);
  let json = `{"attributes":${attributesJson(attributes)}`;
  if (droppedAttributesCount > 0) json += `,"droppedAttributesCount":${droppedAttributesCount}`;
  json += '}';
  const name = attributes[SERVICE_NAME];
  const jsonOpen = utf8Bytes(`{"resource":${json}${schemaUrl !== '' ? `,"schemaUrl":${JSON.stringify(schemaUrl)}` : ''},"scopeSpans":[`);
  return { serviceName: typeof name === 'string' ? name : '', protobuf: writer.finish(), json, schemaUrl, jsonOpen };
}

/** The encoded resources of one exporter (or one encode call), by service name. */
export class ResourceCatalog {
  readonly base: EncodedResource;
  private readonly resource: OtelResource;
  private readonly byService = new Map<string, EncodedResource>();
  /** Set when every span is sent under one service name (the config's `serviceName`). */
  private readonly fixed: EncodedResource | undefined;

  constructor(resource: OtelResource, serviceNameOverride?: string) {
    this.resource = resource;
    this.base = encodeResource(resource.attributes, resource.droppedAttributesCount, resource.schemaUrl ?? '');
    this.fixed = serviceNameOverride === undefined ? undefined : this.forService(serviceNameOverride);
  }

  /** The resource a span is sent under. */
  resourceOf(span: Span): EncodedResource {
    if (this.fixed !== undefined) return this.fixed;
    const name = span.serviceName;
    if (typeof name !== 'string' || name === '' || name === this.base.serviceName || name.startsWith('unknown_service')) return this.base;
    return this.forService(name);
  }

  private forService(name: string): EncodedResource {
    if (name === this.base.serviceName) return this.base;
    const cached = this.byService.get(name);
    if (cached !== undefined) return cached;
    const attributes: Record<string, TagValue> = {};
    const source = this.resource.attributes;
    for (const key in source) attributes[key] = source[key] as TagValue;
    attributes[SERVICE_NAME] = name;
    const entry = encodeResource(attributes, this.resource.droppedAttributesCount, this.resource.schemaUrl ?? '');
    if (this.byService.size < MAX_SERVICE_ENTRIES) this.byService.set(name, entry);
    return entry;
  }
}

/** Spans of one instrumentation scope within a {@link ResourceGroup}. */
export interface ScopeGroup {
  readonly scope: InstrumentationScope;
  readonly spans: Span[];
}

/** Spans of one resource, by scope. */
export interface ResourceGroup {
  readonly resource: EncodedResource;
  readonly scopes: ScopeGroup[];
}

/**
 * Groups spans by resource, then scope, in order of first appearance. A batch from one tracer
 * (the usual case) is one group that reuses the input array.
 */
export function groupSpans(spans: readonly Span[], catalog: ResourceCatalog): ResourceGroup[] {
  const first = spans[0];
  if (first === undefined) return [];
  const firstResource = catalog.resourceOf(first);
  const firstScope = first.instrumentationScope;
  let uniform = true;
  for (let i = 1; i < spans.length; i++) {
    const span = spans[i] as Span;
    if (span.instrumentationScope !== firstScope || catalog.resourceOf(span) !== firstResource) {
      uniform = false;
      break;
    }
  }
  if (uniform) return [{ resource: firstResource, scopes: [{ scope: firstScope, spans: spans as Span[] }] }];
  const groups: ResourceGroup[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as Span;
    const resource = catalog.resourceOf(span);
    const scope = span.instrumentationScope;
    let group: ResourceGroup | undefined;
    for (let g = 0; g < groups.length; g++) {
      if ((groups[g] as ResourceGroup).resource.serviceName === resource.serviceName) {
        group = groups[g];
        break;
      }
    }
    if (group === undefined) {
      group = { resource, scopes: [] };
      groups.push(group);
    }
    let scoped: ScopeGroup | undefined;
    for (let s = 0; s < group.scopes.length; s++) {
      const candidate = group.scopes[s] as ScopeGroup;
      if (candidate.scope === scope || (candidate.scope.name === scope.name && candidate.scope.version === scope.version)) {
        scoped = candidate;
        break;
      }
    }
    if (scoped === undefined) {
      scoped = { scope, spans: [] };
      group.scopes.push(scoped);
    }
    scoped.spans.push(span);
  }
  return groups;
}

const catalogs = new WeakMap<OtelResource, ResourceCatalog>();

/** The catalog of `resource`, built on first use (for the stand-alone encode functions). */
export function catalogFor(resource: OtelResource): ResourceCatalog {
  let catalog = catalogs.get(resource);
  if (catalog === undefined) {
    catalog = new ResourceCatalog(resource);
    catalogs.set(resource, catalog);
  }
  return catalog;
}
