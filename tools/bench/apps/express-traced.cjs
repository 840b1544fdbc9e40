// The Express server of the bridge benchmark, run as a child process in one of three modes:
//   none          no tracing at all (the baseline)
//   otel-sdk      OpenTelemetry SDK: BatchSpanProcessor + OTLP/HTTP protobuf exporter
//   trace-bridge  @trace behind @opentelemetry/api: OTLP/HTTP protobuf exporter
//   api-noop      the instrumentations with no tracer registered: @opentelemetry/api's no-op
//                 spans, the floor of what the instrumentations cost under any tracer
// Both traced modes run the same OpenTelemetry HTTP and Express instrumentations and send to
// SINK_URL. The parent asks for CPU figures over IPC.
'use strict';
const mode = process.env.BENCH_MODE;
const sink = process.env.SINK_URL;
let flush = async () => {};
let lost = () => 0;

if (mode === 'otel-sdk') {
  const api = require('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-express' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${sink}/v1/traces` }), { maxQueueSize: 16384 })],
  });
  api.trace.setGlobalTracerProvider(provider);
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  flush = () => provider.forceFlush();
} else if (mode === 'trace-bridge') {
  const { Tracer, alwaysOff } = require('@trace/core');
  const { OtlpExporter } = require('@trace/exporter-otlp');
  const { createServiceResource } = require('@trace/otel-adapter');
  const { registerOpenTelemetryApi } = require('@trace/otel-adapter/api-bridge');
  // bench:bridge --unsampled: sample nothing, as the SDK's side does under OTEL_TRACES_SAMPLER=always_off.
  const sampler = process.env.OTEL_TRACES_SAMPLER === 'always_off' ? alwaysOff() : undefined;
  const tracer = new Tracer({ serviceName: 'bench-express', exportSettings: { maxQueueSize: 16384 }, ...(sampler === undefined ? {} : { sampler }) });
  tracer.addExporter(new OtlpExporter({ endpoint: sink, format: 'otlp_http_protobuf', resource: createServiceResource('bench-express', '1.0.0') }));
  registerOpenTelemetryApi(tracer);
  flush = () => tracer.flush();
  lost = () => tracer.getExportStats().reduce((sum, stats) => sum + stats.droppedSpans + stats.failedSpans, 0);
} else if (mode !== 'none' && mode !== 'api-noop') {
  throw new Error(`unknown BENCH_MODE ${mode}`);
}

if (mode !== 'none') {
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
  registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
}

const express = require('express');
const app = express();
app.use(express.json());
app.get('/users/:id', (request, response) => {
  response.json({ id: request.params.id, name: 'user' });
});
const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

process.on('message', async (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (message === 'flush') {
    await flush();
    process.send({ cpu: process.cpuUsage(), lost: lost() });
  }
  if (message === 'exit') {
    server.close();
    server.closeAllConnections();
    await flush();
    process.exit(0);
  }
});
