// Zipkin v2 JSON (`ListOfSpans` of zipkin2-api.yaml), written straight into UTF-8 bytes: no span
// objects are built, nothing goes through JSON.stringify, and no string is concatenated per span.
import type { Span, TagValue } from '@trace/core';
import {
  JSON_NUMBER_ROOM,
  JsonBytesWriter,
  jsonAsciiBytes,
  jsonStringRoom,
  putJsonAscii,
  putJsonBoolean,
  putJsonBytes,
  putJsonEightDigits,
  putJsonInteger,
  putJsonNumber,
  putJsonString,
} from '@trace/core/encoding';
import {
  JSON_KIND,
  type LocalAddress,
  type RemoteEndpoint,
  TAG_ROLE_ERROR,
  TAG_ROLE_NONE,
  TAG_ROLE_SPAN_KIND,
  TAG_ROLE_STATUS_CODE,
  TagScan,
  type ZipkinEncodeOptions,
  durationMicros,
  errorTagValue,
  isSharedSpan,
  localAddress,
  micros,
  tagRole,
  tagValueString,
} from './span-facts.js';

// The CommonJS build of @trace/core re-exports through getters, so a call through the import
// would run a getter per piece written; binding each writer function once avoids that (measured
// on the CommonJS build, Zipkin JSON of 512 spans, min of 3x41 runs: 1,299 µs bound, 1,445 µs
// through the import).
const putAscii = putJsonAscii;
const putBoolean = putJsonBoolean;
const putBytes = putJsonBytes;
const putInteger = putJsonInteger;
const putEightDigits = putJsonEightDigits;
const putNumber = putJsonNumber;
const putString = putJsonString;
const stringRoom = jsonStringRoom;
const NUMBER_ROOM = JSON_NUMBER_ROOM;

// Encoding is synchronous: one scratch buffer serves every call that returns a copy.
const sink = new JsonBytesWriter();

// Every constant piece of a span, as bytes once, so writing one is a plain byte copy.
const SPAN_START = jsonAsciiBytes('{"traceId":"');
const PARENT_ID = jsonAsciiBytes('","parentId":"');
const ID = jsonAsciiBytes('","id":"');
const TIMESTAMP = jsonAsciiBytes(',"timestamp":');
const DURATION = jsonAsciiBytes(',"duration":');
const FIRST_ANNOTATION = jsonAsciiBytes(',"annotations":[{"timestamp":');
const NEXT_ANNOTATION = jsonAsciiBytes(',{"timestamp":');
const ANNOTATION_VALUE = jsonAsciiBytes(',"value":"');
const TAGS_OPEN = jsonAsciiBytes(',"tags":{');
const TAG_VALUE = jsonAsciiBytes('":"');
const ERROR_KEY = jsonAsciiBytes('"error":"');
const STATUS_OK = jsonAsciiBytes('"otel.status_code":"OK"');
const STATUS_ERROR = jsonAsciiBytes('"otel.status_code":"ERROR"');
const DEBUG = jsonAsciiBytes(',"debug":true');
const SHARED = jsonAsciiBytes(',"shared":true');
const REMOTE_ENDPOINT = jsonAsciiBytes(',"remoteEndpoint":{');
const LOCAL_ENDPOINT = jsonAsciiBytes(',"localEndpoint":{');
const SERVICE_NAME = jsonAsciiBytes('"serviceName":"');
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
/** What follows the span id, per span kind: its closing quote and `kind` (none for internal). */
const KIND_BYTES = kindPieces('');
/** {@link KIND_BYTES} and the start of `name`: one copy for a named span. */
const KIND_AND_NAME_BYTES = kindPieces(',"name":"');

function kindPieces(suffix: string): Readonly<Record<string, Uint8Array>> {
  const pieces: Record<string, Uint8Array> = {};
  for (const kind of Object.keys(JSON_KIND)) pieces[kind] = jsonAsciiBytes(`"${JSON_KIND[kind] as string}${suffix}`);
  return Object.freeze(pieces);
}

/**
 * Room for a span's fixed parts: constants (about 190 bytes with the longest kind, `debug` and
 * `shared`), 64 hex id characters and three 16-digit integers; its strings are added per part.
 */
const SPAN_ROOM = 320;
/** Room for one annotation besides its name: constants and a 16-digit timestamp. */
const ANNOTATION_ROOM = 64;
/** Room for one tag besides its key and value: `,"tags":{"`, `":"`, `"`, `}`. */
const TAG_ROOM = 16;
/** Room for an endpoint besides its service name and address texts: its constant pieces and a port. */
const ENDPOINT_ROOM = 80;

/**
 * Encodes spans as a Zipkin v2 JSON array, the `application/json` body of `POST /api/v2/spans`,
 * as UTF-8 bytes ready to send. Ids are lowercase hex, times integer microseconds; see the
 * package README for the full mapping.
 */
export function encodeZipkinJsonBytes(spans: readonly Span[], options?: ZipkinEncodeOptions): Uint8Array {
  return sink.finish(writeSpans(sink, spans, options));
}

/**
 * {@link encodeZipkinJsonBytes} as a string: the same bytes, turned into one string by a single
 * native copy (latin1 when they are all ASCII, UTF-8 decoding otherwise).
 */
export function encodeZipkinJson(spans: readonly Span[], options?: ZipkinEncodeOptions): string {
  return sink.text(writeSpans(sink, spans, options));
}

/**
 * {@link encodeZipkinJsonBytes} into `writer` (reset first), returning a view of the writer's
 * buffer instead of a copy: the bytes stay valid until the writer is used again. For a caller
 * that owns the body until it is sent, as `ZipkinExporter` does with one writer per export in
 * flight; it saves a fresh allocation and copy of every body (about 240 KB for 512 spans).
 */
export function encodeZipkinJsonInto(writer: JsonBytesWriter, spans: readonly Span[], options?: ZipkinEncodeOptions): Uint8Array {
  const end = writeSpans(writer, spans, options);
  // Read the buffer after writing: writing may have replaced it with a larger one.
  return writer.written(end);
}

/** Writes the whole array into `writer`; returns its length in bytes. */
function writeSpans(writer: JsonBytesWriter, spans: readonly Span[], options: ZipkinEncodeOptions | undefined): number {
  let position = writer.reset();
  const batch = reusedBatch;
  batch.begin(writer, options);
  try {
    let bytes = writer.room(position, 2);
    bytes[position++] = OPEN_BRACKET;
    for (let i = 0; i < spans.length; i++) {
      if (i > 0) {
        bytes = writer.room(position, 1);
        bytes[position++] = COMMA;
      }
      position = writeSpan(batch, spans[i] as Span, position);
    }
    bytes = writer.room(position, 1);
    bytes[position++] = CLOSE_BRACKET;
    return position;
  } finally {
    batch.end();
  }
}

// Repeats. The spans of a batch mostly come from the same code and the same trace: they share the
// trace id, siblings share a parent, tags repeat keys in the same order and often values, events
// their names. A repeat is copied from where the body already holds it (an offset and a length;
// earlier bytes never move, a grown buffer keeps them at the same offsets), so it costs one copy
// instead of hex digits or an escaping pass, and nothing is allocated to remember it. What it
// buys, measured (Zipkin JSON of 512 spans of one trace, min of 3x41 runs, same process): 1,299 µs
// with repeats, 1,610 µs with every repeat path turned off.

/** One tag position, remembering what the previous span wrote there. */
class TagSlot {
  key: string | undefined = undefined;
  role = TAG_ROLE_NONE;
  /** Where `"key":"` was written (escaped and encoded); length 0 until it was. */
  keyStart = 0;
  keyLength = 0;
  value: TagValue | undefined = undefined;
  /** Where `"key":"value"` was written, once the same pair came twice in a row; length 0 until then. */
  pairStart = 0;
  pairLength = 0;

  clear(): void {
    this.key = undefined;
    this.value = undefined;
  }
}

/** One annotation position: the last event name written there, and where `,"value":"name"}` is. */
class AnnotationSlot {
  name: string | undefined = undefined;
  valueStart = 0;
  valueLength = 0;

  clear(): void {
    this.name = undefined;
  }
}

/**
 * What one encode call carries from span to span. Encoding is synchronous, so one instance serves
 * every call. It outlives the calls on purpose: if these objects died after each call, the next
 * full GC would drop their shapes and throw away the optimised code built on them (measured:
 * 2.5-3x slower right after every GC). {@link end} clears it, so no span or tag value is kept.
 */
class BatchState {
  writer: JsonBytesWriter = sink;
  readonly scan = new TagScan();
  readonly tagSlots: TagSlot[] = [];
  readonly annotationSlots: AnnotationSlot[] = [];
  /** The span written last, and where its `{"traceId":"...` is (44 bytes). */
  previousSpan: Span | undefined = undefined;
  traceIdStart = 0;
  /** The last span written with a parent, and where its `","parentId":"...` is (30 bytes, then `","id":"`). */
  parentIdSpan: Span | undefined = undefined;
  parentIdStart = 0;
  /** `serviceName` and address members every `localEndpoint` gets from the options. */
  serviceNameOverride: string | undefined = undefined;
  localEndpointAddress: LocalAddress = localAddress(undefined);
  /** The last local service name, and where its `,"localEndpoint":{...}` is. */
  localName: string | undefined = undefined;
  localStart = 0;
  localLength = 0;
  /** The first 8 of the last 16-digit timestamp's digits, and where they are. */
  microsHigh = -1;
  microsHighStart = 0;

  begin(writer: JsonBytesWriter, options: ZipkinEncodeOptions | undefined): void {
    this.writer = writer;
    this.serviceNameOverride = options?.serviceName;
    this.localEndpointAddress = localAddress(options);
  }

  end(): void {
    this.writer = sink;
    this.scan.reset();
    for (const slot of this.tagSlots) slot.clear();
    for (const slot of this.annotationSlots) slot.clear();
    this.previousSpan = undefined;
    this.parentIdSpan = undefined;
    this.localName = undefined;
    this.microsHigh = -1;
  }
}

const reusedBatch = new BatchState();

const TRACE_ID_PIECE_LENGTH = SPAN_START.length + 32;
const PARENT_ID_PIECE_LENGTH = PARENT_ID.length + 16;
const SIBLING_PIECE_LENGTH = TRACE_ID_PIECE_LENGTH + PARENT_ID_PIECE_LENGTH + ID.length;

/** Copies `length` bytes written earlier at `start` to `position`; returns the end. */
function putRepeat(bytes: Uint8Array, position: number, start: number, length: number): number {
  if (length >= 16) {
    bytes.copyWithin(position, start, start + length);
    return position + length;
  }
  for (let i = 0; i < length; i++) bytes[position++] = bytes[start + i] as number;
  return position;
}

/**
 * Writes epoch microseconds. From 2001 to 2286 they have 16 digits, and the first 8 change only
 * every 100 s, so in a batch they are mostly a repeat of the last timestamp's.
 */
function putMicros(batch: BatchState, bytes: Uint8Array, position: number, value: number): number {
  if (!(value >= 1e15 && value < 1e16)) return putInteger(bytes, position, value);
  const high = Math.floor(value / 1e8);
  if (high === batch.microsHigh) {
    position = putRepeat(bytes, position, batch.microsHighStart, 8);
  } else {
    batch.microsHigh = high;
    batch.microsHighStart = position;
    position = putEightDigits(bytes, position, high);
  }
  return putEightDigits(bytes, position, value - high * 1e8);
}

/** {@link putRepeat} with room made for it. */
function putRun(writer: JsonBytesWriter, position: number, start: number, length: number): number {
  return putRepeat(writer.room(position, length), position, start, length);
}

/** Writes one span object at `position`; returns the end. */
function writeSpan(batch: BatchState, span: Span, position: number): number {
  const writer = batch.writer;
  const kind = span.kind;
  const shared = isSharedSpan(span, kind);
  const name = span.operationName;
  let bytes = writer.room(position, SPAN_ROOM + stringRoom(name));
  // Ids go from the span's words straight into the buffer as hex: no strings built. A shared
  // span's parent would be itself; Zipkin drops such a parent, so it is not sent.
  const idsStart = position;
  const withParent = span.hasParent && !shared;
  const previous = batch.previousSpan;
  const sameTrace = previous !== undefined && span.hasSameTraceId(previous);
  const parentIdSpan = batch.parentIdSpan;
  const sameParent = withParent && parentIdSpan !== undefined && span.hasSameParentSpanId(parentIdSpan);
  if (sameTrace && sameParent && batch.parentIdStart === batch.traceIdStart + TRACE_ID_PIECE_LENGTH) {
    // A sibling of the previous span: its trace id, parent id and the `","id":"` after them, in one copy.
    position = putRepeat(bytes, position, batch.traceIdStart, SIBLING_PIECE_LENGTH);
  } else {
    if (sameTrace) {
      position = putRepeat(bytes, position, batch.traceIdStart, TRACE_ID_PIECE_LENGTH);
    } else {
      position = putBytes(bytes, position, SPAN_START);
      span.writeTraceIdHex(bytes, position);
      position += 32;
    }
    if (withParent) {
      if (sameParent) {
        position = putRepeat(bytes, position, batch.parentIdStart, PARENT_ID_PIECE_LENGTH);
      } else {
        position = putBytes(bytes, position, PARENT_ID);
        span.writeParentSpanIdHex(bytes, position);
        position += 16;
      }
    }
    position = putBytes(bytes, position, ID);
  }
  // This span's pieces are the ones to repeat from now on (a copy is as good a source as the first).
  batch.previousSpan = span;
  batch.traceIdStart = idsStart;
  if (withParent) {
    batch.parentIdSpan = span;
    batch.parentIdStart = idsStart + TRACE_ID_PIECE_LENGTH;
  }
  span.writeSpanIdHex(bytes, position);
  position += 16;
  if (name === '') {
    position = putBytes(bytes, position, KIND_BYTES[kind] as Uint8Array);
  } else {
    position = putBytes(bytes, position, KIND_AND_NAME_BYTES[kind] as Uint8Array);
    position = putString(writer, bytes, position, name);
    bytes[position++] = QUOTE;
  }
  const timestamp = micros(span.startTime);
  if (timestamp > 0) {
    position = putBytes(bytes, position, TIMESTAMP);
    position = putMicros(batch, bytes, position, timestamp);
  }
  position = putBytes(bytes, position, DURATION);
  position = putInteger(bytes, position, durationMicros(span.duration));
  position = writeLocalEndpoint(batch, span.serviceName, position);

  const events = span.events;
  if (events.length > 0) position = writeAnnotations(batch, events, position);
  position = writeTags(batch, span, position);
  const remote = batch.scan.remoteEndpoint();
  if (remote !== undefined) position = writeRemoteEndpoint(writer, remote, position);
  bytes = writer.room(position, DEBUG.length + SHARED.length + 1);
  if (span.debug) position = putBytes(bytes, position, DEBUG);
  if (shared) position = putBytes(bytes, position, SHARED);
  bytes[position++] = CLOSE_BRACE;
  return position;
}

/** Writes `,"annotations":[...]` for a span's events at `position`; returns the end. */
function writeAnnotations(batch: BatchState, events: Span['events'], position: number): number {
  const writer = batch.writer;
  const slots = batch.annotationSlots;
  let bytes: Uint8Array;
  let previousTime = -1;
  let previousName = '';
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as Span['events'][number];
    const time = micros(event.time);
    const name = event.name;
    // The schema wants unique annotations; an exact repeat adds nothing.
    if (time === previousTime && name === previousName) continue;
    let slot = slots[i];
    if (slot === undefined) {
      slot = new AnnotationSlot();
      slots.push(slot);
    }
    const repeat = slot.name === name;
    bytes = writer.room(position, ANNOTATION_ROOM + (repeat ? slot.valueLength : stringRoom(name)));
    position = putBytes(bytes, position, previousTime === -1 ? FIRST_ANNOTATION : NEXT_ANNOTATION);
    position = putMicros(batch, bytes, position, time);
    if (repeat) {
      position = putRepeat(bytes, position, slot.valueStart, slot.valueLength);
    } else {
      const start = position;
      position = putBytes(bytes, position, ANNOTATION_VALUE);
      position = putString(writer, bytes, position, name);
      bytes[position++] = QUOTE;
      bytes[position++] = CLOSE_BRACE;
      slot.name = name;
      slot.valueStart = start;
      slot.valueLength = position - start;
    }
    previousTime = time;
    previousName = name;
  }
  bytes = writer.room(position, 1);
  bytes[position++] = CLOSE_BRACKET;
  return position;
}

/**
 * Writes `,"tags":{...}` at `position` (nothing when there are none), noting peer and error tags
 * in `batch.scan` on the way; returns the end.
 */
function writeTags(batch: BatchState, span: Span, position: number): number {
  const writer = batch.writer;
  const scan = batch.scan;
  scan.reset();
  const slots = batch.tagSlots;
  const status = span.status;
  const isError = status === 'error';
  const statusSet = status !== 'unset';
  const tags = span.tags;
  let bytes: Uint8Array;
  let first = true;
  let index = 0;
  // Repeated pairs that lie side by side where they are copied from go as one copy: a run.
  let runStart = 0;
  let runLength = 0;
  for (const key in tags) {
    const value = tags[key] as TagValue;
    let slot = slots[index];
    if (slot === undefined) {
      slot = new TagSlot();
      slots.push(slot);
    }
    index++;
    if (slot.key !== key) {
      slot.key = key;
      slot.role = tagRole(key);
      slot.keyLength = 0;
      slot.value = undefined;
      slot.pairLength = 0;
    }
    const role = slot.role;
    if (role !== TAG_ROLE_NONE) {
      scan.note(role, value);
      // span.kind is already `kind`; `error` (on an error span) and `otel.status_code` (on a span
      // with a status) are written from the status below.
      if (role === TAG_ROLE_SPAN_KIND || (isError && role === TAG_ROLE_ERROR) || (statusSet && role === TAG_ROLE_STATUS_CODE)) continue;
    }
    if (slot.pairLength !== 0 && value === slot.value) {
      // The next pair of the run when it starts right after the run's comma.
      if (runLength !== 0 && slot.pairStart === runStart + runLength + 1) {
        runLength += 1 + slot.pairLength;
        continue;
      }
      if (runLength !== 0) position = putRun(writer, position, runStart, runLength);
      bytes = writer.room(position, TAGS_OPEN.length);
      if (first) position = putBytes(bytes, position, TAGS_OPEN);
      else bytes[position++] = COMMA;
      first = false;
      runStart = slot.pairStart;
      runLength = slot.pairLength;
      continue;
    }
    if (runLength !== 0) {
      position = putRun(writer, position, runStart, runLength);
      runLength = 0;
    }
    const valueText = typeof value === 'string' ? value : typeof value === 'object' ? tagValueString(value) : undefined;
    const keyRoom = slot.keyLength === 0 ? stringRoom(key) + 4 : slot.keyLength;
    bytes = writer.room(position, TAG_ROOM + keyRoom + (valueText === undefined ? NUMBER_ROOM : stringRoom(valueText)));
    if (first) position = putBytes(bytes, position, TAGS_OPEN);
    else bytes[position++] = COMMA;
    first = false;
    const pairStart = position;
    if (slot.keyLength === 0) {
      bytes[position++] = QUOTE;
      position = putString(writer, bytes, position, key);
      position = putBytes(bytes, position, TAG_VALUE);
      slot.keyStart = pairStart;
      slot.keyLength = position - pairStart;
    } else {
      position = putRepeat(bytes, position, slot.keyStart, slot.keyLength);
    }
    // Numbers and booleans are written as String() spells them, without making that string.
    if (valueText !== undefined) position = putString(writer, bytes, position, valueText);
    else if (typeof value === 'number') position = putNumber(bytes, position, value);
    else position = putBoolean(bytes, position, value as boolean);
    bytes[position++] = QUOTE;
    // The same pair twice in a row: later repeats copy this one.
    if (value === slot.value) {
      slot.pairStart = pairStart;
      slot.pairLength = position - pairStart;
    } else {
      slot.value = value;
      slot.pairLength = 0;
    }
  }
  if (runLength !== 0) position = putRun(writer, position, runStart, runLength);
  if (isError) {
    const message = errorTagValue(span, scan.userError);
    bytes = writer.room(position, TAG_ROOM + ERROR_KEY.length + stringRoom(message));
    if (first) position = putBytes(bytes, position, TAGS_OPEN);
    else bytes[position++] = COMMA;
    position = putBytes(bytes, position, ERROR_KEY);
    position = putString(writer, bytes, position, message);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (statusSet) {
    const piece = isError ? STATUS_ERROR : STATUS_OK;
    bytes = writer.room(position, TAG_ROOM + piece.length);
    if (first) position = putBytes(bytes, position, TAGS_OPEN);
    else bytes[position++] = COMMA;
    position = putBytes(bytes, position, piece);
    first = false;
  }
  if (!first) {
    bytes = writer.room(position, 1);
    bytes[position++] = CLOSE_BRACE;
  }
  return position;
}

/**
 * Writes `open` (`,"remoteEndpoint":{` or `,"localEndpoint":{`), the members of a Zipkin
 * `Endpoint` that are there, and `}`; returns the end. Address texts come from the IP parser:
 * hex digits, dots and colons only.
 */
function writeEndpoint(
  writer: JsonBytesWriter,
  position: number,
  open: Uint8Array,
  serviceName: string | undefined,
  ipv4: string | undefined,
  ipv6: string | undefined,
  port: number,
): number {
  const room = ENDPOINT_ROOM + (serviceName === undefined ? 0 : stringRoom(serviceName)) + (ipv4?.length ?? 0) + (ipv6?.length ?? 0);
  const bytes = writer.room(position, room);
  position = putBytes(bytes, position, open);
  let first = true;
  if (serviceName !== undefined) {
    position = putBytes(bytes, position, SERVICE_NAME);
    position = putString(writer, bytes, position, serviceName);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (ipv4 !== undefined) {
    position = putBytes(bytes, position, first ? FIRST_IPV4 : NEXT_IPV4);
    position = putAscii(bytes, position, ipv4);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (ipv6 !== undefined) {
    position = putBytes(bytes, position, first ? FIRST_IPV6 : NEXT_IPV6);
    position = putAscii(bytes, position, ipv6);
    bytes[position++] = QUOTE;
    first = false;
  }
  if (port !== 0) {
    position = putBytes(bytes, position, first ? FIRST_PORT : NEXT_PORT);
    position = putInteger(bytes, position, port);
  }
  bytes[position++] = CLOSE_BRACE;
  return position;
}

/** Writes `,"remoteEndpoint":{...}` at `position`; returns the end. Zipkin takes one address. */
function writeRemoteEndpoint(writer: JsonBytesWriter, remote: RemoteEndpoint, position: number): number {
  const address = remote.address;
  const ipv4 = address?.ipv4;
  return writeEndpoint(writer, position, REMOTE_ENDPOINT, remote.serviceName, ipv4, ipv4 === undefined ? address?.ipv6 : undefined, remote.port);
}

/**
 * Writes `,"localEndpoint":{...}` at `position`; returns the end. A batch names one service (or a
 * few), so the piece is a repeat of the last span's whenever the service name is the same.
 */
function writeLocalEndpoint(batch: BatchState, spanServiceName: string, position: number): number {
  const writer = batch.writer;
  const name = batch.serviceNameOverride ?? spanServiceName;
  if (name === batch.localName) {
    return putRepeat(writer.room(position, batch.localLength), position, batch.localStart, batch.localLength);
  }
  const address = batch.localEndpointAddress;
  const end = writeEndpoint(writer, position, LOCAL_ENDPOINT, name === '' ? undefined : name, address.ipv4?.ipv4, address.ipv6?.ipv6, address.port);
  batch.localName = name;
  batch.localStart = position;
  batch.localLength = end - position;
  return end;
}
