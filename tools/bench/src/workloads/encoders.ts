// W2 (OTLP protobuf / JSON), W3 (Zipkin JSON / proto), W4 (Jaeger Thrift): encoding one batch of
// 512 finished spans into request bytes, each library from its own span objects. The OTel
// figures use the code its exporters run: otlp-transformer's serializers, exporter-zipkin's
// transform + JSON.stringify, and jaeger-client's spanToThrift + thriftrw Batch encoding.
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@otel3/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Span } from '@trace/core';
import { BATCH_SIZE, SERVICE_NAME, otelBatch, traceBatch } from '../fixtures.js';
import { loadFunction, loadModule, loadPackageFile } from '../optional.js';
import type { Implementation, TimedWorkload } from '../workload.js';
import { Unavailable } from '../workload.js';

type Encoder = (spans: readonly Span[]) => unknown;

/** Byte length of whatever an encoder returned (bytes or a string); 0 when it is neither. */
function outputLength(output: unknown): number {
  if (output instanceof Uint8Array) return output.byteLength;
  if (typeof output === 'string') return Buffer.byteLength(output);
  if (output !== null && typeof output === 'object' && 'ok' in output) {
    // A Result-returning encoder: unwrap it.
    const result = output as { ok: boolean; value?: unknown };
    return result.ok ? outputLength(result.value) : 0;
  }
  return 0;
}

function unwrap(output: unknown): unknown {
  if (output !== null && typeof output === 'object' && 'ok' in output && !(output instanceof Uint8Array)) return (output as { value?: unknown }).value;
  return output;
}

function outputText(output: unknown): string {
  const value = unwrap(output);
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return '';
}

// ── the loops, once per library ──────────────────────────────────────────────────────────────

function encodeTraceLoop(encode: Encoder, spans: readonly Span[], n: number): unknown {
  let output: unknown;
  for (let i = 0; i < n; i++) output = encode(spans);
  return output;
}

function otlpProtoOtelLoop(spans: ReadableSpan[], n: number): Uint8Array | undefined {
  let output: Uint8Array | undefined;
  for (let i = 0; i < n; i++) output = ProtobufTraceSerializer.serializeRequest(spans);
  return output;
}

function otlpJsonOtelLoop(spans: ReadableSpan[], n: number): Uint8Array | undefined {
  let output: Uint8Array | undefined;
  for (let i = 0; i < n; i++) output = JsonTraceSerializer.serializeRequest(spans);
  return output;
}

type ZipkinTransform = (span: ReadableSpan, serviceName: string, statusCodeTagName: string, statusErrorTagName: string) => unknown;

function zipkinJsonOtelLoop(toZipkinSpan: ZipkinTransform, spans: ReadableSpan[], n: number): string {
  let output = '';
  for (let i = 0; i < n; i++) {
    const converted: unknown[] = new Array(spans.length);
    for (let j = 0; j < spans.length; j++) converted[j] = toZipkinSpan(spans[j] as ReadableSpan, SERVICE_NAME, 'otel.status_code', 'error');
    output = JSON.stringify(converted);
  }
  return output;
}

// ── checks ───────────────────────────────────────────────────────────────────────────────────

function countOtlpJsonSpans(text: string): number {
  const parsed = JSON.parse(text) as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
  let count = 0;
  for (const resource of parsed.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) count += scope.spans?.length ?? 0;
  return count;
}

function countZipkinJsonSpans(text: string): number {
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? parsed.length : -1;
}

/** Void unless the output looks like `BATCH_SIZE` spans: parsed for JSON, at least 40 bytes a span for binary. */
function checkOutput(side: string, output: unknown, count?: (text: string) => number): string | undefined {
  const length = outputLength(output);
  if (length < BATCH_SIZE * 40) return `${side} produced ${length} bytes for ${BATCH_SIZE} spans`;
  if (count !== undefined) {
    let spans: number;
    try {
      spans = count(outputText(output));
    } catch (error) {
      return `${side} output is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (spans !== BATCH_SIZE) return `${side} output holds ${spans} spans, not ${BATCH_SIZE}`;
  }
  return undefined;
}

/** A trace-side implementation around an encoder that may return bytes, a string or a Result. */
function traceEncoder(encode: Encoder, spans: readonly Span[], n: number, count?: (text: string) => number): Implementation {
  let output: unknown;
  return {
    run: () => {
      output = encodeTraceLoop(encode, spans, n);
    },
    verify: async () => checkOutput('trace', output, count),
  };
}

function encoderWorkload(
  id: string,
  title: string,
  opsPerSample: number,
  build: (n: number, traceSpans: Span[], otelSpans: ReadableSpan[]) => { trace: Implementation; otel?: Implementation },
): TimedWorkload {
  return {
    kind: 'timed',
    id,
    title,
    op: `batch of ${BATCH_SIZE} spans`,
    opsPerSample,
    async setup(n) {
      const traceSpans = await traceBatch();
      const otelSpans = await otelBatch();
      return build(n, traceSpans, otelSpans);
    },
  };
}

/** The resource both OTLP encoders attach: service.name plus the SDK's own telemetry.sdk.* attributes, as each SDK does by default. */
function traceResource(): unknown {
  const createServiceResource = loadFunction<(name: string, version: string) => unknown>('@trace/otel-adapter', 'createServiceResource');
  return createServiceResource(SERVICE_NAME, '');
}

type OtlpEncoder = (spans: readonly Span[], resource: unknown) => unknown;

export const w2Protobuf = encoderWorkload('W2-proto', 'OTLP protobuf ExportTraceServiceRequest of 512 spans', 20, (n, traceSpans, otelSpans) => {
  const encodeWith = loadFunction<OtlpEncoder>('@trace/exporter-otlp', 'encodeOtlpTraceProtobuf');
  const resource = traceResource();
  const encode: Encoder = (spans) => encodeWith(spans, resource);
  let otelOutput: Uint8Array | undefined;
  return {
    trace: traceEncoder(encode, traceSpans, n),
    otel: {
      run: () => {
        otelOutput = otlpProtoOtelLoop(otelSpans, n);
      },
      verify: async () => checkOutput('otel', otelOutput),
    },
  };
});

export const w2Json = encoderWorkload('W2-json', 'OTLP JSON ExportTraceServiceRequest of 512 spans', 20, (n, traceSpans, otelSpans) => {
  const encodeWith = loadFunction<OtlpEncoder>('@trace/exporter-otlp', 'encodeOtlpTraceJson');
  const resource = traceResource();
  const encode: Encoder = (spans) => encodeWith(spans, resource);
  let otelOutput: Uint8Array | undefined;
  return {
    trace: traceEncoder(encode, traceSpans, n, countOtlpJsonSpans),
    otel: {
      run: () => {
        otelOutput = otlpJsonOtelLoop(otelSpans, n);
      },
      verify: async () => checkOutput('otel', otelOutput, countOtlpJsonSpans),
    },
  };
});

type EncoderInto = (writer: unknown, spans: readonly Span[]) => unknown;

/** OTel's side of both W3-json rows: its exporter's transform + JSON.stringify, a string. */
function otelZipkinJson(otelSpans: ReadableSpan[], n: number): Implementation {
  // The transform its exporter runs per span; not in the package's exports map, so loaded by path.
  const transform = loadPackageFile('@otel3/exporter-zipkin', 'transform.cjs')['toZipkinSpan'];
  if (typeof transform !== 'function') throw new Unavailable('@opentelemetry/exporter-zipkin has no toZipkinSpan transform');
  let otelOutput = '';
  return {
    run: () => {
      otelOutput = zipkinJsonOtelLoop(transform as ZipkinTransform, otelSpans, n);
    },
    verify: async () => checkOutput('otel', otelOutput, countZipkinJsonSpans),
  };
}

// What ZipkinExporter runs with its own transport: the body written into a buffer the exporter
// reuses (one per export in flight) and sent from there, not copied out.
export const w3Json = encoderWorkload('W3-json', 'Zipkin v2 JSON of 512 spans, as each exporter makes its body', 20, (n, traceSpans, otelSpans) => {
  const encodeInto = loadFunction<EncoderInto>('@trace/exporter-zipkin', 'encodeZipkinJsonInto');
  // Exporter authors' helpers live in @trace/core/encoding.
  const writerClass = loadFunction<new () => unknown>('@trace/core/encoding', 'JsonBytesWriter');
  const writer = new writerClass();
  const encode: Encoder = (spans) => encodeInto(writer, spans);
  return { trace: traceEncoder(encode, traceSpans, n, countZipkinJsonSpans), otel: otelZipkinJson(otelSpans, n) };
});

// Both sides ending in one JS string: @trace pays for turning its bytes into a string, which its
// exporter never does (a 240 KB string costs ~200 µs to allocate here, on either side).
export const w3JsonString = encoderWorkload('W3-json-string', 'Zipkin v2 JSON of 512 spans as one string', 20, (n, traceSpans, otelSpans) => {
  const encode = loadFunction<Encoder>('@trace/exporter-zipkin', 'encodeZipkinJson');
  return { trace: traceEncoder(encode, traceSpans, n, countZipkinJsonSpans), otel: otelZipkinJson(otelSpans, n) };
});

export const w3Proto = encoderWorkload('W3-proto', 'Zipkin v2 protobuf ListOfSpans of 512 spans (OTel JS has no Zipkin proto encoder)', 20, (n, traceSpans) => {
  const encode = loadFunction<Encoder>('@trace/exporter-zipkin', 'encodeZipkinProto');
  return { trace: traceEncoder(encode, traceSpans, n) };
});

// ── W4: Jaeger Thrift against jaeger-client ──────────────────────────────────────────────────

interface ThriftStruct {
  new (fields: object): object;
  rw: { toBuffer(value: object): { err: unknown; value: Buffer } };
}
interface JaegerThrift {
  Batch: ThriftStruct;
  Span: ThriftStruct;
  Process: ThriftStruct;
}
interface ThriftUtils {
  spanToThrift(span: unknown): object;
  _thrift: JaegerThrift;
}
interface JaegerTracer {
  startSpan(name: string, options?: { childOf?: unknown; tags?: Record<string, unknown> }): JaegerSpan;
  close(callback?: () => void): void;
}
interface JaegerSpan {
  setTag(key: string, value: unknown): JaegerSpan;
  log(fields: Record<string, unknown>): JaegerSpan;
  finish(): void;
}

function jaegerClientBatch(): { utils: ThriftUtils; spans: unknown[] } {
  const jaeger = loadModule('jaeger-client') as {
    Tracer: new (service: string, reporter: unknown, sampler: unknown) => JaegerTracer;
    InMemoryReporter: new () => { spans: unknown[] };
    ConstSampler: new (decision: boolean) => unknown;
  };
  const utilsModule = loadModule('jaeger-client/dist/src/thrift.js') as { default?: ThriftUtils };
  const utils = utilsModule.default;
  if (utils === undefined || typeof utils.spanToThrift !== 'function') throw new Unavailable('jaeger-client has no ThriftUtils.spanToThrift');
  const reporter = new jaeger.InMemoryReporter();
  const tracer = new jaeger.Tracer(SERVICE_NAME, reporter, new jaeger.ConstSampler(true));
  const root = tracer.startSpan('GET /api/users/:id', { tags: { 'span.kind': 'server' } });
  for (let i = 1; i < BATCH_SIZE; i++) {
    const span = tracer.startSpan(`SELECT users ${i % 16}`, { childOf: root, tags: { 'span.kind': 'client' } });
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', i % 2 === 0);
    span.setTag('db.statement', `SELECT * FROM users WHERE id = ${i}`);
    span.log({ event: 'rows fetched', rows: i });
    span.finish();
  }
  root.setTag('http.route', '/api/users/:id');
  root.finish();
  tracer.close();
  if (reporter.spans.length !== BATCH_SIZE) throw new Error(`jaeger-client fixture made ${reporter.spans.length} spans`);
  return { utils, spans: reporter.spans.slice() };
}

/** What jaeger-client's RemoteReporter + HTTPSender do per batch: spanToThrift per span, then one Batch encode. */
function jaegerClientLoop(utils: ThriftUtils, spans: unknown[], n: number): Buffer | undefined {
  const thrift = utils._thrift;
  let output: Buffer | undefined;
  for (let i = 0; i < n; i++) {
    const thriftSpans: object[] = [];
    for (let j = 0; j < spans.length; j++) thriftSpans.push(new thrift.Span(utils.spanToThrift(spans[j])));
    const batch = new thrift.Batch({ process: { serviceName: SERVICE_NAME, tags: [] }, spans: thriftSpans });
    const result = thrift.Batch.rw.toBuffer(batch);
    if (result.err) throw new Error(`jaeger-client thrift encoding failed: ${String(result.err)}`);
    output = result.value;
  }
  return output;
}

export const w4Thrift = encoderWorkload('W4-thrift', 'Jaeger Thrift Batch (TBinaryProtocol) of 512 spans, vs jaeger-client', 20, (n, traceSpans) => {
  const encode = loadFunction<Encoder>('@trace/exporter-jaeger', 'encodeJaegerThriftBatch');
  const client = jaegerClientBatch();
  let clientOutput: Buffer | undefined;
  return {
    trace: traceEncoder(encode, traceSpans, n),
    otel: {
      run: () => {
        clientOutput = jaegerClientLoop(client.utils, client.spans, n);
      },
      verify: async () => checkOutput('jaeger-client', clientOutput),
    },
  };
});
