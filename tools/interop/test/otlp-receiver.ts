// A loopback OTLP/HTTP receiver that decodes what it gets with the official protos.
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

const OTLP_ROOT = path.resolve(__dirname, '../../../../shared/idl/opentelemetry-proto');
const SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** Whether the official protos sit beside the clone (CI); see loadExportRequestType. */
export const HAVE_IDL = existsSync(path.join(OTLP_ROOT, SERVICE_PROTO));
/** Every suite runs: with the official protos, or with the classes generated from them. */
export const describeWithIdl: jest.Describe = describe;

/**
 * ExportTraceServiceRequest from the official protos in `shared/idl`, or, without them (a user's
 * fresh clone), from the protobufjs classes the OpenTelemetry project generates from the same
 * protos and ships in `@opentelemetry/otlp-transformer` (a devDependency): either way a decoder
 * nobody here wrote. `TRACE_TEST_IGNORE_SHARED_IDL=1` forces the second, to check it in CI.
 */
function loadExportRequestType(): protobuf.Type {
  if (existsSync(path.join(OTLP_ROOT, 'opentelemetry/proto/collector/trace/v1/trace_service.proto')) && process.env.TRACE_TEST_IGNORE_SHARED_IDL !== '1') {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(OTLP_ROOT, target));
    root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto']);
    return root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  const dir = path.dirname(require.resolve('@opentelemetry/otlp-transformer/package.json'));
  return require(path.join(dir, 'build/src/generated/root.js')).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
}

/** One decoded span with the resource and scope it arrived under. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  events: { name: string; timeUnixNano: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  status: { code?: number; message?: string };
  scope: { name: string; version: string };
  service: unknown;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}

function plainValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plainValue);
  return undefined;
}

function plainAttributes(list: { key: string; value: AnyValue }[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = plainValue(value);
  return out;
}

type KeyValues = { key: string; value: AnyValue }[];
/** A decoded OTLP span as protobufjs's toObject gives it (ids as base64, 64-bit times as strings). */
interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValues;
  events: { name: string; timeUnixNano: string; attributes: KeyValues }[];
  links: { traceId: string; spanId: string; attributes: KeyValues }[];
  status?: { code?: number; message?: string };
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly requests: number;
  /** Resolves once `count` spans arrived; rejects after `timeoutMs`. */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requestType = loadExportRequestType();
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const message = requestType.toObject(requestType.decode(body), { longs: String, bytes: String, enums: Number, defaults: true, arrays: true }) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: AnyValue }[] };
          scopeSpans: { scope: { name: string; version: string }; spans: Record<string, unknown>[] }[];
        }[];
      };
      for (const resourceSpans of message.resourceSpans) {
        const service = plainAttributes(resourceSpans.resource?.attributes)['service.name'];
        for (const scopeSpans of resourceSpans.scopeSpans) {
          for (const raw of scopeSpans.spans) {
            const span = raw as unknown as RawSpan;
            const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');
            spans.push({
              traceId: hex(span.traceId),
              spanId: hex(span.spanId),
              parentSpanId: hex(span.parentSpanId),
              name: span.name,
              kind: span.kind,
              startTimeUnixNano: span.startTimeUnixNano,
              endTimeUnixNano: span.endTimeUnixNano,
              attributes: plainAttributes(span.attributes),
              events: span.events.map((event) => ({
                name: event.name,
                timeUnixNano: event.timeUnixNano,
                attributes: plainAttributes(event.attributes),
              })),
              links: span.links.map((link) => ({
                traceId: hex(link.traceId),
                spanId: hex(link.spanId),
                attributes: plainAttributes(link.attributes),
              })),
              status: span.status ?? {},
              scope: { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' },
              service,
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    async waitForSpans(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (spans.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} spans, received ${spans.length}: ${spans.map((span) => span.name).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return spans;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
