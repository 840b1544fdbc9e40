// Zipkin v2 JSON (`ListOfSpans` of zipkin2-api.yaml), written straight into UTF-8 bytes: no span
// objects are built, nothing goes through JSON.stringify, and no string is concatenated per span.
import type { Span, TagValue } from '@trace/core';
import { parseIpAddress } from './ip-address.js';
import { JsonWriter } from './json-writer.js';
import {
  JSON_KIND,
  type RemoteEndpoint,
  TagScan,
  type ZipkinEncodeOptions,
  durationMicros,
  errorTagValue,
  isSharedSpan,
  micros,
  tagValueString,
} from './span-facts.js';

// Encoding is synchronous: one scratch writer serves every call.
const writer = new JsonWriter();
const decoder = new TextDecoder();

/**
 * Encodes spans as a Zipkin v2 JSON array, the `application/json` body of `POST /api/v2/spans`,
 * as UTF-8 bytes ready to send. Ids are lowercase hex, times integer microseconds; see the
 * package README for the full mapping.
 */
export function encodeZipkinJsonBytes(spans: readonly Span[], options?: ZipkinEncodeOptions): Uint8Array {
  writeSpans(spans, options);
  return writer.copy();
}

/** {@link encodeZipkinJsonBytes} as a string. */
export function encodeZipkinJson(spans: readonly Span[], options?: ZipkinEncodeOptions): string {
  writeSpans(spans, options);
  return decoder.decode(writer.bytes.subarray(0, writer.position));
}

function writeSpans(spans: readonly Span[], options: ZipkinEncodeOptions | undefined): void {
  writer.reset();
  const local = new LocalEndpointJson(options);
  const scan = new TagScan();
  writer.ascii('[');
  for (let i = 0; i < spans.length; i++) {
    if (i > 0) writer.ascii(',');
    writeSpan(spans[i] as Span, local, scan);
  }
  writer.ascii(']');
}

function writeSpan(span: Span, local: LocalEndpointJson, scan: TagScan): void {
  const shared = isSharedSpan(span);
  writer.ascii('{"traceId":"');
  writer.ascii(span.traceId);
  // A shared span's parent would be itself; Zipkin drops such a parent, so it is not sent.
  if (span.hasParent && !shared) {
    writer.ascii('","parentId":"');
    writer.ascii(span.parentSpanId);
  }
  writer.ascii('","id":"');
  writer.ascii(span.spanId);
  writer.ascii('"');
  const kind = JSON_KIND[span.kind];
  if (kind) writer.ascii(kind);
  if (span.operationName !== '') {
    writer.ascii(',"name":"');
    writer.string(span.operationName);
    writer.ascii('"');
  }
  const timestamp = micros(span.startTime);
  if (timestamp > 0) {
    writer.ascii(',"timestamp":');
    writer.integer(timestamp);
  }
  writer.ascii(',"duration":');
  writer.integer(durationMicros(span.duration));
  writer.ascii(',"localEndpoint":');
  local.write(span.serviceName);

  const tags = span.tags;
  scan.scan(tags);
  const remote = scan.remoteEndpoint();
  if (remote !== undefined) writeRemoteEndpoint(remote);

  const events = span.events;
  if (events.length > 0) {
    writer.ascii(',"annotations":[');
    let previousTime = -1;
    let previousName = '';
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as Span['events'][number];
      const time = micros(event.time);
      // The schema wants unique annotations; an exact repeat adds nothing.
      if (time === previousTime && event.name === previousName) continue;
      writer.ascii(previousTime === -1 ? '{"timestamp":' : ',{"timestamp":');
      writer.integer(time);
      writer.ascii(',"value":"');
      writer.string(event.name);
      writer.ascii('"}');
      previousTime = time;
      previousName = event.name;
    }
    writer.ascii(']');
  }

  const isError = span.status === 'error';
  let first = true;
  for (const key in tags) {
    // span.kind is already `kind`; an error span's `error` tag is written from its status below.
    if (key === 'span.kind' || (isError && key === 'error')) continue;
    writer.ascii(first ? ',"tags":{"' : ',"');
    writer.string(key);
    writer.ascii('":"');
    writer.string(tagValueString(tags[key] as TagValue));
    writer.ascii('"');
    first = false;
  }
  if (isError) {
    writer.ascii(first ? ',"tags":{"error":"' : ',"error":"');
    writer.string(errorTagValue(span, scan.userError));
    writer.ascii('"');
    first = false;
  }
  if (!first) writer.ascii('}');

  if (span.debug) writer.ascii(',"debug":true');
  if (shared) writer.ascii(',"shared":true');
  writer.ascii('}');
}

function writeRemoteEndpoint(remote: RemoteEndpoint): void {
  writer.ascii(',"remoteEndpoint":{');
  let first = true;
  if (remote.serviceName !== undefined) {
    writer.ascii('"serviceName":"');
    writer.string(remote.serviceName);
    writer.ascii('"');
    first = false;
  }
  const address = remote.address;
  if (address !== undefined) {
    // Both texts come from the IP parser: hex digits, dots and colons only.
    if (address.ipv4 !== undefined) {
      writer.ascii(first ? '"ipv4":"' : ',"ipv4":"');
      writer.ascii(address.ipv4);
    } else {
      writer.ascii(first ? '"ipv6":"' : ',"ipv6":"');
      writer.ascii(address.ipv6 as string);
    }
    writer.ascii('"');
    first = false;
  }
  if (remote.port !== 0) {
    writer.ascii(first ? '"port":' : ',"port":');
    writer.integer(remote.port);
  }
  writer.ascii('}');
}

/** `localEndpoint` objects: the address part is fixed per call, so it is made once. */
class LocalEndpointJson {
  private readonly override: string | undefined;
  private readonly addressJson: string;

  constructor(options: ZipkinEncodeOptions | undefined) {
    this.override = options?.serviceName;
    this.addressJson = localAddressJson(options);
  }

  write(serviceName: string): void {
    const name = this.override ?? serviceName;
    if (name === '') {
      writer.ascii(`{${this.addressJson}}`);
      return;
    }
    writer.ascii('{"serviceName":"');
    writer.string(name);
    writer.ascii(this.addressJson === '' ? '"}' : `",${this.addressJson}}`);
  }
}

function localAddressJson(options: ZipkinEncodeOptions | undefined): string {
  const endpoint = options?.localEndpoint;
  if (endpoint === undefined) return '';
  const parts: string[] = [];
  const ipv4 = endpoint.ipv4 === undefined ? undefined : parseIpAddress(endpoint.ipv4);
  if (ipv4?.ipv4 !== undefined) parts.push(`"ipv4":"${ipv4.ipv4}"`);
  const ipv6 = endpoint.ipv6 === undefined ? undefined : parseIpAddress(endpoint.ipv6);
  if (ipv6?.ipv6 !== undefined) parts.push(`"ipv6":"${ipv6.ipv6}"`);
  const port = endpoint.port;
  if (port !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535) parts.push(`"port":${port}`);
  return parts.join(',');
}
