// W7: end to end over loopback, in CPU time. Each side starts spans (the W1 body), finishes them,
// and flushes its batch pipeline through a real exporter and HTTP client to a listener of its own
// in the receiver process (see receiver/child.ts); the timed part ends when the flush resolves.
// The receiver runs in another process, so the bench's CPU clock holds only what the tracing
// side spends, and it decodes every body, so each sample is checked against the spans made.
//   W7-otlp    OTLP/HTTP protobuf on both sides (the main row)
//   W7-zipkin  Zipkin v2 JSON on both sides
//   W7-jaeger  @trace's Jaeger Thrift against OTel's OTLP/HTTP protobuf: OpenTelemetry JS 3.x
//              ships no Jaeger exporter, and OTLP protobuf is what it offers Jaeger users instead
import type { SpanExporter as OtelSpanExporter } from '@opentelemetry/sdk-trace';
import { type SpanExporter, Tracer } from '@trace/core';
import { SERVICE_NAME } from '../fixtures.js';
import { loadModule } from '../optional.js';
import { startReceiverProcess } from '../receiver/client.js';
import type { WireFormat } from '../receiver/span-counts.js';
import { createOtelSide } from '../setup-otel.js';
import { type Implementation, type TimedWorkload, Unavailable } from '../workload.js';
import { w1Otel, w1Trace } from './spans.js';

type TraceWire = 'otlp' | 'zipkin' | 'jaeger';
type OtelWire = 'otlp' | 'zipkin';

const WIRE_FORMAT: Readonly<Record<TraceWire, WireFormat>> = { otlp: 'otlp-protobuf', zipkin: 'zipkin-json', jaeger: 'jaeger-thrift' };

function construct(packageName: string, exportName: string, options: object): SpanExporter {
  const exporterClass = loadModule(packageName)[exportName];
  if (typeof exporterClass !== 'function') throw new Unavailable(`${packageName} does not export ${exportName} yet`);
  return new (exporterClass as new (options: object) => SpanExporter)(options);
}

/** @trace's exporter for `wire` over @trace/transport-http (each exporter's default transport), uncompressed. */
export function traceExporter(wire: TraceWire, baseUrl: string): SpanExporter {
  loadModule('@trace/transport-http');
  if (wire === 'otlp')
    return construct('@trace/exporter-otlp', 'OtlpExporter', {
      endpoint: baseUrl,
      format: 'otlp_http_protobuf',
      compression: 'none',
      serviceName: SERVICE_NAME,
    });
  if (wire === 'zipkin')
    return construct('@trace/exporter-zipkin', 'ZipkinExporter', {
      endpoint: `${baseUrl}/api/v2/spans`,
      format: 'zipkin_json',
      compression: 'none',
      serviceName: SERVICE_NAME,
    });
  return construct('@trace/exporter-jaeger', 'JaegerExporter', { endpoint: baseUrl, format: 'jaeger_thrift', compression: 'none', serviceName: SERVICE_NAME });
}

/** OpenTelemetry's exporter for `wire`, at its defaults (OTLP: no compression). */
export function otelExporter(wire: OtelWire, baseUrl: string): OtelSpanExporter {
  if (wire === 'otlp') {
    const { OTLPTraceExporter } = loadModule('@otel3/exporter-trace-otlp-proto') as { OTLPTraceExporter?: new (config: object) => OtelSpanExporter };
    if (OTLPTraceExporter === undefined) throw new Unavailable('@opentelemetry/exporter-trace-otlp-proto has no OTLPTraceExporter');
    return new OTLPTraceExporter({ url: `${baseUrl}/v1/traces` });
  }
  const { ZipkinExporter } = loadModule('@otel3/exporter-zipkin') as { ZipkinExporter?: new (config: object) => OtelSpanExporter };
  if (ZipkinExporter === undefined) throw new Unavailable('@opentelemetry/exporter-zipkin has no ZipkinExporter');
  return new ZipkinExporter({ url: `${baseUrl}/api/v2/spans`, serviceName: SERVICE_NAME });
}

function endToEnd(id: string, title: string, traceWire: TraceWire, otelWire: OtelWire): TimedWorkload {
  return {
    kind: 'timed',
    id,
    title,
    op: 'span',
    opsPerSample: 4096,
    clock: 'cpu',
    async setup(n) {
      const receiver = await startReceiverProcess();
      try {
        const traceSink = await receiver.open(WIRE_FORMAT[traceWire]);
        const otelSink = await receiver.open(WIRE_FORMAT[otelWire]);
        const exporter = traceExporter(traceWire, traceSink.url);
        const tracer = new Tracer({ serviceName: SERVICE_NAME, exporters: [exporter], exportSettings: { maxQueueSize: n, batchSize: 512 } });
        const o = createOtelSide({ maxQueueSize: n, exporter: otelExporter(otelWire, otelSink.url) });
        const check = async (side: string, port: number): Promise<string | undefined> => {
          const got = await receiver.take(port);
          if (got.errors > 0) return `${side} receiver could not parse ${got.errors} bodies`;
          return got.spans === n ? undefined : `${side} receiver got ${got.spans} of ${n} spans`;
        };
        const traceImpl: Implementation = {
          run: async () => {
            w1Trace(tracer, n);
            const flushed = await tracer.flush({ deadlineMs: 30_000 });
            if (!flushed.ok) throw new Error(`trace flush: ${flushed.error.message}`);
          },
          verify: () => check('trace', traceSink.port),
          close: async () => {
            await tracer.shutdown();
          },
        };
        const otelImpl: Implementation = {
          run: async () => {
            w1Otel(o.tracer, n);
            await o.provider.forceFlush();
          },
          verify: () => check('otel', otelSink.port),
          close: async () => {
            await o.provider.shutdown();
            await receiver.close();
          },
        };
        return { trace: traceImpl, otel: otelImpl };
      } catch (error) {
        await receiver.close();
        throw error;
      }
    },
  };
}

export const w7Otlp = endToEnd(
  'W7-otlp',
  'end to end, CPU per span: W1 spans → batch pipeline → OTLP/HTTP protobuf to a loopback receiver process, until flush resolves',
  'otlp',
  'otlp',
);
export const w7Zipkin = endToEnd('W7-zipkin', 'the same with Zipkin v2 JSON on both sides', 'zipkin', 'zipkin');
export const w7Jaeger = endToEnd(
  'W7-jaeger',
  "the same with @trace's Jaeger Thrift, against OTel's OTLP/HTTP protobuf (OTel JS 3.x has no Jaeger exporter)",
  'jaeger',
  'otlp',
);
