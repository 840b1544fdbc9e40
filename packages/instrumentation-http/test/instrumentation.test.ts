// In-process behaviour against real servers on 127.0.0.1: concurrency, keep-alive, options.
import { type Server, createServer, request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, type Span, Tracer, getCurrentSpan, isTracingSuppressed, suppressTracing } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { createOtlpExporter } from '@trace/exporter-otlp';
import { type HttpInstrumentation, instrumentHttp, setHttpRoute } from '@trace/instrumentation-http';
import { KIND_SERVER, OtlpReceiver } from './helpers';

let exporter: InMemoryExporter;
let tracer: Tracer;
let handle: HttpInstrumentation | undefined;
const servers: Server[] = [];

function listen(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A GET from the test itself, which is not traced (the test process is instrumented too). */
function get(port: number, target: string, headers: Record<string, string> = {}, agent: Agent | false = false): Promise<{ status: number; body: string }> {
  return suppressTracing(() => tracedGet(port, target, headers, agent));
}

function tracedGet(
  port: number,
  target: string,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const finished = (): Span[] => exporter.getFinishedSpans();

beforeEach(() => {
  exporter = new InMemoryExporter();
  tracer = new Tracer({ serviceName: 'svc', exporters: [exporter], exportSettings: { flushInterval: 5 } });
});

afterEach(async () => {
  handle?.disable();
  handle = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await tracer.shutdown();
});

it('1,000 concurrent requests never mix traces', async () => {
  handle = instrumentHttp(tracer);
  const back = await listen((req, res) => res.end(req.headers.traceparent ?? 'none'));
  const front = await listen(async (_req, res) => {
    // Work that hops across timers and promises before and after the outgoing call.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    const answer = await fetch(`http://127.0.0.1:${back}/x`);
    const seenByBack = await answer.text();
    tracer.withSpan('after-call', () => undefined);
    res.end(JSON.stringify({ seenByBack, current: getCurrentSpan()?.traceId }));
  });
  const count = 1000;
  const traceIds = Array.from({ length: count }, (_, i) => (i + 1).toString(16).padStart(32, '0'));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const answers = await Promise.all(traceIds.map((traceId) => get(front, '/front', { traceparent: `00-${traceId}-00000000000000aa-01` }, agent)));
  agent.destroy();
  answers.forEach((answer, i) => {
    const { seenByBack, current } = JSON.parse(answer.body) as { seenByBack: string; current: string };
    expect(current).toBe(traceIds[i]);
    expect(seenByBack.split('-')[1]).toBe(traceIds[i]);
  });
  await tracer.flush();
  const spans = finished();
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  expect(byTrace.size).toBe(count);
  for (const traceId of traceIds) {
    const group = byTrace.get(traceId) as Span[];
    expect(group.map((span) => span.kind).sort()).toEqual(['client', 'internal', 'server', 'server']);
    const frontSpan = group.find((span) => span.kind === 'server' && span.parentSpanId === '00000000000000aa') as Span;
    const client = group.find((span) => span.kind === 'client') as Span;
    const backSpan = group.find((span) => span.kind === 'server' && span !== frontSpan) as Span;
    const after = group.find((span) => span.operationName === 'after-call') as Span;
    expect(client.parentSpanId).toBe(frontSpan.spanId);
    expect(backSpan.parentSpanId).toBe(client.spanId);
    expect(after.parentSpanId).toBe(frontSpan.spanId);
  }
}, 60_000);

it('a keep-alive connection does not hand one request’s span to the next, traced or ignored', async () => {
  handle = instrumentHttp(tracer, { ignoreIncomingPaths: ['/health'] });
  const port = await listen((_req, res) => {
    setTimeout(() => res.end(getCurrentSpan()?.getTag('url.path') === undefined ? 'none' : String(getCurrentSpan()?.getTag('url.path'))), 2);
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const bodies: string[] = [];
  for (const target of ['/a', '/health', '/b', '/health', '/c']) bodies.push((await get(port, target, {}, agent)).body);
  // After disable(), the connection's last span is not handed to the next request either.
  handle?.disable();
  bodies.push((await get(port, '/after-disable', {}, agent)).body);
  expect(bodies).toEqual(['/a', 'none', '/b', 'none', '/c', 'none']);
  agent.destroy();
  await tracer.flush();
  expect(finished().map((span) => span.getTag('url.path'))).toEqual(['/a', '/b', '/c']);
  // Each request on the shared socket is its own trace.
  expect(new Set(finished().map((span) => span.traceId)).size).toBe(3);
});

it('names server spans by route, records chosen headers and the query only when asked, runs the tag hook', async () => {
  const hookCalls: string[] = [];
  handle = instrumentHttp(tracer, {
    requestHeaders: ['X-Request-Id'],
    responseHeaders: ['content-type'],
    recordQuery: true,
    addTags: (span, info) => {
      hookCalls.push(`${info.kind} ${info.statusCode}`);
      span.setTag('app.tenant', 'acme');
    },
  });
  const port = await listen((_req, res) => {
    expect(setHttpRoute('/orders/:id')).toBe(true);
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  });
  await get(port, '/orders/9?page=2', { 'x-request-id': 'r-1', authorization: 'Bearer nope' });
  await tracer.flush();
  const [span] = finished();
  expect(span?.operationName).toBe('GET /orders/:id');
  expect(span?.tags).toMatchObject({
    'http.route': '/orders/:id',
    'url.path': '/orders/9',
    'url.query': 'page=2',
    'http.request.header.x-request-id': 'r-1',
    'http.response.header.content-type': 'text/plain',
    'app.tenant': 'acme',
  });
  expect(JSON.stringify(span?.tags)).not.toContain('nope');
  expect(hookCalls).toEqual(['server 200']);
  expect(setHttpRoute('/outside')).toBe(false);
});

it('client spans: 4xx and network errors are errors, ignoreOutgoing and suppressTracing leave requests untraced', async () => {
  handle = instrumentHttp(tracer, { server: false, ignoreOutgoing: (request) => request.path === '/ignored' });
  const port = await listen((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end(String(req.headers.traceparent !== undefined));
  });
  expect((await fetch(`http://127.0.0.1:${port}/missing`)).status).toBe(404);
  await tracedGet(port, '/missing');
  expect(await (await fetch(`http://127.0.0.1:${port}/ignored`)).text()).toBe('false');
  const inside = await suppressTracing(async () => {
    expect(isTracingSuppressed()).toBe(true);
    await tracedGet(port, '/quiet');
    return (await fetch(`http://127.0.0.1:${port}/quiet`)).text();
  });
  expect(inside).toBe('false');
  expect(isTracingSuppressed()).toBe(false);
  // A closed port: connection refused.
  const closed = await listen(() => undefined);
  const closedServer = servers.pop() as Server;
  await new Promise((resolve) => closedServer.close(resolve));
  await expect(fetch(`http://127.0.0.1:${closed}/gone`)).rejects.toThrow();
  await expect(tracedGet(closed, '/gone')).rejects.toThrow();
  await tracer.flush();
  const spans = finished();
  expect(spans.map((span) => `${span.getTag('url.path')} ${span.getTag('error.type')} ${span.status}`).sort()).toEqual([
    '/gone ECONNREFUSED error',
    '/gone ECONNREFUSED error',
    '/missing 404 error',
    '/missing 404 error',
  ]);
  for (const span of spans) expect(span.kind).toBe('client');
});

it('rejects invalid options at set-up', () => {
  expect(() => instrumentHttp(tracer, { requestHeaders: ['bad header'] })).toThrow(ConfigError);
  expect(() => instrumentHttp(tracer, { ignoreIncoming: 'health' as never })).toThrow(ConfigError);
  expect(() => instrumentHttp({} as Tracer)).toThrow(ConfigError);
});

it('an exporter added after instrumentHttp makes no client spans either: exports run with tracing suppressed', async () => {
  const receiver = new OtlpReceiver();
  const receiverUrl = await receiver.start();
  const receiverPort = Number(new URL(receiverUrl).port);
  try {
    const late = new Tracer({ serviceName: 'late' });
    // The receiver runs in this process: its own server side is left out, the exporter's client side is the point.
    handle = instrumentHttp(late, { ignoreIncoming: (request) => request.port === receiverPort });
    late.addExporter(
      createOtlpExporter({
        endpoint: receiverUrl,
        resource: { attributes: { 'service.name': 'late' }, droppedAttributesCount: 0 },
        format: 'otlp_http_protobuf',
      }),
    );
    const port = await listen((_req, res) => res.end('ok'));
    await get(port, '/work');
    await get(port, '/more');
    expect((await late.flush()).ok).toBe(true);
    await get(port, '/last');
    expect((await late.flush()).ok).toBe(true);
    expect(receiver.spans.map((span) => span.attributes['url.path']).sort()).toEqual(['/last', '/more', '/work']);
    for (const span of receiver.spans) expect(span.kind).toBe(KIND_SERVER);
    await late.shutdown();
  } finally {
    await receiver.stop();
  }
});

it('client spans end when the caller aborts: fetch with an AbortSignal, http.request destroyed', async () => {
  handle = instrumentHttp(tracer, { server: false });
  const port = await listen(() => undefined); // never answers
  const controller = new AbortController();
  const pending = fetch(`http://127.0.0.1:${port}/slow-fetch`, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await expect(pending).rejects.toThrow();
  await new Promise<void>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/slow-http', agent: false });
    req.on('error', () => undefined);
    req.on('close', () => resolve());
    req.end();
    setTimeout(() => req.destroy(), 50);
  });
  await tracer.flush();
  const byPath = new Map(finished().map((span) => [span.getTag('url.path'), span]));
  expect(byPath.get('/slow-fetch')?.status).toBe('error');
  expect(byPath.get('/slow-fetch')?.getTag('error.type')).toBe('AbortError');
  expect(byPath.get('/slow-http')?.status).toBe('error');
  // Node reports a request destroyed before its response as a reset socket ('socket hang up').
  expect(byPath.get('/slow-http')?.getTag('error.type')).toBe('ECONNRESET');
  expect(finished()).toHaveLength(2);
});
