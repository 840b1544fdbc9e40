// The golden payloads: which files, what the encoders are given, and the facts each must decode to
// (written out from the fixture's inputs, in one form for both Thrift and protobuf). The files end
// in .golden so that no formatter ever rewrites their bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type JaegerProcess, createJaegerProcess, encodeJaegerProtoPostSpans, encodeJaegerThriftBatch } from '@trace/exporter-jaeger';
import { bytesToHex } from './idl';
import {
  CLIENT_SPAN_ID,
  LINK_SPAN_ID,
  LINK_TRACE_ID,
  REMOTE_PARENT_ID,
  REMOTE_TRACE_ID,
  ROOT_SPAN_ID,
  ROOT_TRACE_ID,
  SERVER_SPAN_ID,
  makeSpans,
} from './spans';

export const GOLDEN_DIR = path.join(__dirname, '..', 'golden');

/** A process that is the same on every machine (the `jaeger.version` tag would follow releases). */
export function goldenProcess(): JaegerProcess {
  return createJaegerProcess({ hostname: 'host-a', resourceAttributes: { 'jaeger.version': 'golden', 'service.version': '1.2.3' } });
}

export interface Golden {
  file: string;
  encode(): Promise<Uint8Array>;
}

export const THRIFT_GOLDEN: Golden = {
  file: 'batch.thrift.golden',
  encode: async () => {
    const spans = await makeSpans();
    return encodeJaegerThriftBatch([spans.server, spans.client, spans.root], goldenProcess());
  },
};

export const PROTO_GOLDEN: Golden = {
  file: 'post-spans.pb.golden',
  encode: async () => {
    const spans = await makeSpans();
    return encodeJaegerProtoPostSpans([spans.server, spans.client, spans.root], goldenProcess());
  },
};

/** Spans of two services in one request: the second carries its own process. */
export const PROTO_TWO_SERVICES_GOLDEN: Golden = {
  file: 'post-spans-two-services.pb.golden',
  encode: async () => {
    const checkout = await makeSpans('checkout');
    const inventory = await makeSpans('inventory');
    return encodeJaegerProtoPostSpans([checkout.root, inventory.root], goldenProcess());
  },
};

export const GOLDENS = [THRIFT_GOLDEN, PROTO_GOLDEN, PROTO_TWO_SERVICES_GOLDEN];

export function readGolden(golden: Golden): Buffer {
  return readFileSync(path.join(GOLDEN_DIR, golden.file));
}

/** A tag or log field: its kind and its value as text. */
type Value = [kind: 'string' | 'bool' | 'int' | 'double' | 'binary', value: string];

/** One span as both formats carry it: ids as hex, times in µs as decimal text. */
export interface SpanFacts {
  traceId: string;
  spanId: string;
  operationName: string;
  flags: number;
  references: [type: string, traceId: string, spanId: string][];
  startMicros: string;
  durationMicros: string;
  tags: Record<string, Value>;
  logs: { micros: string; fields: Record<string, Value> }[];
}

export interface BatchFacts {
  process: { serviceName: string; tags: Record<string, Value> };
  spans: SpanFacts[];
}

const GOLDEN_PROCESS_FACTS = {
  serviceName: 'checkout',
  tags: { hostname: ['string', 'host-a'], 'jaeger.version': ['string', 'golden'], 'service.version': ['string', '1.2.3'] },
} satisfies BatchFacts['process'];

// START_MS = 1_700_000_000_123.456 ms, i.e. 1_700_000_000_123_456 µs.
const ROOT_FACTS: SpanFacts = {
  traceId: ROOT_TRACE_ID,
  spanId: ROOT_SPAN_ID,
  operationName: 'nightly-job',
  flags: 1,
  references: [],
  startMicros: '1700000000123456',
  durationMicros: '1000000',
  tags: {},
  logs: [],
};

/** What the three fixture spans (server, client, root) must decode to. */
export const FIXTURE_FACTS: BatchFacts = {
  process: GOLDEN_PROCESS_FACTS,
  spans: [
    {
      traceId: REMOTE_TRACE_ID,
      spanId: SERVER_SPAN_ID,
      operationName: 'GET /orders/:id',
      flags: 1,
      references: [['CHILD_OF', REMOTE_TRACE_ID, REMOTE_PARENT_ID]],
      startMicros: '1700000000123456',
      durationMicros: '10000',
      tags: {
        'http.method': ['string', 'GET'],
        'http.status_code': ['int', '200'],
        'cache.hit': ['bool', 'false'],
        ratio: ['double', '0.25'],
        'bytes.total': ['int', '1099511627779'],
        'temperature.delta': ['int', '-7'],
        'not.safe': ['double', String(2 ** 60)],
        'http.route.parts': ['string', '["orders",":id"]'],
        weights: ['string', '[1,2.5]'],
        greeting: ['string', 'héllo ✓ 😀'],
        'span.kind': ['string', 'server'],
      },
      // The event's own `event` attribute gives way to the event name.
      logs: [{ micros: '1700000000124956', fields: { event: ['string', 'cache.miss'], 'cache.key': ['string', 'order:42'], attempt: ['int', '2'] } }],
    },
    {
      traceId: REMOTE_TRACE_ID,
      spanId: CLIENT_SPAN_ID,
      operationName: 'SELECT orders',
      flags: 1,
      references: [
        ['CHILD_OF', REMOTE_TRACE_ID, SERVER_SPAN_ID],
        ['FOLLOWS_FROM', LINK_TRACE_ID, LINK_SPAN_ID],
      ],
      startMicros: '1700000000125456',
      durationMicros: '2250',
      tags: {
        'db.system': ['string', 'postgresql'],
        'span.kind': ['string', 'client'],
        error: ['bool', 'true'],
        'error.message': ['string', 'connection reset'],
        'error.type': ['string', 'TypeError'],
        'otel.status_code': ['string', 'ERROR'],
        'otel.status_description': ['string', 'connection reset'],
      },
      logs: [
        {
          micros: '1700000000126456',
          fields: {
            event: ['string', 'exception'],
            'exception.type': ['string', 'TypeError'],
            'exception.message': ['string', 'connection reset'],
            'exception.stacktrace': ['string', 'TypeError: connection reset\n    at fixture (spans.ts:1:1)'],
          },
        },
      ],
    },
    ROOT_FACTS,
  ],
};

/** The two-services request: the batch process, and the second span's own process. */
export const TWO_SERVICES_FACTS = {
  process: GOLDEN_PROCESS_FACTS,
  spans: [ROOT_FACTS, ROOT_FACTS],
  spanProcesses: [null, { ...GOLDEN_PROCESS_FACTS, serviceName: 'inventory' }],
};

// biome-ignore lint/suspicious/noExplicitAny: decoded test data is walked dynamically
type Decoded = any;

const THRIFT_KINDS: Record<string, [Value[0], string]> = {
  STRING: ['string', 'vStr'],
  BOOL: ['bool', 'vBool'],
  LONG: ['int', 'vLong'],
  DOUBLE: ['double', 'vDouble'],
  BINARY: ['binary', 'vBinary'],
};
const PROTO_KINDS: Record<string, [Value[0], string]> = {
  STRING: ['string', 'vStr'],
  BOOL: ['bool', 'vBool'],
  INT64: ['int', 'vInt64'],
  FLOAT64: ['double', 'vFloat64'],
  BINARY: ['binary', 'vBinary'],
};

function values(list: Decoded[] | undefined, kinds: Record<string, [Value[0], string]>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const item of list ?? []) {
    if (Object.hasOwn(out, item.key)) throw new Error(`key ${item.key} appears twice`);
    const kind = kinds[item.vType];
    if (kind === undefined) throw new Error(`unknown value type ${item.vType}`);
    const value = item[kind[1]];
    out[item.key] = [kind[0], value instanceof Uint8Array || Array.isArray(value) ? bytesToHex(Uint8Array.from(value)) : String(value)];
  }
  return out;
}

const i64hex = (value: bigint) => BigInt.asUintN(64, value).toString(16).padStart(16, '0');

/** Facts of a Batch decoded with jaeger.thrift (i64 as bigint, enums as names). */
export function thriftBatchFacts(batch: Decoded): BatchFacts {
  return {
    process: { serviceName: batch.process.serviceName, tags: values(batch.process.tags, THRIFT_KINDS) },
    spans: batch.spans.map((span: Decoded) => {
      // Thrift also names the parent in parentSpanId: it must be the CHILD_OF reference's (or 0).
      const parent = (span.references ?? []).find((reference: Decoded) => reference.refType === 'CHILD_OF');
      if (span.parentSpanId !== (parent?.spanId ?? 0n)) throw new Error(`parentSpanId ${span.parentSpanId} is not the CHILD_OF reference`);
      return {
        traceId: i64hex(span.traceIdHigh) + i64hex(span.traceIdLow),
        spanId: i64hex(span.spanId),
        operationName: span.operationName,
        flags: span.flags,
        references: (span.references ?? []).map((reference: Decoded) => [
          reference.refType,
          i64hex(reference.traceIdHigh) + i64hex(reference.traceIdLow),
          i64hex(reference.spanId),
        ]),
        startMicros: String(span.startTime),
        durationMicros: String(span.duration),
        tags: values(span.tags, THRIFT_KINDS),
        logs: (span.logs ?? []).map((log: Decoded) => ({ micros: String(log.timestamp), fields: values(log.fields, THRIFT_KINDS) })),
      };
    }),
  };
}

/** `{ seconds, nanos }` (longs as strings) → µs as decimal text. */
function micros(time: Decoded): string {
  return String(BigInt(time.seconds) * 1_000_000n + BigInt(time.nanos) / 1000n);
}

/**
 * Facts of a PostSpansRequest decoded with protobufjs and converted with
 * `{ longs: String, enums: String, bytes: Array, defaults: true }`.
 */
export function protoRequestFacts(request: Decoded): BatchFacts {
  const batch = request.batch;
  return {
    process: { serviceName: batch.process.serviceName, tags: values(batch.process.tags, PROTO_KINDS) },
    spans: batch.spans.map((span: Decoded) => ({
      traceId: bytesToHex(Uint8Array.from(span.traceId)),
      spanId: bytesToHex(Uint8Array.from(span.spanId)),
      operationName: span.operationName,
      flags: span.flags,
      references: span.references.map((reference: Decoded) => [
        reference.refType,
        bytesToHex(Uint8Array.from(reference.traceId)),
        bytesToHex(Uint8Array.from(reference.spanId)),
      ]),
      startMicros: micros(span.startTime),
      durationMicros: micros(span.duration),
      tags: values(span.tags, PROTO_KINDS),
      logs: span.logs.map((log: Decoded) => ({ micros: micros(log.timestamp), fields: values(log.fields, PROTO_KINDS) })),
    })),
  };
}

/** The per-span process of each span of a decoded PostSpansRequest (null where it has none). */
export function protoSpanProcesses(request: Decoded): (BatchFacts['process'] | null)[] {
  return request.batch.spans.map((span: Decoded) =>
    span.process === null || span.process === undefined ? null : { serviceName: span.process.serviceName, tags: values(span.process.tags, PROTO_KINDS) },
  );
}
