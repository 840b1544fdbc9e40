// Zipkin protobuf (`zipkin.proto3.ListOfSpans` of zipkin.proto), written field by field with
// protobufjs's Writer: no reflection, no generated code. Fields are written in field-number order,
// as a canonical encoder does.
//
//   ListOfSpans.spans = 1 ─ Span: trace_id 1, parent_id 2, id 3, kind 4, name 5, timestamp 6,
//   duration 7, local_endpoint 8, remote_endpoint 9, annotations 10, tags 11, debug 12, shared 13
//   Endpoint: service_name 1, ipv4 2, ipv6 3, port 4 · Annotation: timestamp 1, value 2
import type { Span, TagValue } from '@trace/core';
import protobuf from 'protobufjs/minimal.js';
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
  wellFormed,
} from './span-facts.js';

type Writer = protobuf.Writer;
const utf8Length: (value: string) => number = protobuf.util.utf8.length;

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

const TWO_POW_32 = 4294967296;

// Encoding is synchronous, so these serve every call. They, and one writer holding an op of each
// kind this encoder makes, live for the process on purpose: V8 drops the hidden classes of
// objects of which none is alive at a full GC, and throws away the optimised code built on them.
// protobufjs allocates its op and state objects per field and lets them go at finish, so without
// the kept writer every batch after a GC ran about 3x slower (1.3 ms -> 4.1 ms for 512 spans).
const idBytes = new Uint8Array(16);
const tagScan = new TagScan();
const shapeKeeper = protobuf.Writer.create();
shapeKeeper.uint32(1).fork().string('k').bytes(idBytes).fixed32(1).uint64(TWO_POW_32).int32(1).bool(true);
// Pinned where the GC sees it: a module variable no function reads would not keep it alive.
(globalThis as Record<symbol, unknown>)[Symbol.for('@trace/exporter-zipkin.protoShapeKeeper')] = shapeKeeper;

/**
 * Encodes spans as `zipkin.proto3.ListOfSpans`, the `application/x-protobuf` body of
 * `POST /api/v2/spans`. Same mapping as {@link encodeZipkinJson}, with ids and IPs as raw bytes.
 */
export function encodeZipkinProto(spans: readonly Span[], options?: ZipkinEncodeOptions): Uint8Array {
  const writer = protobuf.Writer.create();
  const local = localEndpoint;
  local.configure(options);
  const scan = tagScan;
  for (let i = 0; i < spans.length; i++) {
    writer.uint32(LIST_SPANS).fork();
    writeSpan(writer, spans[i] as Span, local, scan);
    writer.ldelim();
  }
  return writer.finish();
}

function writeSpan(writer: Writer, span: Span, local: LocalEndpointProto, scan: TagScan): void {
  const shared = isSharedSpan(span);
  span.writeTraceId(idBytes, 0);
  writeIdBytes(writer.uint32(SPAN_TRACE_ID).uint32(16), idBytes, 16);
  if (span.hasParent && !shared) {
    span.writeParentSpanId(idBytes, 0);
    writeIdBytes(writer.uint32(SPAN_PARENT_ID).uint32(8), idBytes, 8);
  }
  span.writeSpanId(idBytes, 0);
  writeIdBytes(writer.uint32(SPAN_ID).uint32(8), idBytes, 8);
  const kind = PROTO_KIND[span.kind];
  if (kind) writer.uint32(SPAN_KIND).uint32(kind);
  if (span.operationName !== '') writer.uint32(SPAN_NAME).string(wellFormed(span.operationName));
  const timestamp = micros(span.startTime);
  if (timestamp > 0) writeFixed64(writer.uint32(SPAN_TIMESTAMP), timestamp);
  writeUint64(writer.uint32(SPAN_DURATION), durationMicros(span.duration));
  writer.uint32(SPAN_LOCAL_ENDPOINT).bytes(local.forService(span.serviceName));

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
    const value = wellFormed(event.name);
    const valueLength = utf8Length(value);
    writer.uint32(SPAN_ANNOTATIONS).uint32(9 + 1 + varintLength(valueLength) + valueLength);
    writeFixed64(writer.uint32(ANNOTATION_TIMESTAMP), time);
    writer.uint32(ANNOTATION_VALUE).string(value);
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

  if (span.debug) writer.uint32(SPAN_DEBUG).bool(true);
  if (shared) writer.uint32(SPAN_SHARED).bool(true);
}

/**
 * Copies id bytes as little-endian fixed32 words, which puts them on the wire in their own order.
 * `Writer.bytes` would keep a reference to the scratch buffer until `finish`, so it cannot be reused.
 */
function writeIdBytes(writer: Writer, bytes: Uint8Array, length: number): void {
  for (let i = 0; i < length; i += 4) {
    writer.fixed32((bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24));
  }
}

/** Epoch µs fit in 53 bits; split by hand to skip protobufjs's LongBits allocation. */
function writeFixed64(writer: Writer, value: number): void {
  writer.fixed32(value >>> 0).fixed32(Math.floor(value / TWO_POW_32) >>> 0);
}

function writeUint64(writer: Writer, value: number): void {
  // Below 2^32 the uint64 varint is the uint32 varint.
  if (value <= 0xffffffff) writer.uint32(value);
  else writer.uint64(value);
}

function writeTag(writer: Writer, rawKey: string, rawValue: string): void {
  const key = wellFormed(rawKey);
  const value = wellFormed(rawValue);
  const keyLength = utf8Length(key);
  const valueLength = utf8Length(value);
  writer.uint32(SPAN_TAGS).uint32(2 + varintLength(keyLength) + keyLength + varintLength(valueLength) + valueLength);
  writer.uint32(MAP_KEY).string(key).uint32(MAP_VALUE).string(value);
}

function writeRemoteEndpoint(writer: Writer, remote: RemoteEndpoint): void {
  writer.uint32(SPAN_REMOTE_ENDPOINT).fork();
  if (remote.serviceName !== undefined) writer.uint32(ENDPOINT_SERVICE_NAME).string(wellFormed(remote.serviceName));
  const address = remote.address;
  if (address !== undefined) writer.uint32(address.ipv4 !== undefined ? ENDPOINT_IPV4 : ENDPOINT_IPV6).bytes(address.bytes);
  if (remote.port !== 0) writer.uint32(ENDPOINT_PORT).int32(remote.port);
  writer.ldelim();
}

function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Encoded `Endpoint` messages for `local_endpoint`; the last service name's is kept. */
class LocalEndpointProto {
  private override: string | undefined = undefined;
  private ipv4: Uint8Array | undefined = undefined;
  private ipv6: Uint8Array | undefined = undefined;
  private port = 0;
  private lastService: string | undefined = undefined;
  private lastBytes: Uint8Array = new Uint8Array(0);

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
      const writer = protobuf.Writer.create();
      if (name !== '') writer.uint32(ENDPOINT_SERVICE_NAME).string(wellFormed(name));
      if (this.ipv4 !== undefined) writer.uint32(ENDPOINT_IPV4).bytes(this.ipv4);
      if (this.ipv6 !== undefined) writer.uint32(ENDPOINT_IPV6).bytes(this.ipv6);
      if (this.port !== 0) writer.uint32(ENDPOINT_PORT).int32(this.port);
      this.lastBytes = writer.finish();
    }
    return this.lastBytes;
  }
}

// One instance for every call, kept for the process like `tagScan` (see `shapeKeeper`).
const localEndpoint = new LocalEndpointProto();
