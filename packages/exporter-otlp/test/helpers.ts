// Test helpers: the official OTLP protos, a tracer that yields real finished spans, real servers
// on 127.0.0.1, and the OTLP/JSON → message conversion the JSON-equals-protobuf checks use.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Tracer, type TracerOptions } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import type { OtelResource } from '@trace/otel-adapter';
import { HAVE_OTLP_IDL, otlpMessageType } from '@trace-tools/test-kit';
import protobuf from 'protobufjs';

if (!HAVE_OTLP_IDL)
  process.stderr.write('OTLP tests: no ../shared/idl, decoding with the classes @opentelemetry/otlp-transformer generated from the official protos\n');

const messageType = otlpMessageType;

export function traceRequestType(): protobuf.Type {
  return messageType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

export function traceResponseType(): protobuf.Type {
  return messageType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
}

export function metricsRequestType(): protobuf.Type {
  return messageType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');
}

export function metricsResponseType(): protobuf.Type {
  return messageType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse');
}

/** toObject options that make two decoded messages comparable with toEqual. */
export const PLAIN: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true, oneofs: true };

// Keys whose string values are 64-bit integers in OTLP/JSON; the unsigned ones are fixed64.
const UNSIGNED_INT64_KEYS = new Set(['startTimeUnixNano', 'endTimeUnixNano', 'timeUnixNano', 'count', 'bucketCounts']);
const SIGNED_INT64_KEYS = new Set(['intValue', 'asInt']);
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
// protobufjs types `util.Long` loosely; it is the `long` package's class.
const Long = protobuf.util.Long as unknown as { fromString(text: string, unsigned?: boolean): unknown };

/**
 * Turns an OTLP/JSON value back into what `Type.fromObject` takes, by the OTLP/JSON rules: hex
 * ids → bytes, decimal-string int64 → Long, "NaN"/"Infinity" → numbers.
 */
export function otlpJsonToProtoObject(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => otlpJsonToProtoObject(item, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = otlpJsonToProtoObject(v, k);
    return out;
  }
  if (typeof value === 'string') {
    if (ID_KEYS.has(key)) return Buffer.from(value, 'hex');
    if (UNSIGNED_INT64_KEYS.has(key)) return Long.fromString(value, true);
    if (SIGNED_INT64_KEYS.has(key)) return Long.fromString(value, false);
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  }
  return value;
}

/** An OTLP/JSON body (UTF-8 bytes or text) as text, rejecting malformed UTF-8. */
export function jsonBodyText(body: Uint8Array | string): string {
  return typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: true }).decode(body);
}

/** Decodes an OTLP/JSON trace body into the same plain form as a decoded protobuf body. */
export function jsonTraceBodyToPlain(body: Uint8Array | string): Record<string, unknown> {
  const text = jsonBodyText(body);
  const type = traceRequestType();
  return type.toObject(type.fromObject(otlpJsonToProtoObject(JSON.parse(text)) as Record<string, unknown>), PLAIN);
}

export function protobufTraceBodyToPlain(body: Uint8Array): Record<string, unknown> {
  const type = traceRequestType();
  return type.toObject(type.decode(body), PLAIN);
}

/** A resource of the shape @trace/otel-adapter builds. */
export function testResource(service = 'checkout', extra: Record<string, string | number | boolean> = {}): OtelResource {
  return {
    attributes: { 'service.name': service, 'service.version': '1.2.3', 'telemetry.sdk.language': 'nodejs', ...extra },
    droppedAttributesCount: 0,
  };
}

/** A tracer whose finished spans land in memory (batch export effectively off). */
export function memoryTracer(options: TracerOptions = {}): { tracer: Tracer; memory: InMemoryExporter } {
  const memory = new InMemoryExporter();
  const tracer = new Tracer({ serviceName: 'checkout', ...options, exporters: [memory], exportSettings: { batchSize: 1, flushInterval: 1 } });
  return { tracer, memory };
}

/** One received HTTP request, body already gunzipped when it was sent with gzip. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

/** A real HTTP server on 127.0.0.1 answering with `reply(request, index)`. */
export async function startHttpServer(reply: (request: ReceivedRequest, index: number) => Reply = () => ({ status: 200 })): Promise<{
  url: string;
  requests: ReceivedRequest[];
  close: () => Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(rawBody) : rawBody;
      const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody, body };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body === undefined ? undefined : Buffer.from(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A decoded message as plain data; its shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: decoded wire data is asserted field by field
export type Plain = Record<string, any>;
