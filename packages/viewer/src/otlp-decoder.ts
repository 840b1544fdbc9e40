// OTLP trace requests (ExportTraceServiceRequest) to viewer spans, from protobuf or from JSON.
// Field numbers are those of opentelemetry/proto/{collector/trace,trace,common,resource}/v1.
import type { SpanKind, SpanStatus } from '@trace/core';
import {
  UNKNOWN_SERVICE,
  type ViewerAttributeValue,
  type ViewerAttributes,
  type ViewerEvent,
  type ViewerLink,
  type ViewerSpan,
  bytesToHex,
  normalizeHexId,
} from './model.js';
import { ProtobufReader, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WireError, nanosToMicros } from './protobuf-reader.js';

const OTLP_KINDS: readonly SpanKind[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
const OTLP_STATUSES: readonly SpanStatus[] = ['unset', 'ok', 'error'];

interface Scope {
  name: string;
  version?: string;
}

/** Decodes a protobuf ExportTraceServiceRequest. Throws {@link WireError} on a malformed body. */
export function decodeOtlpProtobuf(body: Uint8Array): ViewerSpan[] {
  const spans: ViewerSpan[] = [];
  const reader = new ProtobufReader(body);
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      readResourceSpans(reader.sub(), spans);
    } else reader.skip(tag & 7);
  }
  return spans;
}

function readResourceSpans(reader: ProtobufReader, out: ViewerSpan[]): void {
  let resource: ViewerAttributes = {};
  const scopeReaders: ProtobufReader[] = [];
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        resource = readAttributesMessage(reader.sub(), 1);
        break;
      case 2:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        // the resource may come after its spans on the wire: read spans once it is known
        scopeReaders.push(reader.sub());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  const service = serviceOf(resource);
  for (const scopeReader of scopeReaders) readScopeSpans(scopeReader, resource, service, out);
}

function readScopeSpans(reader: ProtobufReader, resource: ViewerAttributes, service: string, out: ViewerSpan[]): void {
  let scope: Scope | undefined;
  const spanReaders: ProtobufReader[] = [];
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        scope = readScope(reader.sub());
        break;
      case 2:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        spanReaders.push(reader.sub());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  for (const spanReader of spanReaders) {
    const span = readSpan(spanReader, resource, service, scope);
    if (span !== undefined) out.push(span);
  }
}

function readScope(reader: ProtobufReader): Scope {
  const scope: Scope = { name: '' };
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) scope.name = reader.string();
    else if (tag >>> 3 === 2) scope.version = reader.string();
    else reader.skip(tag & 7);
  }
  return scope;
}

function readSpan(reader: ProtobufReader, resource: ViewerAttributes, service: string, scope: Scope | undefined): ViewerSpan | undefined {
  let traceId: string | undefined;
  let spanId: string | undefined;
  let parentId: string | undefined;
  let name = '';
  let kind: SpanKind = 'internal';
  let start = 0;
  let end = 0;
  const attributes: ViewerAttributes = {};
  const events: ViewerEvent[] = [];
  const links: ViewerLink[] = [];
  let status: SpanStatus = 'unset';
  let statusMessage = '';
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        traceId = normalizeHexId(bytesToHex(reader.bytesField()), 32);
        break;
      case 2:
        spanId = normalizeHexId(bytesToHex(reader.bytesField()), 16);
        break;
      case 4:
        parentId = normalizeHexId(bytesToHex(reader.bytesField()), 16);
        break;
      case 5:
        name = reader.string();
        break;
      case 6:
        kind = OTLP_KINDS[reader.uint32()] ?? 'internal';
        break;
      case 7:
        ProtobufReader.expect(tag, WIRE_FIXED64);
        start = nanosToMicros(reader.fixed64());
        break;
      case 8:
        ProtobufReader.expect(tag, WIRE_FIXED64);
        end = nanosToMicros(reader.fixed64());
        break;
      case 9:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        readKeyValue(reader.sub(), attributes);
        break;
      case 11:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        events.push(readEvent(reader.sub()));
        break;
      case 13: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const link = readLink(reader.sub());
        if (link !== undefined) links.push(link);
        break;
      }
      case 15: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const sub = reader.sub();
        while (sub.more()) {
          const statusTag = sub.tag();
          if (statusTag >>> 3 === 2) statusMessage = sub.string();
          else if (statusTag >>> 3 === 3) status = OTLP_STATUSES[sub.uint32()] ?? 'unset';
          else sub.skip(statusTag & 7);
        }
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  if (traceId === undefined || spanId === undefined) throw new WireError('span without a valid trace_id or span_id');
  return {
    traceId,
    spanId,
    parentId,
    name,
    kind,
    service,
    startMicros: start,
    endMicros: Math.max(end, start),
    status,
    statusMessage: status === 'error' ? statusMessage : '',
    attributes,
    events,
    links,
    resource,
    scope,
    source: 'otlp',
  };
}

function readEvent(reader: ProtobufReader): ViewerEvent {
  const event: ViewerEvent = { timeMicros: 0, name: '', attributes: {} };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        ProtobufReader.expect(tag, WIRE_FIXED64);
        event.timeMicros = nanosToMicros(reader.fixed64());
        break;
      case 2:
        event.name = reader.string();
        break;
      case 3:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        readKeyValue(reader.sub(), event.attributes);
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return event;
}

function readLink(reader: ProtobufReader): ViewerLink | undefined {
  let traceId: string | undefined;
  let spanId: string | undefined;
  const attributes: ViewerAttributes = {};
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        traceId = normalizeHexId(bytesToHex(reader.bytesField()), 32);
        break;
      case 2:
        spanId = normalizeHexId(bytesToHex(reader.bytesField()), 16);
        break;
      case 4:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        readKeyValue(reader.sub(), attributes);
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return traceId !== undefined && spanId !== undefined ? { traceId, spanId, attributes } : undefined;
}

/** The attributes of a message whose repeated KeyValue field is `field` (Resource: 1). */
function readAttributesMessage(reader: ProtobufReader, field: number): ViewerAttributes {
  const attributes: ViewerAttributes = {};
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === field) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      readKeyValue(reader.sub(), attributes);
    } else reader.skip(tag & 7);
  }
  return attributes;
}

function readKeyValue(reader: ProtobufReader, into: Record<string, ViewerAttributeValue>): void {
  let key = '';
  let value: ViewerAttributeValue = null;
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) key = reader.string();
    else if (tag >>> 3 === 2) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      value = readAnyValue(reader.sub());
    } else reader.skip(tag & 7);
  }
  into[key] = value;
}

function readAnyValue(reader: ProtobufReader): ViewerAttributeValue {
  let value: ViewerAttributeValue = null;
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        value = reader.string();
        break;
      case 2:
        value = reader.bool();
        break;
      case 3:
        value = reader.int64();
        break;
      case 4:
        value = reader.double();
        break;
      case 5: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const sub = reader.sub();
        const values: ViewerAttributeValue[] = [];
        while (sub.more()) {
          const itemTag = sub.tag();
          if (itemTag >>> 3 === 1) {
            ProtobufReader.expect(itemTag, WIRE_LENGTH_DELIMITED);
            values.push(readAnyValue(sub.sub()));
          } else sub.skip(itemTag & 7);
        }
        value = values;
        break;
      }
      case 6: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const entries: Record<string, ViewerAttributeValue> = {};
        const sub = reader.sub();
        while (sub.more()) {
          const itemTag = sub.tag();
          if (itemTag >>> 3 === 1) {
            ProtobufReader.expect(itemTag, WIRE_LENGTH_DELIMITED);
            readKeyValue(sub.sub(), entries);
          } else sub.skip(itemTag & 7);
        }
        value = entries;
        break;
      }
      case 7:
        value = Buffer.from(reader.bytesField()).toString('base64');
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return value;
}

function serviceOf(resource: ViewerAttributes): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

// --- JSON (the protobuf JSON mapping: lowerCamelCase keys, hex ids, enums as integers) ---------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[camel]`, or `value[snake]`: proto3 JSON parsers accept both names. */
function field(value: Json, camel: string, snake?: string): unknown {
  const found = value[camel];
  return found !== undefined || snake === undefined ? found : value[snake];
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new WireError(`${what} is not an array`);
  return value;
}

/** Decodes an OTLP/JSON ExportTraceServiceRequest. Throws {@link WireError} when it is not one. */
export function decodeOtlpJson(text: string): ViewerSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WireError('body is not JSON');
  }
  if (!isObject(parsed)) throw new WireError('body is not a JSON object');
  const spans: ViewerSpan[] = [];
  for (const resourceSpans of list(field(parsed, 'resourceSpans', 'resource_spans'), 'resourceSpans')) {
    if (!isObject(resourceSpans)) throw new WireError('resourceSpans entry is not an object');
    const resourceValue = field(resourceSpans, 'resource');
    const resource = isObject(resourceValue) ? jsonAttributes(resourceValue.attributes) : {};
    const service = serviceOf(resource);
    for (const scopeSpans of list(field(resourceSpans, 'scopeSpans', 'scope_spans'), 'scopeSpans')) {
      if (!isObject(scopeSpans)) throw new WireError('scopeSpans entry is not an object');
      const scopeValue = field(scopeSpans, 'scope');
      const scope: Scope | undefined = isObject(scopeValue)
        ? {
            name: String(scopeValue.name ?? ''),
            ...(typeof scopeValue.version === 'string' && scopeValue.version !== '' ? { version: scopeValue.version } : {}),
          }
        : undefined;
      for (const span of list(field(scopeSpans, 'spans'), 'spans')) spans.push(jsonSpan(span, resource, service, scope));
    }
  }
  return spans;
}

function jsonSpan(value: unknown, resource: ViewerAttributes, service: string, scope: Scope | undefined): ViewerSpan {
  if (!isObject(value)) throw new WireError('span is not an object');
  const traceId = jsonId(field(value, 'traceId', 'trace_id'), 32);
  const spanId = jsonId(field(value, 'spanId', 'span_id'), 16);
  if (traceId === undefined || spanId === undefined) throw new WireError('span without a valid traceId or spanId');
  const start = jsonNanos(field(value, 'startTimeUnixNano', 'start_time_unix_nano'));
  const end = jsonNanos(field(value, 'endTimeUnixNano', 'end_time_unix_nano'));
  const statusValue = field(value, 'status');
  const status = isObject(statusValue) ? jsonEnum(statusValue.code, OTLP_STATUSES, 'STATUS_CODE_') : 'unset';
  return {
    traceId,
    spanId,
    parentId: jsonId(field(value, 'parentSpanId', 'parent_span_id'), 16),
    name: String(value.name ?? ''),
    kind: jsonEnum(value.kind, OTLP_KINDS, 'SPAN_KIND_') ?? 'internal',
    service,
    startMicros: start,
    endMicros: Math.max(start, end),
    status: status ?? 'unset',
    statusMessage: status === 'error' && isObject(statusValue) ? String(statusValue.message ?? '') : '',
    attributes: jsonAttributes(value.attributes),
    events: list(value.events, 'events').map((event) => {
      if (!isObject(event)) throw new WireError('event is not an object');
      return {
        timeMicros: jsonNanos(field(event, 'timeUnixNano', 'time_unix_nano')),
        name: String(event.name ?? ''),
        attributes: jsonAttributes(event.attributes),
      };
    }),
    links: list(value.links, 'links').flatMap((link) => {
      if (!isObject(link)) throw new WireError('link is not an object');
      const linkTrace = jsonId(field(link, 'traceId', 'trace_id'), 32);
      const linkSpan = jsonId(field(link, 'spanId', 'span_id'), 16);
      return linkTrace !== undefined && linkSpan !== undefined ? [{ traceId: linkTrace, spanId: linkSpan, attributes: jsonAttributes(link.attributes) }] : [];
    }),
    resource,
    scope,
    source: 'otlp',
  };
}

function jsonId(value: unknown, length: 16 | 32): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new WireError('an id is not a string');
  return normalizeHexId(value, length);
}

function jsonNanos(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value / 1000;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return nanosToMicros(BigInt(value));
  throw new WireError('a time is not an unsigned integer');
}

/** An enum given as its number or its name (`SPAN_KIND_SERVER`). */
function jsonEnum<T>(value: unknown, names: readonly T[], prefix: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return names[value];
  if (typeof value === 'string') {
    const suffix = value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : value.toLowerCase();
    if (prefix === 'STATUS_CODE_') return (suffix === 'ok' ? names[1] : suffix === 'error' ? names[2] : names[0]) as T;
    return names.find((name) => name === suffix) ?? names[0];
  }
  throw new WireError('an enum is neither a number nor a name');
}

function jsonAttributes(value: unknown): ViewerAttributes {
  const attributes: ViewerAttributes = {};
  for (const entry of list(value, 'attributes')) {
    if (!isObject(entry) || typeof entry.key !== 'string') throw new WireError('attribute without a key');
    attributes[entry.key] = jsonAnyValue(entry.value);
  }
  return attributes;
}

function jsonAnyValue(value: unknown): ViewerAttributeValue {
  if (!isObject(value)) return null;
  const stringValue = field(value, 'stringValue', 'string_value');
  if (stringValue !== undefined) return String(stringValue);
  const boolValue = field(value, 'boolValue', 'bool_value');
  if (boolValue !== undefined) return boolValue === true || boolValue === 'true';
  const intValue = field(value, 'intValue', 'int_value');
  if (intValue !== undefined) return Number(intValue);
  const doubleValue = field(value, 'doubleValue', 'double_value');
  if (doubleValue !== undefined) return Number(doubleValue);
  const arrayValue = field(value, 'arrayValue', 'array_value');
  if (isObject(arrayValue)) return list(arrayValue.values, 'arrayValue.values').map(jsonAnyValue);
  const kvlistValue = field(value, 'kvlistValue', 'kvlist_value');
  if (isObject(kvlistValue)) return jsonAttributes(kvlistValue.values);
  const bytesValue = field(value, 'bytesValue', 'bytes_value');
  if (typeof bytesValue === 'string') return bytesValue;
  return null;
}
