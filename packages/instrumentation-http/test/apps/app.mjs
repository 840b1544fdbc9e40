// An ES-module service started with plain `node app.mjs` (no loader flag): two servers, the
// front one calling the back one through fetch and through http.request. Loads the built packages.
import http from 'node:http';
import { Tracer } from '@trace/core';
import { createOtlpExporter } from '@trace/exporter-otlp';
import { instrumentHttp, setHttpRoute } from '@trace/instrumentation-http';

const tracer = new Tracer({
  serviceName: 'app-esm',
  exporters: [
    createOtlpExporter({
      endpoint: process.env.RECEIVER_URL,
      resource: { attributes: { 'service.name': 'app-esm' }, droppedAttributesCount: 0 },
      format: 'otlp_http_protobuf',
    }),
  ],
  exportSettings: { flushInterval: 20, batchSize: 4 },
});
const handle = instrumentHttp(tracer);
// A handler that throws is reported, and the process lives on (as under a supervisor).
process.on('uncaughtException', () => {});

const back = http.createServer((req, res) => {
  setHttpRoute('/users/:id');
  res.end(JSON.stringify({ id: req.url.split('?')[0].split('/')[2] }));
});

const front = http.createServer(async (req, res) => {
  const backUrl = `http://127.0.0.1:${back.address().port}`;
  if (req.url === '/via-fetch') {
    setHttpRoute('/via-fetch');
    const answer = await fetch(`${backUrl}/users/42?token=secret`);
    res.end(await answer.text());
  } else if (req.url === '/via-http') {
    setHttpRoute('/via-http');
    http.get(`${backUrl}/users/7`, (answer) => {
      let body = '';
      answer.on('data', (chunk) => (body += chunk));
      answer.on('end', () => res.end(body));
    });
  } else if (req.url === '/fail') {
    res.statusCode = 503;
    res.end('unavailable');
  } else if (req.url === '/throw') {
    throw new TypeError('handler bug');
  } else if (req.url === '/slow') {
    // answers never: the client gives up first
  } else if (req.url === '/flush') {
    const result = await tracer.flush();
    res.end(result.ok ? 'flushed' : 'flush failed');
  } else if (req.url === '/disable') {
    handle.disable();
    res.end('disabled');
  } else {
    res.statusCode = 404;
    res.end();
  }
});

back.listen(0, '127.0.0.1', () => {
  front.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ front: front.address().port, back: back.address().port })}\n`);
  });
});
process.on('SIGTERM', () => {
  front.close();
  back.close();
  front.closeAllConnections();
  back.closeAllConnections();
  void tracer.shutdown().then(() => process.exit(0));
});
