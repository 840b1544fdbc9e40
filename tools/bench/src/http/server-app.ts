// One benchmarked HTTP service, run as its own process so each set-up starts from a clean module
// cache: `none` (no tracing), `trace` (@trace/instrumentation-http + OTLP batch export) or `otel`
// (OpenTelemetry SDK + instrumentation-http + instrumentation-undici + OTLP proto exporter).
// The handler answers at once, or after one outgoing fetch. The parent asks for CPU figures over IPC.
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TracingMode = 'none' | 'trace' | 'otel';

interface Settings {
  mode: TracingMode;
  outgoing: boolean;
  sinkUrl: string;
  backendUrl: string;
}

function readSettings(): Settings {
  const [mode = 'none', outgoing = 'plain'] = process.argv.slice(2);
  if (mode !== 'none' && mode !== 'trace' && mode !== 'otel') throw new Error(`unknown mode ${mode}`);
  return { mode, outgoing: outgoing === 'fetch', sinkUrl: process.env.BENCH_SINK_URL ?? '', backendUrl: process.env.BENCH_BACKEND_URL ?? '' };
}

type Stop = () => Promise<void>;

function setUpTrace(settings: Settings): Stop {
  const { Tracer } = require('@trace/core') as typeof import('@trace/core');
  const { createOtlpExporter } = require('@trace/exporter-otlp') as typeof import('@trace/exporter-otlp');
  const { instrumentHttp } = require('@trace/instrumentation-http') as typeof import('@trace/instrumentation-http');
  const resource = { attributes: { 'service.name': 'bench-http' }, droppedAttributesCount: 0 };
  const tracer = new Tracer({
    serviceName: 'bench-http',
    exporters: [createOtlpExporter({ endpoint: settings.sinkUrl, resource, format: 'otlp_http_protobuf' })],
  });
  const handle = instrumentHttp(tracer);
  return async () => {
    handle.disable();
    await tracer.shutdown({ deadlineMs: 5000 });
  };
}

function setUpOtel(settings: Settings): Stop {
  // As the OpenTelemetry docs set it up: the provider and instrumentations first, then the app
  // loads `http` (which the require hook patches).
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-http' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.sinkUrl}/v1/traces` }))],
  });
  provider.register();
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new UndiciInstrumentation()] });
  return () => provider.shutdown();
}

async function main(): Promise<void> {
  const settings = readSettings();
  const stop: Stop = settings.mode === 'trace' ? setUpTrace(settings) : settings.mode === 'otel' ? setUpOtel(settings) : async () => {};
  const http = require('node:http') as typeof Http;
  const backend = settings.backendUrl;
  const server = http.createServer((_request, response) => {
    if (!settings.outgoing) {
      response.end('ok');
      return;
    }
    fetch(backend)
      .then((answer) => answer.text())
      .then(
        (text) => response.end(text),
        () => {
          response.statusCode = 502;
          response.end();
        },
      );
  });
  server.keepAliveTimeout = 30_000;
  let cpuAtStart = process.cpuUsage();
  process.on('message', (message: string) => {
    if (message === 'cpu-start') {
      cpuAtStart = process.cpuUsage();
      process.send?.({ cpuStarted: true });
    } else if (message === 'cpu-stop') {
      const used = process.cpuUsage(cpuAtStart);
      process.send?.({ cpuMicros: used.user + used.system });
    } else if (message === 'stop') {
      server.closeAllConnections();
      server.close();
      void stop().finally(() => process.exit(0));
    }
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

void main();
