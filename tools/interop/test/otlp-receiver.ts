// A loopback OTLP/HTTP receiver that decodes what it gets with the official protos.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { otlpTraceRequestType } from '@trace-tools/test-kit';

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
  const requestType = otlpTraceRequestType();
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
