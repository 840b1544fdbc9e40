// The demo end to end against a local receiver for each of the seven wire formats: the demo runs
// in-process with the variables a user would set, the receivers are real node:http / grpc-js
// servers on 127.0.0.1, and what they receive is decoded with the official schemas through the
// exporter packages' own test helpers (which, in a clone without ../shared/idl, decode with what
// the official schemas are shown in CI to be: generated OTLP classes, jaeger-client's
// jaeger.thrift, the Zipkin and Jaeger wire-schema.ts files). Every request's trace must arrive whole.
import * as grpc from '@grpc/grpc-js';
import { decodeThriftBatch, loadJaegerProto } from '../../../packages/exporter-jaeger/test/helpers/idl';
import {
  type ReceivedRequest,
  jsonTraceBodyToPlain,
  protobufTraceBodyToPlain,
  startHttpServer,
  traceRequestType,
  PLAIN,
} from '../../../packages/exporter-otlp/test/helpers';
import { decodeProtoSpans, loadListOfSpansType, loadListOfSpansValidator } from '../../../packages/exporter-zipkin/test/support/idl';
import { type DemoResult, runDemo } from '../src/run-demo';
import { SERVICE_NAMES } from '../src/services';

type Kind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';

/** One received span, whatever the format, in the terms the checks use. */
interface WireSpan {
  traceId: string;
  spanId: string;
  /** '' for a root. */
  parentId: string;
  service: string;
  name: string;
  kind: Kind;
  tags: Record<string, string>;
}

// biome-ignore lint/suspicious/noExplicitAny: decoded wire data is walked dynamically
type Decoded = any;

const OTLP_KINDS: Record<number, Kind> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };
const b64hex = (value: string) => Buffer.from(value, 'base64').toString('hex');
const i64hex = (value: bigint) => BigInt.asUintN(64, value).toString(16).padStart(16, '0');
const byteshex = (bytes: number[]) => Buffer.from(bytes).toString('hex');

function otlpSpans(request: Decoded): WireSpan[] {
  const spans: WireSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const service = resourceSpans.resource.attributes.find((a: Decoded) => a.key === 'service.name')?.value.stringValue;
    for (const scope of resourceSpans.scopeSpans) {
      for (const span of scope.spans) {
        const tags: Record<string, string> = {};
        for (const attribute of span.attributes) if (attribute.value.value === 'stringValue') tags[attribute.key] = attribute.value.stringValue;
        spans.push({
          traceId: b64hex(span.traceId),
          spanId: b64hex(span.spanId),
          parentId: b64hex(span.parentSpanId),
          service,
          name: span.name,
          kind: OTLP_KINDS[span.kind] ?? 'internal',
          tags,
        });
      }
    }
  }
  return spans;
}

function zipkinSpans(decoded: Decoded[]): WireSpan[] {
  return decoded.map((span) => ({
    traceId: span.traceId,
    spanId: span.id,
    parentId: span.parentId ?? '',
    service: span.localEndpoint?.serviceName,
    name: span.name,
    kind: (span.kind?.toLowerCase() ?? 'internal') as Kind,
    tags: span.tags ?? {},
  }));
}

function jaegerTags(tags: Decoded[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.vStr !== undefined && tag.vStr !== null) out[tag.key] = tag.vStr;
  return out;
}

function jaegerThriftSpans(batch: Decoded): WireSpan[] {
  return batch.spans.map((span: Decoded) => {
    const tags = jaegerTags(span.tags);
    return {
      traceId: i64hex(span.traceIdHigh) + i64hex(span.traceIdLow),
      spanId: i64hex(span.spanId),
      parentId: span.parentSpanId === 0n ? '' : i64hex(span.parentSpanId),
      service: batch.process.serviceName,
      name: span.operationName,
      kind: (tags['span.kind'] ?? 'internal') as Kind,
      tags,
    };
  });
}

function jaegerProtoSpans(request: Decoded): WireSpan[] {
  const batch = request.batch;
  return batch.spans.map((span: Decoded) => {
    const tags = jaegerTags(span.tags);
    const parent = span.references.find((reference: Decoded) => reference.refType === 'CHILD_OF');
    return {
      traceId: byteshex(span.traceId),
      spanId: byteshex(span.spanId),
      parentId: parent === undefined ? '' : byteshex(parent.spanId),
      service: span.process?.serviceName || batch.process.serviceName,
      name: span.operationName,
      kind: (tags['span.kind'] ?? 'internal') as Kind,
      tags,
    };
  });
}

interface GrpcReceiver {
  port: number;
  bodies: Buffer[];
  close(): void;
}

/** A real gRPC server answering one unary method with an empty (default) response message. */
async function startGrpcReceiver(methodPath: string): Promise<GrpcReceiver> {
  const bodies: Buffer[] = [];
  const server = new grpc.Server();
  const identity = (bytes: Buffer) => bytes;
  server.addService(
    {
      Call: {
        path: methodPath,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Call: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        bodies.push(call.request);
        callback(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { port, bodies, close: () => server.forceShutdown() };
}

interface FormatCase {
  format: string;
  transport: 'http' | 'grpc';
  /** gRPC method path, or the HTTP path the exporter must post to. */
  path: string;
  contentType?: string;
  env(address: string): Record<string, string>;
  decode(body: Buffer): WireSpan[];
}

const CASES: FormatCase[] = [
  {
    format: 'zipkin_json',
    transport: 'http',
    path: '/api/v2/spans',
    contentType: 'application/json',
    env: (url) => ({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: url }),
    decode: (body) => {
      const list = JSON.parse(body.toString('utf8'));
      const validate = loadListOfSpansValidator();
      const valid = validate(list);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      return zipkinSpans(list);
    },
  },
  {
    format: 'zipkin_protobuf',
    transport: 'http',
    path: '/api/v2/spans',
    contentType: 'application/x-protobuf',
    env: (url) => ({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: url, TRACE_DEMO_ZIPKIN_FORMAT: 'protobuf' }),
    decode: (body) => zipkinSpans(decodeProtoSpans(loadListOfSpansType(), body)),
  },
  {
    format: 'jaeger_thrift',
    transport: 'http',
    path: '/api/traces',
    contentType: 'application/x-thrift',
    env: (url) => ({ OTEL_EXPORTER_JAEGER_ENDPOINT: url, OTEL_EXPORTER_JAEGER_PROTOCOL: 'http/thrift.binary' }),
    decode: (body) => jaegerThriftSpans(decodeThriftBatch(body)),
  },
  {
    format: 'jaeger_grpc',
    transport: 'grpc',
    path: '/jaeger.api_v2.CollectorService/PostSpans',
    env: (target) => ({ OTEL_EXPORTER_JAEGER_ENDPOINT: target, OTEL_EXPORTER_JAEGER_PROTOCOL: 'grpc' }),
    decode: (body) => {
      const type = loadJaegerProto().lookupType('jaeger.api_v2.PostSpansRequest');
      return jaegerProtoSpans(type.toObject(type.decode(body), { longs: String, enums: String, bytes: Array, defaults: true }));
    },
  },
  {
    format: 'otlp_http_protobuf',
    transport: 'http',
    path: '/v1/traces',
    contentType: 'application/x-protobuf',
    env: (url) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }),
    decode: (body) => otlpSpans(protobufTraceBodyToPlain(body)),
  },
  {
    format: 'otlp_http_json',
    transport: 'http',
    path: '/v1/traces',
    contentType: 'application/json',
    env: (url) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    decode: (body) => otlpSpans(jsonTraceBodyToPlain(body.toString('utf8'))),
  },
  {
    format: 'otlp_grpc',
    transport: 'grpc',
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    env: (target) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: target, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    decode: (body) => {
      const type = traceRequestType();
      return otlpSpans(type.toObject(type.decode(body), PLAIN));
    },
  },
];

/** Which service's client span each server span must continue. */
const CALLER: Record<string, string> = {
  'order-service': 'api-gateway',
  'inventory-service': 'order-service',
  'notification-service': 'fulfillment-service',
};

/** Checks that every request's trace arrived whole and correctly linked. */
function expectWholeTraces(spans: WireSpan[], result: DemoResult): void {
  expect(result.statuses).toEqual([201, 201, 201, 400, 409]);
  expect(new Set(spans.map((span) => span.spanId)).size).toBe(spans.length);
  const traces = new Map<string, WireSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  expect([...traces.keys()].sort()).toEqual(result.outcomes.map((outcome) => outcome.traceId).sort());

  for (const outcome of result.outcomes) {
    const trace = traces.get(outcome.traceId) as WireSpan[];
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const roots = trace.filter((span) => span.parentId === '');
    expect(roots.map((root) => [root.service, root.kind, root.name])).toEqual([['api-gateway', 'server', 'POST /api/orders']]);
    for (const span of trace) {
      if (span.parentId === '') continue;
      const parent = byId.get(span.parentId);
      expect(parent).toBeDefined();
      if (span.kind === 'server') {
        expect([parent?.kind, parent?.service]).toEqual(['client', CALLER[span.service]]);
      }
      if (span.kind === 'consumer') {
        expect([span.service, span.name, span.tags['messaging.operation'], span.tags['messaging.destination']]).toEqual([
          'fulfillment-service',
          'process orders.created',
          'process',
          'orders.created',
        ]);
        expect([parent?.kind, parent?.service, parent?.name, parent?.tags['messaging.destination']]).toEqual([
          'producer',
          'order-service',
          'publish orders.created',
          'orders.created',
        ]);
      }
    }
    const services = new Set(trace.map((span) => span.service));
    if (outcome.status === 201) {
      expect(trace).toHaveLength(13);
      expect(services).toEqual(new Set(SERVICE_NAMES));
      expect(trace.filter((span) => span.kind === 'consumer')).toHaveLength(1);
    } else if (outcome.status === 400) {
      expect(trace.map((span) => span.name).sort()).toEqual(['POST /api/orders', 'validate_request']);
    } else {
      expect(trace).toHaveLength(7);
      expect(services).toEqual(new Set(['api-gateway', 'order-service', 'inventory-service']));
    }
  }
}

describe('the demo against a local receiver for each format', () => {
  it.each(CASES)('$format: every trace arrives whole', async (formatCase) => {
    let bodies: Buffer[];
    let requests: ReceivedRequest[] = [];
    let close: () => Promise<void> | void;
    let address: string;
    if (formatCase.transport === 'http') {
      const server = await startHttpServer(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }));
      requests = server.requests;
      address = server.url;
      close = server.close;
    } else {
      const receiver = await startGrpcReceiver(formatCase.path);
      address = formatCase.format === 'otlp_grpc' ? `http://127.0.0.1:${receiver.port}` : `127.0.0.1:${receiver.port}`;
      close = receiver.close;
      bodies = receiver.bodies;
    }
    const warnings: string[] = [];
    let result: DemoResult;
    try {
      result = await runDemo({ env: formatCase.env(address), warn: (message) => warnings.push(message), write: () => {} });
    } finally {
      await close();
    }
    if (formatCase.transport === 'http') {
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        expect([request.method, request.url]).toEqual(['POST', formatCase.path]);
        expect(request.headers['content-type']).toContain(formatCase.contentType);
      }
      bodies = requests.map((request) => request.body);
    }
    expect(warnings).toEqual([]);
    expect(result.messages).toEqual({ published: 3, delivered: 3, failed: 0, pending: 0 });
    expect(result.shutdown.ok).toBe(true);
    expect(result.exports).toHaveLength(1);
    expect(result.exports[0]?.label.startsWith(`${formatCase.format} → `)).toBe(true);
    expect(result.exports[0]?.stats.lastError).toBeUndefined();
    expect(result.exports[0]?.stats).toMatchObject({ finishedSpans: 48, exportedSpans: 48, droppedSpans: 0, failedSpans: 0 });

    const spans = bodies!.flatMap((body) => formatCase.decode(body));
    expect(spans).toHaveLength(48);
    expectWholeTraces(spans, result);
  });
});
