'use strict';
// What each package's README example is checked for. `replace` swaps the example's endpoint
// literals for the loopback receiver's (each literal must be in the example exactly once);
// `role` says how it runs:
//   script   node example.mjs, and it exits by itself
//   preload  node --import ./example.mjs app.cjs (or -r for CommonJS), as its README says to
//            load it first; app.cjs serves one HTTP request to itself and ends
//   server   node example.mjs runs a server: the check calls it once, then sends SIGTERM
// `expect` is what must be seen: `stdout` strings, `spans` stored by the receiver (service, the
// span names, and the receiver they came through), `accepted` requests at a receiver that carry
// no spans (the transports send an empty export request), `traceparent` at the stock service.
// r: the receiver's addresses for this run (see check-consumers.mjs).

const CASES = {
  core: {
    role: 'script',
    expect: { stdout: ['process_order', 'charge_card'] },
  },
  context: {
    // Builds propagators and a tracer; sends nothing. Checked for loading and type-checking.
    role: 'script',
    expect: {},
  },
  'exporter-jaeger': {
    role: 'script',
    replace: (r) => [["'http://jaeger-collector:14268'", `'${r.jaeger}'`]],
    expect: { spans: { service: 'checkout', names: ['GET /orders'], receiver: 'jaeger' } },
  },
  'exporter-otlp': {
    role: 'script',
    grpc: true,
    replace: (r) => [["'otel-collector:4317'", `'${r.otlpGrpc}'`]],
    expect: { spans: { service: 'my-service', names: ['checkout'], receiver: 'otlpGrpc' } },
  },
  'exporter-zipkin': {
    role: 'script',
    replace: (r) => [["'http://localhost:9411'", `'${r.zipkin}'`]],
    expect: { spans: { service: 'checkout', names: ['GET /cart'], receiver: 'zipkin' } },
  },
  'instrumentation-http': {
    role: 'server',
    replace: (r) => [
      ['.listen(8080)', `.listen(${r.appPort}, '127.0.0.1')`],
      ["'http://127.0.0.1:8081/stock'", `'${r.stock}'`],
    ],
    // The server span and the fetch's client span, printed by the console exporter on SIGTERM.
    expect: { stdout: ['checkout', 'GET'], stdoutCount: { GET: 2 }, traceparent: true },
  },
  node: {
    role: 'preload',
    env: (r) => ({ OTEL_SERVICE_NAME: 'consumer-app', OTEL_EXPORTER_OTLP_ENDPOINT: r.otlp }),
    expect: { spans: { service: 'consumer-app', names: ['GET', 'GET'], receiver: 'otlp' } },
  },
  'otel-adapter': {
    role: 'preload',
    replace: (r) => [["'http://localhost:4318'", `'${r.otlp}'`]],
    expect: { spans: { service: 'users-api', names: ['GET', 'GET'], receiver: 'otlp' } },
  },
  'transport-grpc': {
    role: 'script',
    grpc: true,
    replace: (r) => [["'otel-collector', 4317", `'127.0.0.1', ${r.otlpGrpcPort}`]],
    expect: { accepted: 'otlpGrpc', stdout: ['requestsSent: 1'] },
  },
  'transport-http': {
    role: 'script',
    replace: (r) => [["'http://localhost:4318/v1/traces'", `'${r.otlp}/v1/traces'`]],
    expect: { accepted: 'otlp', stdout: ['200'] },
  },
  viewer: {
    role: 'script',
    expect: { stdout: ['GET /cart'] },
  },
};

// The app a preload example is loaded into: one request from the app to itself, then it ends
// (the tracer flushes on beforeExit).
const PRELOAD_APP = `'use strict';
const http = require('node:http');
const server = http.createServer((request, response) => response.end('ok'));
server.listen(0, '127.0.0.1', () => {
  http.get('http://127.0.0.1:' + server.address().port + '/consumer-check', (response) => {
    response.resume();
    response.on('end', () => server.close());
  });
});
`;

module.exports = { CASES, PRELOAD_APP };
