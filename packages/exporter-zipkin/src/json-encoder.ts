// Zipkin v2 JSON (`ListOfSpans` of zipkin2-api.yaml), written straight into UTF-8 bytes: no span
// objects are built, nothing goes through JSON.stringify, and no string is concatenated per span.
import {
  JSON_NUMBER_ROOM,
  JsonBytesWriter,
  type Span,
  type TagValue,
  jsonAsciiBytes,
  jsonStringRoom,
  putJsonAscii,
  putJsonBoolean,
  putJsonBytes,
  putJsonInteger,
  putJsonNumber,
  putJsonString,
} from '@trace/core';
import { parseIpAddress } from './ip-address.js';
import { jsonText } from './json-string.js';
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

// The CommonJS build of @trace/core re-exports through getters, so a call through the import
// would run a getter per piece written; binding each writer function once avoids that.
const putAscii = putJsonAscii;
const putBoolean = putJsonBoolean;
const putBytes = putJsonBytes;
const putInteger = putJsonInteger;
const putNumber = putJsonNumber;
const putString = putJsonString;
const stringRoom = jsonStringRoom;
const NUMBER_ROOM = JSON_NUMBER_ROOM;

// Encoding is synchronous: one scratch buffer serves every call.
const sink = new JsonBytesWriter();

// Every constant piece of a span, as bytes once, so writing one is a plain byte copy.
const SPAN_START = jsonAsciiBytes('{"traceId":"');
const PARENT_ID = jsonAsciiBytes('","parentId":"');
const ID = jsonAsciiBytes('","id":"');
const NAME = jsonAsciiBytes(',"name":"');
const TIMESTAMP = jsonAsciiBytes(',"timestamp":');
const DURATION = jsonAsciiBytes(',"duration":');
const ANNOTATIONS = jsonAsciiBytes(',"annotations":[');
const FIRST_ANNOTATION = jsonAsciiBytes('{"timestamp":');
const NEXT_ANNOTATION = jsonAsciiBytes(',{"timestamp":');
const ANNOTATION_VALUE = jsonAsciiBytes(',"value":"');
const ANNOTATION_END = jsonAsciiBytes('"}');
const FIRST_TAG = jsonAsciiBytes(',"tags":{"');
const NEXT_TAG = jsonAsciiBytes(',"');
const TAG_VALUE = jsonAsciiBytes('":"');
const FIRST_ERROR_TAG = jsonAsciiBytes(',"tags":{"error":"');
const NEXT_ERROR_TAG = jsonAsciiBytes(',"error":"');
const DEBUG = jsonAsciiBytes(',"debug":true');
const SHARED = jsonAsciiBytes(',"shared":true');
const REMOTE_ENDPOINT = jsonAsciiBytes(',"remoteEndpoint":{');
const REMOTE_SERVICE = jsonAsciiBytes('"serviceName":"');
const FIRST_IPV4 = jsonAsciiBytes('"ipv4":"');
const NEXT_IPV4 = jsonAsciiBytes(',"ipv4":"');
const FIRST_IPV6 = jsonAsciiBytes('"ipv6":"');
const NEXT_IPV6 = jsonAsciiBytes(',"ipv6":"');
const FIRST_PORT = jsonAsciiBytes('"port":');
const NEXT_PORT = jsonAsciiBytes(',"port":');
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
/** `","id":"` + hex + `"` + kind, per span kind: one copy for the pieces around the span id. */
const KIND_BYTES: Readonly<Record<string, Uint8Array>> = Object.freeze({
  internal: jsonAsciiBytes(`"${JSON_KIND['internal'] as string}`),
  server: jsonAsciiBytes(`"${JSON_KIND['server'] as string}`),
  client: jsonAsciiBytes(`"${JSON_KIND['client'] as string}`),
  producer: jsonAsciiBytes(`"${JSON_KIND['producer'] as string}`),
  consumer: jsonAsciiBytes(`"${JSON_KIND['consumer'] as string}`),
});

/**
 * Room for a span's fixed parts: constants (about 190 bytes with the longest kind, `debug` and
 * `shared`), 64 hex id characters and three 16-digit integers; its strings are added per part.
 */
const SPAN_ROOM = 320;
/** Room for one annotation besides its name: constants and a 16-digit timestamp. */
const ANNOTATION_ROOM = 64;
/** Room for one tag besides its key and value: `,"tags":{"`, `":"`, `"`, `}`. */
const TAG_ROOM = 16;
/** Room for a remote endpoint besides its service name and address text. */
const REMOTE_ROOM = 64;

/**
 * Encodes spans as a Zipkin v2 JSON array, the `application/json` body of `POST /api/v2/spans`,
 * as UTF-8 bytes ready to send. Ids are lowercase hex, times integer microseconds; see the
 * package README for the full mapping.
 */
export function encodeZipkinJsonBytes(spans: readonly Span[], options?: ZipkinEncodeOptions): Uint8Array {
  return sink.finish(writeSpans(spans, options));
}

/**
 * {@link encodeZipkinJsonBytes} as a string: the same bytes, turned into one string by a single
 * native copy (latin1 when they are all ASCII, UTF-8 decoding otherwise).
 */
export function encodeZipkinJson(spans: readonly Span[], options?: ZipkinEncodeOptions): string {
  return sink.text(writeSpans(spans, options));
}

/** Writes the whole array into {@link sink}; returns its length in bytes. */
function writeSpans(spans: readonly Span[], options: ZipkinEncodeOptions | undefined): number {
  let position = sink.reset();
  const local = new LocalEndpointJson(options);
  const scan = new TagScan();
  let bytes = sink.room(position, 2);
  bytes[position++] = OPEN_BRACKET;
  for (let i = 0; i < spans.length; i++) {
    if (i > 0) {
      bytes = sink.room(position, 1);
      bytes[position++] = COMMA;
    }
    position = writeSpan(spans[i] as Span, local, scan, position);
  }
  bytes = sink.room(position, 1);
  bytes[position++] = CLOSE_BRACKET;
  return position;
}

/** Writes one span object at `position`; returns the end. */
function writeSpan(span: Span, local: LocalEndpointJson, scan: TagScan, position: number): number {
  const kind = span.kind;
  const shared = isSharedSpan(span, kind);
  const name = span.operationName;
  let bytes = sink.room(position, SPAN_ROOM + stringRoom(name));
  // Ids go from the span's words straight into the buffer as hex: no strings built.
  position = putBytes(bytes, position, SPAN_START);
  span.writeTraceIdHex(bytes, position);
  position += 32;
  // A shared span's parent would be itself; Zipkin drops such a parent, so it is not sent.
  if (span.hasParent && !shared) {
    position = putBytes(bytes, position, PARENT_ID);
    span.writeParentSpanIdHex(bytes, position);
    position += 16;
  }
  position = putBytes(bytes, position, ID);
  span.writeSpanIdHex(bytes, position);
  position += 16;
  position = putBytes(bytes, position, KIND_BYTES[kind] as Uint8Array);
  if (name !== '') {
    position = putBytes(bytes, position, NAME);
    position = putString(sink, bytes, position, name);
    bytes[position++] = QUOTE;
  }
  const timestamp = micros(span.startTime);
  if (timestamp > 0) {
    position = putBytes(bytes, position, TIMESTAMP);
    position = putInteger(bytes, position, timestamp);
  }
  position = putBytes(bytes, position, DURATION);
  position = putInteger(bytes, position, durationMicros(span.duration));
  position = local.write(span.serviceName, position);

  const tags = span.tags;
  scan.scan(tags);
  const remote = scan.remoteEndpoint();
  if (remote !== undefined) position = writeRemoteEndpoint(remote, position);

  const events = span.events;
  if (events.length > 0) {
    bytes = sink.room(position, ANNOTATIONS.length + 1);
    position = putBytes(bytes, position, ANNOTATIONS);
    let previousTime = -1;
    let previousName = '';
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as Span['events'][number];
      const time = micros(event.time);
      // The schema wants unique annotations; an exact repeat adds nothing.
      if (time === previousTime && event.name === previousName) continue;
      bytes = sink.room(position, ANNOTATION_ROOM + stringRoom(event.name));
      position = putBytes(bytes, position, previousTime === -1 ? FIRST_ANNOTATION : NEXT_ANNOTATION);
      position = putInteger(bytes, position, time);
      position = putBytes(bytes, position, ANNOTATION_VALUE);
      position = putString(sink, bytes, position, event.name);
      position = putBytes(bytes, position, ANNOTATION_END);
      previousTime = time;
      previousName = event.name;
    }
    bytes = sink.room(position, 1);
    bytes[position++] = CLOSE_BRACKET;
  }

  const isError = span.status === 'error';
  let first = true;
  for (const key in tags) {
    // span.kind is already `kind`; an error span's `error` tag is written from its status below.
    if (key === 'span.kind' || (isError && key === 'error')) continue;
    const value = tags[key] as TagValue;
    const valueText = typeof value === 'string' ? value : typeof value === 'object' ? tagValueString(value) : undefined;
    bytes = sink.room(position, TAG_ROOM + stringRoom(key) + (valueText === undefined ? NUMBER_ROOM : stringRoom(valueText)));
    position = putBytes(bytes, position, first ? FIRST_TAG : NEXT_TAG);
    position = putString(sink, bytes, position, key);
    position = putBytes(bytes, position, TAG_VALUE);
    // Numbers and booleans are written as String() spells them, without making that string.
    if (valueText !== undefined) position = putString(sink, bytes, position, valueText);
    else if (typeof value === 'number') position = putNumber(bytes, position, value);
    else position = putBoolean(bytes, position, value as boolean);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (isError) {
    const message = errorTagValue(span, scan.userError);
    bytes = sink.room(position, TAG_ROOM + FIRST_ERROR_TAG.length + stringRoom(message));
    position = putBytes(bytes, position, first ? FIRST_ERROR_TAG : NEXT_ERROR_TAG);
    position = putString(sink, bytes, position, message);
    bytes[position++] = QUOTE;
    first = false;
  }
  bytes = sink.room(position, DEBUG.length + SHARED.length + 2);
  if (!first) bytes[position++] = CLOSE_BRACE;
  if (span.debug) position = putBytes(bytes, position, DEBUG);
  if (shared) position = putBytes(bytes, position, SHARED);
  bytes[position++] = CLOSE_BRACE;
  return position;
}

function writeRemoteEndpoint(remote: RemoteEndpoint, position: number): number {
  const serviceName = remote.serviceName;
  const address = remote.address;
  // Both address texts come from the IP parser: hex digits, dots and colons only.
  const addressText = address === undefined ? '' : (address.ipv4 ?? (address.ipv6 as string));
  const bytes = sink.room(position, REMOTE_ROOM + (serviceName === undefined ? 0 : stringRoom(serviceName)) + addressText.length);
  position = putBytes(bytes, position, REMOTE_ENDPOINT);
  let first = true;
  if (serviceName !== undefined) {
    position = putBytes(bytes, position, REMOTE_SERVICE);
    position = putString(sink, bytes, position, serviceName);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (address !== undefined) {
    if (address.ipv4 !== undefined) position = putBytes(bytes, position, first ? FIRST_IPV4 : NEXT_IPV4);
    else position = putBytes(bytes, position, first ? FIRST_IPV6 : NEXT_IPV6);
    position = putAscii(bytes, position, addressText);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (remote.port !== 0) {
    position = putBytes(bytes, position, first ? FIRST_PORT : NEXT_PORT);
    position = putInteger(bytes, position, remote.port);
  }
  bytes[position++] = CLOSE_BRACE;
  return position;
}

/**
 * `localEndpoint` members. A batch names one service (or a few), so the whole
 * `,"localEndpoint":{...}` piece is encoded once per service name and copied for every span.
 */
class LocalEndpointJson {
  private readonly override: string | undefined;
  private readonly addressJson: string;
  private lastName: string | undefined = undefined;
  private lastBytes: Uint8Array = EMPTY_BYTES;

  constructor(options: ZipkinEncodeOptions | undefined) {
    this.override = options?.serviceName;
    this.addressJson = localAddressJson(options);
  }

  /** Writes `,"localEndpoint":{...}` at `position`; returns the end. */
  write(serviceName: string, position: number): number {
    const name = this.override ?? serviceName;
    if (name !== this.lastName) {
      this.lastBytes = utf8.encode(this.json(name));
      this.lastName = name;
      if (!isAscii(this.lastBytes)) sink.wroteNonAscii = true;
    }
    return putBytes(sink.room(position, this.lastBytes.length), position, this.lastBytes);
  }

  private json(name: string): string {
    if (name === '') return `,"localEndpoint":{${this.addressJson}}`;
    return `,"localEndpoint":{"serviceName":"${jsonText(name)}"${this.addressJson === '' ? '' : `,${this.addressJson}`}}`;
  }
}

const EMPTY_BYTES = new Uint8Array(0);
const utf8 = new TextEncoder();

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

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}
