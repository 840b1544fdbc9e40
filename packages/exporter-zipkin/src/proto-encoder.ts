// Zipkin protobuf (`zipkin.proto3.ListOfSpans` of zipkin.proto), written field by field with
// core's ProtoWriter: no reflection, no generated code. Fields are written in field-number order,
// as a canonical encoder does.
//
//   ListOfSpans.spans = 1 ─ Span: trace_id 1, parent_id 2, id 3, kind 4, name 5, timestamp 6,
//   duration 7, local_endpoint 8, remote_endpoint 9, annotations 10, tags 11, debug 12, shared 13
//   Endpoint: service_name 1, ipv4 2, ipv6 3, port 4 · Annotation: timestamp 1, value 2
import type { Span, TagValue } from '@trace/core';
import { ProtoWriter } from '@trace/core/encoding';
import {
  PROTO_KIND,
  type RemoteEndpoint,
  STATUS_CODE_TAG,
  TagScan,
  type ZipkinEncodeOptions,
  durationMicros,
  errorTagValue,
  isSharedSpan,
  localAddress,
  micros,
  statusCodeTagValue,
  tagValueString,
} from './span-facts.js';

// Field keys: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
const LIST_SPANS = 0x0a;
const SPAN_TRACE_ID = 0x0a;
const SPAN_PARENT_ID = 0x12;
const SPAN_ID = 0x1a;
const SPAN_KIND = 0x20;
const SPAN_NAME = 0x2a;
const SPAN_TIMESTAMP = 0x31;
const SPAN_DURATION = 0x38;
const SPAN_LOCAL_ENDPOINT = 0x42;
const SPAN_REMOTE_ENDPOINT = 0x4a;
const SPAN_ANNOTATIONS = 0x52;
const SPAN_TAGS = 0x5a;
const SPAN_DEBUG = 0x60;
const SPAN_SHARED = 0x68;
const ENDPOINT_SERVICE_NAME = 0x0a;
const ENDPOINT_IPV4 = 0x12;
const ENDPOINT_IPV6 = 0x1a;
const ENDPOINT_PORT = 0x20;
const ANNOTATION_TIMESTAMP = 0x09;
const ANNOTATION_VALUE = 0x12;
const MAP_KEY = 0x0a;
const MAP_VALUE = 0x12;

// Encoding is synchronous, so these serve every call; the writer is made on first use.
const tagScan = new TagScan();
let sharedWriter: ProtoWriter | undefined;

/**
 * Encodes spans as `zipkin.proto3.ListOfSpans`, the `application/x-protobuf` body of
 * `POST /api/v2/spans`. Same mapping as {@link encodeZipkinJson}, with ids and IPs as raw bytes.
 * Strings are written as valid UTF-8 (a lone surrogate becomes U+FFFD: Zipkin's proto3 parser
 * rejects the whole message otherwise).
 */
export function encodeZipkinProto(spans: readonly Span[], options?: ZipkinEncodeOptions): Uint8Array {
  sharedWriter ??= new ProtoWriter();
  const writer = sharedWriter;
  writer.reset();
  const local = localEndpoint;
  local.configure(options);
  const scan = tagScan;
  for (let i = 0; i < spans.length; i++) {
    writer.uint32(LIST_SPANS);
    // Most spans take 128 bytes to 16 KiB: a two-byte length.
    const start = writer.begin(2);
    writeSpan(writer, spans[i] as Span, local, scan);
    writer.end(start, 2);
  }
  return writer.finish();
}

function writeSpan(writer: ProtoWriter, span: Span, local: LocalEndpointProto, scan: TagScan): void {
  const shared = isSharedSpan(span);
  // Ids go from the span's words straight into the buffer.
  let pos = writer.position;
  const buf = writer.room(pos, 3 * 2 + 16 + 8 + 8);
  buf[pos++] = SPAN_TRACE_ID;
  buf[pos++] = 16;
  span.writeTraceId(buf, pos);
  pos += 16;
  if (span.hasParent && !shared) {
    buf[pos++] = SPAN_PARENT_ID;
    buf[pos++] = 8;
    span.writeParentSpanId(buf, pos);
    pos += 8;
  }
  buf[pos++] = SPAN_ID;
  buf[pos++] = 8;
  span.writeSpanId(buf, pos);
  writer.seek(pos + 8);
  const kind = PROTO_KIND[span.kind];
  if (kind) writer.varintField(SPAN_KIND, kind);
  if (span.operationName !== '') {
    writer.uint32(SPAN_NAME);
    writer.string(span.operationName);
  }
  const timestamp = micros(span.startTime);
  if (timestamp > 0) {
    writer.uint32(SPAN_TIMESTAMP);
    writer.fixed64Number(timestamp);
  }
  writer.uint32(SPAN_DURATION);
  writer.int64(durationMicros(span.duration));
  writer.uint32(SPAN_LOCAL_ENDPOINT);
  writer.bytes(local.forService(span.serviceName));

  const tags = span.tags;
  scan.scan(tags);
  const remote = scan.remoteEndpoint();
  if (remote !== undefined) writeRemoteEndpoint(writer, remote);

  const events = span.events;
  let previousTime = -1;
  let previousName = '';
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as Span['events'][number];
    const time = micros(event.time);
    if (time === previousTime && event.name === previousName) continue;
    writer.uint32(SPAN_ANNOTATIONS);
    const start = writer.begin(1);
    writer.uint32(ANNOTATION_TIMESTAMP);
    writer.fixed64Number(time);
    writer.uint32(ANNOTATION_VALUE);
    writer.string(event.name);
    writer.end(start, 1);
    previousTime = time;
    previousName = event.name;
  }

  const isError = span.status === 'error';
  const statusCode = statusCodeTagValue(span.status);
  for (const key in tags) {
    if (key === 'span.kind' || (isError && key === 'error') || (statusCode !== undefined && key === STATUS_CODE_TAG)) continue;
    writeTag(writer, key, tagValueString(tags[key] as TagValue));
  }
  if (isError) writeTag(writer, 'error', errorTagValue(span, scan.userError));
  if (statusCode !== undefined) writeTag(writer, STATUS_CODE_TAG, statusCode);

  if (span.debug) writer.varintField(SPAN_DEBUG, 1);
  if (shared) writer.varintField(SPAN_SHARED, 1);
}

function writeTag(writer: ProtoWriter, key: string, value: string): void {
  writer.uint32(SPAN_TAGS);
  const start = writer.begin(1);
  writer.uint32(MAP_KEY);
  writer.string(key);
  writer.uint32(MAP_VALUE);
  writer.string(value);
  writer.end(start, 1);
}

function writeRemoteEndpoint(writer: ProtoWriter, remote: RemoteEndpoint): void {
  writer.uint32(SPAN_REMOTE_ENDPOINT);
  const start = writer.begin(1);
  if (remote.serviceName !== undefined) {
    writer.uint32(ENDPOINT_SERVICE_NAME);
    writer.string(remote.serviceName);
  }
  const address = remote.address;
  if (address !== undefined) {
    writer.uint32(address.ipv4 !== undefined ? ENDPOINT_IPV4 : ENDPOINT_IPV6);
    writer.bytes(address.bytes);
  }
  if (remote.port !== 0) writer.varintField(ENDPOINT_PORT, remote.port);
  writer.end(start, 1);
}

/** Encoded `Endpoint` messages for `local_endpoint`; the last service name's is kept. */
class LocalEndpointProto {
  private override: string | undefined = undefined;
  private ipv4: Uint8Array | undefined = undefined;
  private ipv6: Uint8Array | undefined = undefined;
  private port = 0;
  private lastService: string | undefined = undefined;
  private lastBytes: Uint8Array = new Uint8Array(0);
  private writer: ProtoWriter | undefined = undefined;

  /** Takes the options of an encode call; forgets the last service's bytes. */
  configure(options: ZipkinEncodeOptions | undefined): void {
    this.lastService = undefined;
    this.override = options?.serviceName;
    const address = localAddress(options);
    this.ipv4 = address.ipv4?.bytes;
    this.ipv6 = address.ipv6?.bytes;
    this.port = address.port;
  }

  forService(serviceName: string): Uint8Array {
    const name = this.override ?? serviceName;
    if (name !== this.lastService) {
      this.lastService = name;
      this.writer ??= new ProtoWriter(256);
      const writer = this.writer;
      writer.reset();
      if (name !== '') {
        writer.uint32(ENDPOINT_SERVICE_NAME);
        writer.string(name);
      }
      if (this.ipv4 !== undefined) {
        writer.uint32(ENDPOINT_IPV4);
        writer.bytes(this.ipv4);
      }
      if (this.ipv6 !== undefined) {
        writer.uint32(ENDPOINT_IPV6);
        writer.bytes(this.ipv6);
      }
      if (this.port !== 0) writer.varintField(ENDPOINT_PORT, this.port);
      this.lastBytes = writer.finish();
    }
    return this.lastBytes;
  }
}

// One instance for every call (encoding is synchronous).
const localEndpoint = new LocalEndpointProto();
