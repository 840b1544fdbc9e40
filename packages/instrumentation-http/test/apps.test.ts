// The built packages in real apps run as child processes (ES modules with no loader flag, and
// CommonJS), exporting OTLP/HTTP protobuf to a real receiver; the trees are read off the wire.
import { HTTP_CLIENT_INJECTS, KIND_CLIENT, KIND_SERVER, OtlpReceiver, type RunningApp, STATUS_ERROR, type WireSpan, abandon, get, startApp } from './helpers';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe.each(['app.mjs', 'app.cjs'])('%s', (file) => {
  let receiver: OtlpReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = new OtlpReceiver();
    const url = await receiver.start();
    app = await startApp(file, url);
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const flush = async () => expect(await get(app.front, '/flush')).toEqual({ status: 200, body: 'flushed' });

  it('traces server → fetch client → server as one tree that continues the caller', async () => {
    expect(await get(app.front, '/via-fetch', { traceparent: TRACEPARENT, 'user-agent': 'test-agent/1' })).toEqual({ status: 200, body: '{"id":"42"}' });
    const front = await receiver.waitFor((span) => span.name === 'GET /via-fetch');
    const back = await receiver.waitFor((span) => span.name === 'GET /users/:id' && span.traceId === CALLER_TRACE);
    const spans = inTrace(CALLER_TRACE);
    expect(spans).toHaveLength(3);
    const client = spans.find((span) => span.kind === KIND_CLIENT) as WireSpan;

    expect(front).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: 'b7ad6b7169203331', kind: KIND_SERVER });
    expect(client).toMatchObject({ name: 'GET', parentSpanId: front.spanId });
    expect(back).toMatchObject({ kind: KIND_SERVER, parentSpanId: client.spanId });

    expect(front.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/via-fetch',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': app.front,
      'http.response.status_code': 200,
      'network.protocol.version': '1.1',
      'user_agent.original': 'test-agent/1',
      'http.route': '/via-fetch',
    });
    expect(client.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/users/42',
      'url.full': `http://127.0.0.1:${app.back}/users/42`,
      'server.address': '127.0.0.1',
      'server.port': app.back,
      'http.response.status_code': 200,
    });
    expect(back.attributes).toMatchObject({ 'url.path': '/users/42', 'http.route': '/users/:id', 'http.response.status_code': 200 });
    // The query string (it held a token) is recorded nowhere.
    expect(JSON.stringify(spans)).not.toContain('secret');
    for (const span of spans) expect(span.status).not.toBe(STATUS_ERROR);
  });

  it('traces server → http.request client → server', async () => {
    expect(await get(app.front, '/via-http')).toEqual({ status: 200, body: '{"id":"7"}' });
    const front = await receiver.waitFor((span) => span.name === 'GET /via-http');
    const client = await receiver.waitFor((span) => span.kind === KIND_CLIENT && span.attributes['url.path'] === '/users/7');
    const back = await receiver.waitFor((span) => span.kind === KIND_SERVER && span.attributes['url.path'] === '/users/7');
    expect(front.parentSpanId).toBe('');
    expect(client).toMatchObject({ traceId: front.traceId, parentSpanId: front.spanId });
    expect(client.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.port': app.back,
      'http.response.status_code': 200,
      'network.protocol.version': '1.1',
    });
    if (HTTP_CLIENT_INJECTS) {
      expect(back).toMatchObject({ traceId: front.traceId, parentSpanId: client.spanId });
    } else {
      // Node 20 publishes its first client event after the headers are built: the call is
      // traced but the trace headers cannot be added without patching (see the README).
      expect(back.traceId).not.toBe(front.traceId);
      expect(back.parentSpanId).toBe('');
    }
  });

  it('marks 5xx server spans as errors', async () => {
    expect((await get(app.front, '/fail')).status).toBe(503);
    const span = await receiver.waitFor((candidate) => candidate.attributes['url.path'] === '/fail');
    expect(span).toMatchObject({ kind: KIND_SERVER, status: STATUS_ERROR });
    expect(span.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
  });

  it('ends the server span when the client aborts, marked aborted', async () => {
    await abandon(app.front, '/slow', 100);
    const span = await receiver.waitFor((candidate) => candidate.attributes['url.path'] === '/slow');
    expect(span).toMatchObject({ kind: KIND_SERVER, status: STATUS_ERROR });
    expect(span.attributes['error.type']).toBe('aborted');
    expect(span.attributes['http.response.status_code']).toBeUndefined();
  });

  it('records an error thrown by a handler on its span', async () => {
    await abandon(app.front, '/throw', 150);
    const span = await receiver.waitFor((candidate) => candidate.attributes['url.path'] === '/throw');
    expect(span).toMatchObject({ kind: KIND_SERVER, status: STATUS_ERROR });
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.events).toContain('exception');
  });

  it('never traces its own exports', async () => {
    await flush();
    // Every export went to the receiver; none became a span, none carried trace headers.
    expect(receiver.requestHeaders.length).toBeGreaterThan(0);
    for (const headers of receiver.requestHeaders) expect(headers.traceparent).toBeUndefined();
    for (const span of receiver.spans) expect(span.attributes['url.path']).not.toBe('/v1/traces');
  });

  it('disable() stops everything', async () => {
    expect((await get(app.front, '/disable')).body).toBe('disabled');
    await flush();
    const before = receiver.spans.length;
    expect((await get(app.front, '/via-fetch')).status).toBe(200);
    expect((await get(app.front, '/via-http')).status).toBe(200);
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Only the span of the /disable request itself, which was open when disable() ran, may follow.
    const after = receiver.spans.slice(before);
    expect(after.filter((span) => span.attributes['url.path'] !== '/disable')).toEqual([]);
  });
});
