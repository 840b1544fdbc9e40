import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ConfigError, type HttpTransport, TransportError } from '@trace/core';
import { classifyHttpResult } from '@trace/core/encoding';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT, createDefaultTransport } from '@trace/transport-http';
import { type Handler, type TestServer, startHttpServer, unusedPort } from './support/servers';

const open: Array<TestServer | HttpTransport> = [];

async function server(handler: Handler): Promise<TestServer> {
  const started = await startHttpServer(handler);
  open.push(started);
  return started;
}

function transport(options?: Parameters<typeof createDefaultTransport>[0]): HttpTransport {
  const created = createDefaultTransport(options);
  open.push(created);
  return created;
}

afterEach(async () => {
  // Transports first, so that servers are not waiting on pooled keep-alive sockets.
  for (const item of open.splice(0).reverse()) await item.close();
});

const ok200: Handler = (_request, response) => {
  response.end('ok');
};
const hang: Handler = () => {
  // Never answers: the client's deadline, signal or close must end the request.
};

function expectFailure(result: Awaited<ReturnType<HttpTransport['send']>>): TransportError {
  if (result.ok) throw new Error(`expected a failure, got HTTP ${result.value.status}`);
  expect(result.error).toBeInstanceOf(TransportError);
  return result.error;
}

describe('createDefaultTransport over node:http', () => {
  test('sends method, path, headers and body and returns status, lowercase headers and body', async () => {
    const backend = await server((request, response) => {
      response.setHeader('X-Reply-Id', 'r-42');
      response.setHeader('Content-Type', 'application/json');
      response.statusCode = 202;
      response.end(JSON.stringify({ received: request.body.length }));
    });
    const client = transport();
    const payload = '{"spans":[1,2,3]}';
    const result = await client.send({ url: `${backend.origin}/api/v2/spans`, headers: { 'Content-Type': 'application/json' }, body: payload });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.status).toBe(202);
    expect(result.value.headers['x-reply-id']).toBe('r-42');
    expect(result.value.headers['content-type']).toBe('application/json');
    expect(JSON.parse(Buffer.from(result.value.body).toString('utf8'))).toEqual({ received: payload.length });

    const seen = backend.requests[0];
    expect(backend.requests).toHaveLength(1);
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/api/v2/spans');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(seen?.body.toString('utf8')).toBe(payload);

    expect(client.getStatistics()).toEqual({ requestsSent: 1, bytesSent: payload.length, sendFailures: 0, statusCounts: { '202': 1 }, lastError: undefined });
  });

  test('sends exactly the bytes of a Uint8Array view, with the method and user agent asked for', async () => {
    const backend = await server(ok200);
    const client = transport({ userAgent: 'configured-agent/1' });
    const backing = Uint8Array.from([9, 9, 1, 2, 3, 4, 9, 9]);
    const view = backing.subarray(2, 6);
    await client.send({ url: `${backend.origin}/bytes`, method: 'PUT', body: view, headers: { 'user-agent': 'per-request/2' } });
    await client.send({ url: `${backend.origin}/bytes`, method: 'PUT', body: view });

    expect(backend.requests.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect([...(backend.requests[0]?.body ?? [])]).toEqual([1, 2, 3, 4]);
    expect(backend.requests[0]?.headers['user-agent']).toBe('per-request/2');
    expect(backend.requests[1]?.headers['user-agent']).toBe('configured-agent/1');
    expect(client.getStatistics().bytesSent).toBe(8);
  });

  test('a 5xx is a response, not an error, and classifies as retryable with Retry-After', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(503, { 'Retry-After': '7' });
      response.end('overloaded');
    });
    const client = transport();
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'x' });

    expect(result.ok && result.value.status).toBe(503);
    expect(result.ok && Buffer.from(result.value.body).toString()).toBe('overloaded');
    const classified = classifyHttpResult(result);
    expect(classified.ok).toBe(false);
    if (!classified.ok) {
      expect(classified.error.retryable).toBe(true);
      expect(classified.error.retryAfterMs).toBe(7000);
    }
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 0, statusCounts: { '503': 1 } });
  });

  test('does not follow redirects: the 3xx comes back as the response', async () => {
    const backend = await server((request, response) => {
      if (request.url === '/moved') {
        response.writeHead(302, { Location: '/elsewhere' });
        response.end();
      } else {
        response.end('followed');
      }
    });
    const client = transport();
    const result = await client.send({ url: `${backend.origin}/moved`, body: 'x' });

    expect(result.ok && result.value.status).toBe(302);
    expect(result.ok && result.value.headers.location).toContain('/elsewhere');
    expect(backend.requests.map((r) => r.url)).toEqual(['/moved']);
  });

  test('a server that never answers fails with a retryable timeout at the request deadline', async () => {
    const backend = await server(hang);
    const client = transport();
    const started = Date.now();
    const error = expectFailure(await client.send({ url: `${backend.origin}/slow`, body: 'x', timeoutMs: 150 }));
    const elapsed = Date.now() - started;

    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('within 150 ms');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 1, statusCounts: {}, lastError: error.message });
  });

  test('the configured default deadline applies when the request sets none', async () => {
    const backend = await server(hang);
    const client = transport({ timeoutMs: 120 });
    const error = expectFailure(await client.send({ url: `${backend.origin}/stall`, body: 'x' }));

    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('within 120 ms');
  });

  test('a body that stalls after the status is cut at the deadline: the status stands, the body is empty', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(200, { 'Content-Length': '1000' });
      response.write('only the start of the body');
    });
    const client = transport({ timeoutMs: 150 });
    const started = Date.now();
    const result = await client.send({ url: `${backend.origin}/stall`, body: 'x' });

    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && result.value.body.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(classifyHttpResult(result).ok).toBe(true);
    await backend.socketClosed(0);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 0, statusCounts: { '200': 1 }, lastError: undefined });
  });

  test('connection refused is a retryable connection error', async () => {
    const port = await unusedPort();
    const client = transport();
    const error = expectFailure(await client.send({ url: `http://127.0.0.1:${port}/v1/traces`, body: 'x', timeoutMs: 2000 }));

    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(`POST http://127.0.0.1:${port}/v1/traces`);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 1, lastError: error.message });
  });

  test.each([
    ['with Content-Length', true],
    ['chunked', false],
  ])('a connection reset in the middle of a %s 200 body ends the read at once; the 200 stands', async (_name, withLength) => {
    const backend = await server((request, response) => {
      if (withLength) response.writeHead(200, { 'Content-Length': '100000' });
      response.write('partial body');
      // Let the first bytes reach the client, then cut the connection.
      setTimeout(() => request.socket.destroy(), 30);
    });
    const client = transport();
    const started = Date.now();
    const result = await client.send({ url: `${backend.origin}/reset`, body: 'x', timeoutMs: 10_000 });

    // The backend said 200: the batch was delivered, and resending it would duplicate it.
    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && result.value.body.length).toBe(0);
    // Far below the 10 s deadline: the reset itself ended the read.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 0, statusCounts: { '200': 1 } });
  });

  test('a connection closed before any response is a retryable connection error', async () => {
    const backend = await server((request) => {
      request.socket.destroy();
    });
    const client = transport();
    const error = expectFailure(await client.send({ url: `${backend.origin}/drop`, body: 'x', timeoutMs: 5000 }));

    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
  });

  test('the default cap is 4 MiB: a body of exactly 4 MiB is read, one byte more is dropped and the status kept', async () => {
    const backend = await server((request, response) => {
      response.end(Buffer.alloc(request.url === '/exact' ? DEFAULT_MAX_RESPONSE_BYTES : DEFAULT_MAX_RESPONSE_BYTES + 1, 0x61));
    });
    const client = transport();
    const exact = await client.send({ url: `${backend.origin}/exact`, body: 'x' });
    expect(exact.ok && exact.value.body.length).toBe(4 * 1024 * 1024);

    const over = await client.send({ url: `${backend.origin}/over`, body: 'x' });
    expect(over.ok && over.value.status).toBe(200);
    expect(over.ok && over.value.body.length).toBe(0);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 2, sendFailures: 0, statusCounts: { '200': 2 } });
  });

  test('a huge streamed response stops being read at the cap and its connection is closed', async () => {
    const total = 256 * 1024 * 1024;
    let written = 0;
    const backend = await server((_request, response) => {
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      const pump = (): void => {
        while (written < total && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) {
            response.once('drain', pump);
            return;
          }
        }
        if (!response.destroyed) response.end();
      };
      pump();
    });
    const client = transport({ maxResponseBytes: 256 * 1024 });
    const result = await client.send({ url: `${backend.origin}/firehose`, body: 'x' });

    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && result.value.body.length).toBe(0);
    await backend.socketClosed(0);
    // The server was cut off long before it could push the whole body.
    expect(written).toBeLessThan(total);
  });

  test('the cap applies to the decoded body: a small gzip bomb is not inflated past it', async () => {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const backend = await server((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': String(bomb.length) });
      response.end(bomb);
    });
    const client = transport({ maxResponseBytes: 1024 * 1024 });
    const result = await client.send({ url: `${backend.origin}/bomb`, body: 'x' });

    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && result.value.body.length).toBe(0);
  });

  test('gzip compression sends Content-Encoding: gzip and a body the server decodes to the original', async () => {
    const backend = await server(ok200);
    const client = transport();
    const original = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ spanId: i.toString(16).padStart(16, '0'), name: 'GET /api/orders' })));
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: original, compression: 'gzip', headers: { 'Content-Encoding': 'identity' } });

    expect(result.ok).toBe(true);
    const seen = backend.requests[0];
    expect(seen?.headers['content-encoding']).toBe('gzip');
    expect(seen?.body.toString('utf8')).toBe(original);
    expect(seen?.rawBody.length).toBeLessThan(original.length / 5);
    // Statistics count the bytes that went on the wire.
    expect(client.getStatistics().bytesSent).toBe(seen?.rawBody.length);
  });

  test('without compression the body is sent as is', async () => {
    const backend = await server(ok200);
    const client = transport();
    await client.send({ url: `${backend.origin}/v1/traces`, body: 'plain', compression: 'none' });

    expect(backend.requests[0]?.headers['content-encoding']).toBeUndefined();
    expect(backend.requests[0]?.rawBody.toString()).toBe('plain');
  });

  test('100 sequential requests reuse one keep-alive connection', async () => {
    const backend = await server((request, response) => {
      response.end(`echo:${request.body.toString()}`);
    });
    const client = transport();
    for (let i = 0; i < 100; i++) {
      const result = await client.send({ url: `${backend.origin}/v1/traces`, body: String(i) });
      expect(result.ok && Buffer.from(result.value.body).toString()).toBe(`echo:${i}`);
    }

    expect(backend.requests).toHaveLength(100);
    expect(backend.connections).toBe(1);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 100, sendFailures: 0, statusCounts: { '200': 100 } });
  });

  test('with keepAlive off every request opens its own connection', async () => {
    const backend = await server(ok200);
    const client = transport({ keepAlive: false });
    for (let i = 0; i < 3; i++) await client.send({ url: `${backend.origin}/`, body: 'x' });

    expect(backend.connections).toBe(3);
  });

  test('maxSockets bounds concurrent connections; excess requests wait and still succeed', async () => {
    const backend = await server((_request, response) => {
      setTimeout(() => response.end('ok'), 10);
    });
    const client = transport({ maxSockets: 2 });
    const results = await Promise.all(Array.from({ length: 12 }, () => client.send({ url: `${backend.origin}/`, body: 'x' })));

    expect(results.every((r) => r.ok && r.value.status === 200)).toBe(true);
    expect(backend.connections).toBeLessThanOrEqual(2);
  });

  test('aborting a request through its signal ends it and frees its socket for the next request', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const backend = await server((request, response) => {
      if (request.url === '/hang') {
        received();
        return;
      }
      response.end('after');
    });
    // One socket only: if the aborted request kept it, the next request could never start.
    const client = transport({ maxSockets: 1 });
    const controller = new AbortController();
    const pending = client.send({ url: `${backend.origin}/hang`, body: 'x', signal: controller.signal, timeoutMs: 10_000 });
    await arrived;
    controller.abort();
    const error = expectFailure(await pending);

    expect(error.kind).toBe('aborted');
    expect(error.retryable).toBe(false);
    await backend.socketClosed(0);
    expect(backend.closedSockets).toBe(1);

    const next = await client.send({ url: `${backend.origin}/next`, body: 'x', timeoutMs: 2000 });
    expect(next.ok && Buffer.from(next.value.body).toString()).toBe('after');
    expect(backend.connections).toBe(2);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 2, sendFailures: 1, statusCounts: { '200': 1 }, lastError: error.message });
  });

  test('a timed-out request also frees its socket', async () => {
    const backend = await server((request, response) => {
      if (request.url !== '/hang') response.end('after');
    });
    const client = transport({ maxSockets: 1 });
    const error = expectFailure(await client.send({ url: `${backend.origin}/hang`, body: 'x', timeoutMs: 100 }));
    expect(error.kind).toBe('timeout');

    const next = await client.send({ url: `${backend.origin}/next`, body: 'x', timeoutMs: 2000 });
    expect(next.ok).toBe(true);
    await backend.socketClosed(0);
  });

  test('an already aborted signal sends nothing', async () => {
    const backend = await server(ok200);
    const client = transport();
    const error = expectFailure(await client.send({ url: `${backend.origin}/`, body: 'x', signal: AbortSignal.abort() }));

    expect(error.kind).toBe('aborted');
    expect(backend.requests).toHaveLength(0);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 0, sendFailures: 1 });
  });

  test('aborting after the response arrived changes nothing', async () => {
    const backend = await server(ok200);
    const client = transport();
    const controller = new AbortController();
    const result = await client.send({ url: `${backend.origin}/`, body: 'x', signal: controller.signal });
    controller.abort();

    expect(result.ok).toBe(true);
    expect(client.getStatistics()).toMatchObject({ sendFailures: 0, statusCounts: { '200': 1 } });
  });

  test('close() ends in-flight requests, closes connections, and refuses later sends', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const backend = await server(() => received());
    const client = createDefaultTransport();
    const pending = client.send({ url: `${backend.origin}/hang`, body: 'x', timeoutMs: 10_000 });
    await arrived;
    await client.close();

    expect(expectFailure(await pending).kind).toBe('closed');
    await backend.socketClosed(0);
    const after = expectFailure(await client.send({ url: `${backend.origin}/`, body: 'x' }));
    expect(after.kind).toBe('closed');
    expect(after.retryable).toBe(false);
    expect(backend.requests).toHaveLength(1);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 2 });
    await backend.close();
  });

  test.each([
    ['a non-http scheme', { url: 'ftp://127.0.0.1/file' }, 'scheme "ftp:"'],
    ['an invalid URL', { url: 'not a url' }, 'not a valid absolute URL'],
    ['an empty URL', { url: '' }, 'non-empty'],
    ['an invalid method', { url: 'http://127.0.0.1:1/', method: 'BAD METHOD' }, 'HTTP method'],
    ['an invalid header name', { url: 'http://127.0.0.1:1/', headers: { 'bad header': 'v' } }, 'header name'],
    ['a header value with CR LF', { url: 'http://127.0.0.1:1/', headers: { 'x-inject': 'a\r\nx-evil: 1' } }, 'header "x-inject"'],
    ['a GET with a body', { url: 'http://127.0.0.1:1/', method: 'GET', body: 'x' }, 'cannot have a body'],
    ['a negative timeout', { url: 'http://127.0.0.1:1/', timeoutMs: -1 }, 'timeoutMs'],
  ])('%s is an invalid-request error, not a throw', async (_name, request, fragment) => {
    const client = transport();
    const error = expectFailure(await client.send(request));

    expect(error.kind).toBe('invalid-request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(fragment);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 0, bytesSent: 0, sendFailures: 1, lastError: error.message });
  });

  test('header values, URL credentials and query strings never appear in errors or statistics', async () => {
    const secrets = ['Bearer-S3CRET-TOKEN', 'URLPASSWORD', 'QUERYTOKEN'];
    const backend = await server(hang);
    const refusedPort = await unusedPort();
    const client = transport();
    const headers = { Authorization: 'Bearer-S3CRET-TOKEN' };
    const errors = [
      expectFailure(await client.send({ url: `http://user:URLPASSWORD@127.0.0.1:${refusedPort}/v1?token=QUERYTOKEN`, headers, body: 'x' })),
      expectFailure(await client.send({ url: `http://user:URLPASSWORD@127.0.0.1:${backend.port}/v1?token=QUERYTOKEN`, headers, body: 'x', timeoutMs: 50 })),
      expectFailure(await client.send({ url: `${backend.origin}/v1`, headers: { Authorization: 'Bearer-S3CRET-TOKEN\n' }, body: 'x' })),
      expectFailure(await client.send({ url: `gopher://user:URLPASSWORD@127.0.0.1/?token=QUERYTOKEN`, headers, body: 'x' })),
      expectFailure(await client.send({ url: `http://user:URLPASSWORD@[bad/?token=QUERYTOKEN`, headers, body: 'x' })),
    ];
    expect(errors.map((e) => e.kind)).toEqual(['connection', 'timeout', 'invalid-request', 'invalid-request', 'invalid-request']);
    // The server did receive the credential: it was sent, just never reported.
    expect(backend.requests[0]?.headers.authorization).toBe('Bearer-S3CRET-TOKEN');

    const reported = [...errors.map((e) => `${e.message}\n${e.stack ?? ''}\n${inspect(e, { depth: 5 })}`), JSON.stringify(client.getStatistics())].join('\n');
    for (const secret of secrets) expect(reported).not.toContain(secret);
    expect(errors[0]?.message).toContain(`127.0.0.1:${refusedPort}/v1`);
  });

  test('invalid options throw a ConfigError at construction', () => {
    expect(() => createDefaultTransport({ timeoutMs: 0 })).toThrow(ConfigError);
    expect(() => createDefaultTransport({ maxResponseBytes: -5 })).toThrow('maxResponseBytes');
    expect(() => createDefaultTransport({ maxSockets: 1.5 })).toThrow('maxSockets');
    expect(() => createDefaultTransport({ userAgent: 'a\r\nb' })).toThrow('userAgent');
    expect(() => createDefaultTransport({ cert: 'PEM' })).toThrow('`cert` and `key`');
  });
});
