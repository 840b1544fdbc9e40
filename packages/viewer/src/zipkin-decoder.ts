// Zipkin v2 spans (JSON array, or protobuf ListOfSpans from zipkin.proto) to viewer spans.
// Zipkin has no status or resource: an `error` tag marks an error (its value is the message), and
// the local endpoint's service name is the service.
import type { SpanKind, SpanStatus } from '@trace/core';
import { UNKNOWN_SERVICE, type ViewerAttributes, type ViewerEvent, type ViewerSpan, bytesToHex, kindFromName, normalizeHexId } from './model.js';
import { ProtobufReader, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WireError } from './protobuf-reader.js';

const PROTO_KINDS: readonly SpanKind[] = ['internal', 'client', 'server', 'producer', 'consumer'];

interface ZipkinFacts {
  traceId: string | undefined;
  spanId: string | undefined;
  parentId: string | undefined;
  kind: SpanKind;
  name: string;
  timestamp: number;
  duration: number;
  service: string;
  remoteService: string | undefined;
  events: ViewerEvent[];
  tags: ViewerAttributes;
}

function toViewerSpan(facts: ZipkinFacts): ViewerSpan {
  if (facts.traceId === undefined || facts.spanId === undefined) throw new WireError('span without a valid traceId or id');
  const tags = facts.tags;
  let status: SpanStatus = 'unset';
  let statusMessage = '';
  const otelStatus = tags['otel.status_code'];
  if (tags.error !== undefined || otelStatus === 'ERROR') {
    status = 'error';
    const description = tags['otel.status_description'];
    statusMessage = typeof description === 'string' ? description : typeof tags.error === 'string' && tags.error !== 'true' ? tags.error : '';
  } else if (otelStatus === 'OK') status = 'ok';
  if (facts.remoteService !== undefined && tags['peer.service'] === undefined) tags['peer.service'] = facts.remoteService;
  const scopeName = tags['otel.scope.name'] ?? tags['otel.library.name'];
  const scopeVersion = tags['otel.scope.version'] ?? tags['otel.library.version'];
  return {
    traceId: facts.traceId,
    spanId: facts.spanId,
    parentId: facts.parentId,
    name: facts.name,
    kind: facts.kind,
    service: facts.service,
    startMicros: facts.timestamp,
    endMicros: facts.timestamp + facts.duration,
    status,
    statusMessage,
    attributes: tags,
    events: facts.events,
    links: [],
    resource: { 'service.name': facts.service },
    scope: typeof scopeName === 'string' ? { name: scopeName, ...(typeof scopeVersion === 'string' ? { version: scopeVersion } : {}) } : undefined,
    source: 'zipkin',
  };
}

// --- JSON ---------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonId(value: unknown, length: 16 | 32, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WireError(`${what} is not a string`);
  const id = normalizeHexId(value, length);
  if (id === undefined && value !== '') throw new WireError(`${what} is not a hex id`);
  return id;
}

function jsonMicros(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new WireError(`${what} is not a non-negative number`);
}

function endpointService(value: unknown): string | undefined {
  return isObject(value) && typeof value.serviceName === 'string' && value.serviceName !== '' ? value.serviceName : undefined;
}

/** Decodes a Zipkin v2 JSON body (an array of spans). Throws {@link WireError} when it is not one. */
export function decodeZipkinJson(text: string): ViewerSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WireError('body is not JSON');
  }
  if (!Array.isArray(parsed)) throw new WireError('body is not a JSON array of spans');
  return parsed.map((value) => {
    if (!isObject(value)) throw new WireError('span is not an object');
    const tags: ViewerAttributes = {};
    if (value.tags !== undefined && value.tags !== null) {
      if (!isObject(value.tags)) throw new WireError('tags is not an object');
      for (const key in value.tags) tags[key] = String(value.tags[key]);
    }
    const events: ViewerEvent[] = [];
    if (value.annotations !== undefined && value.annotations !== null) {
      if (!Array.isArray(value.annotations)) throw new WireError('annotations is not an array');
      for (const annotation of value.annotations) {
        if (!isObject(annotation)) throw new WireError('annotation is not an object');
        events.push({ timeMicros: jsonMicros(annotation.timestamp, 'annotation timestamp'), name: String(annotation.value ?? ''), attributes: {} });
      }
    }
    if (value.kind !== undefined && value.kind !== null && typeof value.kind !== 'string') throw new WireError('kind is not a string');
    return toViewerSpan({
      traceId: jsonId(value.traceId, 32, 'traceId'),
      spanId: jsonId(value.id, 16, 'id'),
      parentId: jsonId(value.parentId, 16, 'parentId'),
      kind: kindFromName(value.kind) ?? 'internal',
      name: typeof value.name === 'string' ? value.name : '',
      timestamp: jsonMicros(value.timestamp, 'timestamp'),
      duration: jsonMicros(value.duration, 'duration'),
      service: endpointService(value.localEndpoint) ?? UNKNOWN_SERVICE,
      remoteService: endpointService(value.remoteEndpoint),
      events,
      tags,
    });
  });
}

// --- protobuf ------------------------------------------------------------------------------------

/** Decodes a protobuf ListOfSpans. Throws {@link WireError} on a malformed body. */
export function decodeZipkinProtobuf(body: Uint8Array): ViewerSpan[] {
  const spans: ViewerSpan[] = [];
  const reader = new ProtobufReader(body);
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      spans.push(toViewerSpan(readSpan(reader.sub())));
    } else reader.skip(tag & 7);
  }
  return spans;
}

function readSpan(reader: ProtobufReader): ZipkinFacts {
  const facts: ZipkinFacts = {
    traceId: undefined,
    spanId: undefined,
    parentId: undefined,
    kind: 'internal',
    name: '',
    timestamp: 0,
    duration: 0,
    service: UNKNOWN_SERVICE,
    remoteService: undefined,
    events: [],
    tags: {},
  };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        facts.traceId = normalizeHexId(bytesToHex(reader.bytesField()), 32);
        break;
      case 2:
        facts.parentId = normalizeHexId(bytesToHex(reader.bytesField()), 16);
        break;
      case 3:
        facts.spanId = normalizeHexId(bytesToHex(reader.bytesField()), 16);
        break;
      case 4:
        facts.kind = PROTO_KINDS[reader.uint32()] ?? 'internal';
        break;
      case 5:
        facts.name = reader.string();
        break;
      case 6:
        ProtobufReader.expect(tag, WIRE_FIXED64);
        facts.timestamp = Number(reader.fixed64());
        break;
      case 7:
        facts.duration = Number(reader.uint64());
        break;
      case 8:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        facts.service = readEndpointService(reader.sub()) ?? UNKNOWN_SERVICE;
        break;
      case 9:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        facts.remoteService = readEndpointService(reader.sub());
        break;
      case 10: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const sub = reader.sub();
        const event: ViewerEvent = { timeMicros: 0, name: '', attributes: {} };
        while (sub.more()) {
          const eventTag = sub.tag();
          if (eventTag >>> 3 === 1) {
            ProtobufReader.expect(eventTag, WIRE_FIXED64);
            event.timeMicros = Number(sub.fixed64());
          } else if (eventTag >>> 3 === 2) event.name = sub.string();
          else sub.skip(eventTag & 7);
        }
        facts.events.push(event);
        break;
      }
      case 11: {
        // a map<string, string> entry: key 1, value 2
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const sub = reader.sub();
        let key = '';
        let value = '';
        while (sub.more()) {
          const entryTag = sub.tag();
          if (entryTag >>> 3 === 1) key = sub.string();
          else if (entryTag >>> 3 === 2) value = sub.string();
          else sub.skip(entryTag & 7);
        }
        facts.tags[key] = value;
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  return facts;
}

function readEndpointService(reader: ProtobufReader): string | undefined {
  let service: string | undefined;
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) service = reader.string();
    else reader.skip(tag & 7);
  }
  return service === '' ? undefined : service;
}
