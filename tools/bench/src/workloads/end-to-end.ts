// W7: end to end over loopback. Each side starts spans (the W1 body), finishes them, and flushes
// its batch pipeline through a real Zipkin JSON exporter and HTTP client to its own node:http
// receiver on 127.0.0.1; the timed part ends when the flush resolves. The receiver only keeps
// the bodies; they are decoded and counted after the timed part, so every span is accounted for.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Tracer as OtelTracer } from '@opentelemetry/api';
import type { SpanExporter as OtelSpanExporter } from '@opentelemetry/sdk-trace-base';
import { type SpanExporter, Tracer } from '@trace/core';
import { SERVICE_NAME } from '../fixtures.js';
import { loadModule } from '../optional.js';
import { createOtelSide } from '../setup-otel.js';
import { type Implementation, type TimedWorkload, Unavailable } from '../workload.js';

const OPERATION = 'GET /api/users/:id';

interface Receiver {
  url: string;
  /** Request bodies (gunzipped) not yet counted. */
  bodies: Buffer[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const bodies: Buffer[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
      response.writeHead(202).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Spans in the bodies received since the last call (Zipkin JSON: each body is an array). */
function takeSpans(receiver: Receiver): number {
  let spans = 0;
  for (const body of receiver.bodies.splice(0)) {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new Error('receiver got a body that is not a JSON array');
    spans += parsed.length;
  }
  return spans;
}

function spansTrace(tracer: Tracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setTag('http.request.method', 'GET');
    span.setTag('http.response.status_code', 200);
    span.setTag('server.load', 0.75);
    span.setTag('cache.hit', true);
    span.setTag('http.route', '/api/users/:id');
    span.end();
  }
}

function spansOtel(tracer: OtelTracer, n: number): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(OPERATION);
    span.setAttribute('http.request.method', 'GET');
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('server.load', 0.75);
    span.setAttribute('cache.hit', true);
    span.setAttribute('http.route', '/api/users/:id');
    span.end();
  }
}

/** Builds @trace's Zipkin JSON exporter over @trace/transport-http (its default transport). */
function traceZipkinExporter(url: string): SpanExporter {
  const zipkin = loadModule('@trace/exporter-zipkin');
  loadModule('@trace/transport-http');
  const exporterClass = zipkin['ZipkinExporter'];
  if (typeof exporterClass !== 'function') throw new Unavailable('@trace/exporter-zipkin does not export ZipkinExporter yet');
  const config = { endpoint: url, format: 'zipkin_json', serviceName: SERVICE_NAME, compression: 'none' };
  return new (exporterClass as new (options: object) => SpanExporter)(config);
}

export const w7EndToEnd: TimedWorkload = {
  kind: 'timed',
  id: 'W7',
  title: 'end to end: W1 spans → batch pipeline → Zipkin JSON over HTTP to a loopback receiver, until flush resolves',
  op: 'span',
  opsPerSample: 4096,
  async setup(n) {
    const traceReceiver = await startReceiver();
    let exporter: SpanExporter;
    try {
      exporter = traceZipkinExporter(traceReceiver.url);
    } catch (error) {
      await traceReceiver.close();
      throw error;
    }
    const tracer = new Tracer({ serviceName: SERVICE_NAME, exporters: [exporter], exportSettings: { maxQueueSize: n, batchSize: 512 } });
    const otelReceiver = await startReceiver();
    const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
    const otelExporter: OtelSpanExporter = new ZipkinExporter({ url: otelReceiver.url, serviceName: SERVICE_NAME });
    const o = createOtelSide({ maxQueueSize: n, exporter: otelExporter });
    const traceImpl: Implementation = {
      run: async () => {
        spansTrace(tracer, n);
        const flushed = await tracer.flush({ deadlineMs: 30_000 });
        if (!flushed.ok) throw new Error(`trace flush: ${flushed.error.message}`);
      },
      verify: async () => {
        const got = takeSpans(traceReceiver);
        return got === n ? undefined : `trace receiver got ${got} of ${n} spans`;
      },
      close: async () => {
        await tracer.shutdown();
        await traceReceiver.close();
      },
    };
    const otelImpl: Implementation = {
      run: async () => {
        spansOtel(o.tracer, n);
        await o.provider.forceFlush();
      },
      verify: async () => {
        const got = takeSpans(otelReceiver);
        return got === n ? undefined : `otel receiver got ${got} of ${n} spans`;
      },
      close: async () => {
        await o.provider.shutdown();
        await otelReceiver.close();
      },
    };
    return { trace: traceImpl, otel: otelImpl };
  },
};
