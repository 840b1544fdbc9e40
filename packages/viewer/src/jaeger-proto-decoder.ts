// Jaeger's protobuf model (jaeger/api_v2 model.proto): the PostSpansRequest a Jaeger gRPC client
// sends to CollectorService/PostSpans, to viewer spans.
import { type JaegerSpanFacts, jaegerSpanToViewer } from './jaeger-span.js';
import { UNKNOWN_SERVICE, type ViewerAttributeValue, type ViewerAttributes, type ViewerEvent, type ViewerSpan, bytesToHex, normalizeHexId } from './model.js';
import { ProtobufReader, WIRE_LENGTH_DELIMITED, WireError } from './protobuf-reader.js';

interface Process {
  service: string;
  tags: ViewerAttributes;
}

/** Decodes a protobuf `jaeger.api_v2.PostSpansRequest`. Throws {@link WireError} on a malformed body. */
export function decodeJaegerProtobuf(body: Uint8Array): ViewerSpan[] {
  const reader = new ProtobufReader(body);
  const spans: ViewerSpan[] = [];
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      readBatch(reader.sub(), spans);
    } else reader.skip(tag & 7);
  }
  return spans;
}

function readBatch(reader: ProtobufReader, out: ViewerSpan[]): void {
  const spanReaders: ProtobufReader[] = [];
  let batchProcess: Process | undefined;
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      spanReaders.push(reader.sub());
    } else if (tag >>> 3 === 2) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      batchProcess = readProcess(reader.sub());
    } else reader.skip(tag & 7);
  }
  for (const spanReader of spanReaders) {
    const { facts, process } = readSpan(spanReader);
    // a span's own process wins over the batch's
    const owner = process ?? batchProcess ?? { service: UNKNOWN_SERVICE, tags: {} };
    out.push(jaegerSpanToViewer(facts, owner.service, { 'service.name': owner.service, ...owner.tags }));
  }
}

function readProcess(reader: ProtobufReader): Process {
  const process: Process = { service: UNKNOWN_SERVICE, tags: {} };
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) process.service = reader.string() || UNKNOWN_SERVICE;
    else if (tag >>> 3 === 2) {
      ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
      readKeyValue(reader.sub(), process.tags);
    } else reader.skip(tag & 7);
  }
  return process;
}

function readKeyValue(reader: ProtobufReader, into: ViewerAttributes): void {
  let key = '';
  let type = 0;
  const values: ViewerAttributeValue[] = ['', false, 0, 0, ''];
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        key = reader.string();
        break;
      case 2:
        type = reader.uint32();
        break;
      case 3:
        values[0] = reader.string();
        break;
      case 4:
        values[1] = reader.bool();
        break;
      case 5:
        values[2] = reader.int64();
        break;
      case 6:
        values[3] = reader.double();
        break;
      case 7:
        values[4] = Buffer.from(reader.bytesField()).toString('base64');
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  // the value lives in the field v_type names (STRING 0, BOOL 1, INT64 2, FLOAT64 3, BINARY 4)
  into[key] = values[type] ?? null;
}

/** A google.protobuf.Timestamp or Duration (seconds 1, nanos 2) in microseconds. */
function readSecondsNanos(reader: ProtobufReader): number {
  let seconds = 0;
  let nanos = 0;
  while (reader.more()) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) seconds = reader.int64();
    else if (tag >>> 3 === 2) nanos = reader.int64();
    else reader.skip(tag & 7);
  }
  return seconds * 1e6 + nanos / 1000;
}

function readSpan(reader: ProtobufReader): { facts: JaegerSpanFacts; process: Process | undefined } {
  let traceId: string | undefined;
  let spanId: string | undefined;
  let process: Process | undefined;
  const facts: JaegerSpanFacts = {
    traceId: '',
    spanId: '',
    parentId: undefined,
    name: '',
    references: [],
    startMicros: 0,
    durationMicros: 0,
    tags: {},
    logs: [],
  };
  while (reader.more()) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        traceId = normalizeHexId(bytesToHex(reader.bytesField()), 32);
        break;
      case 2:
        spanId = normalizeHexId(bytesToHex(reader.bytesField()), 16);
        break;
      case 3:
        facts.name = reader.string();
        break;
      case 4: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const sub = reader.sub();
        let refTrace: string | undefined;
        let refSpan: string | undefined;
        let type = 0;
        while (sub.more()) {
          const refTag = sub.tag();
          if (refTag >>> 3 === 1) refTrace = normalizeHexId(bytesToHex(sub.bytesField()), 32);
          else if (refTag >>> 3 === 2) refSpan = normalizeHexId(bytesToHex(sub.bytesField()), 16);
          else if (refTag >>> 3 === 3) type = sub.uint32();
          else sub.skip(refTag & 7);
        }
        if (refTrace !== undefined && refSpan !== undefined) facts.references.push({ type, traceId: refTrace, spanId: refSpan });
        break;
      }
      case 6:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        facts.startMicros = readSecondsNanos(reader.sub());
        break;
      case 7:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        facts.durationMicros = readSecondsNanos(reader.sub());
        break;
      case 8:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        readKeyValue(reader.sub(), facts.tags);
        break;
      case 9: {
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        const sub = reader.sub();
        const log: ViewerEvent = { timeMicros: 0, name: 'log', attributes: {} };
        while (sub.more()) {
          const logTag = sub.tag();
          if (logTag >>> 3 === 1) {
            ProtobufReader.expect(logTag, WIRE_LENGTH_DELIMITED);
            log.timeMicros = readSecondsNanos(sub.sub());
          } else if (logTag >>> 3 === 2) {
            ProtobufReader.expect(logTag, WIRE_LENGTH_DELIMITED);
            readKeyValue(sub.sub(), log.attributes);
          } else sub.skip(logTag & 7);
        }
        const name = log.attributes.event;
        if (typeof name === 'string') {
          log.name = name;
          delete log.attributes.event;
        }
        facts.logs.push(log);
        break;
      }
      case 10:
        ProtobufReader.expect(tag, WIRE_LENGTH_DELIMITED);
        process = readProcess(reader.sub());
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  if (traceId === undefined || spanId === undefined) throw new WireError('span without a valid trace_id or span_id');
  facts.traceId = traceId;
  facts.spanId = spanId;
  return { facts, process };
}
