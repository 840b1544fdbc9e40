// A CommonJS Express service traced by the OpenTelemetry HTTP and Express instrumentations,
// with @trace behind @opentelemetry/api. Prints {"port":N} when listening; on SIGTERM it closes,
// flushes and exits. OTLP_URL names the receiver.
'use strict';
const { Tracer } = require('@trace/core');
const { OtlpExporter } = require('@trace/exporter-otlp');
const { createServiceResource } = require('@trace/otel-adapter');
const { registerOpenTelemetryApi } = require('@trace/otel-adapter/api-bridge');

const tracer = new Tracer({ serviceName: 'users-api', exportSettings: { flushInterval: 50 } });
tracer.addExporter(new OtlpExporter({ endpoint: process.env.OTLP_URL, format: 'otlp_http_protobuf', resource: createServiceResource('users-api', '1.0.0') }));
registerOpenTelemetryApi(tracer);

const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });

// Loaded after the instrumentations, as their documentation asks.
const http = require('node:http');
const express = require('express');

const app = express();
app.use(express.json());
app.get('/users/:id', (request, response) => {
  const { port } = server.address();
  http.get(`http://127.0.0.1:${port}/stock/${request.params.id}`, (reply) => {
    let body = '';
    reply.setEncoding('utf8');
    reply.on('data', (chunk) => {
      body += chunk;
    });
    reply.on('end', () => response.json({ user: request.params.id, stock: JSON.parse(body) }));
  });
});
app.get('/stock/:id', (request, response) => {
  response.json({ id: request.params.id, count: 3 });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});

process.on('SIGTERM', () => {
  server.close(async () => {
    await tracer.shutdown({ deadlineMs: 5000 });
    process.exit(0);
  });
  server.closeAllConnections();
});
