// A status that arrived is the outcome: a 2xx means the backend accepted the batch, whatever then
// happens to the body. These tests use real servers that trickle, flood, cut or garble the body
// after the status, and check that the batch counts as delivered and was sent exactly once.
import { inspect } from 'node:util';
import type { ServerResponse } from 'node:http';
import type { HttpTransport } from '@trace/core';
import { classifyHttpResult, retryOnOtlpStatuses } from '@trace/core/encoding';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_RESPONSE_BODY_TIMEOUT_MS, createDefaultTransport } from '@trace/transport-http';
import { type Handler, type TestServer, startHttpServer } from './support/servers';

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
  for (const item of open.splice(0).reverse()) await item.close();
});

/** Streams `total` bytes in 64 KiB chunks, honouring backpressure, until done or cut off. Returns a byte counter. */
function flood(response: ServerResponse, total: number): { written: number } {
  const counter = { written: 0 };
  const chunk = Buffer.alloc(64 * 1024, 0x7a);
  const pump = (): void => {
    while (counter.written < total && !response.destroyed) {
      counter.written += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end();
  };
  pump();
  return counter;
}

describe('a received status is the outcome', () => {
  test('a 200 whose body trickles in counts as delivered once the body time runs out, and is sent once', async () => {
    let trickle: NodeJS.Timeout | undefined;
    const backend = await server((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '5000' });
      let sent = 0;
      // One byte every 20 ms: the whole body would take 100 s.
      trickle = setInterval(() => {
        if (response.destroyed || sent >= 5000) return clearInterval(trickle);
        response.write('a');
        sent++;
      }, 20);
    });
    const client = transport({ responseBodyTimeoutMs: 300 });
    const started = Date.now();
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'batch', timeoutMs: 60_000 });
    clearInterval(trickle);

    expect(result.ok && result.value.status).toBe(200);
    // A prefix of the body is not a message: none of it is returned.
    expect(result.ok && result.value.body.length).toBe(0);
    expect(classifyHttpResult(result, retryOnOtlpStatuses).ok).toBe(true);
    expect(backend.requests).toHaveLength(1);
    // Ended by the body time limit, long before the 60 s request deadline; the socket is closed.
    expect(Date.now() - started).toBeLessThan(10_000);
    await backend.socketClosed(0);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 0, statusCounts: { '200': 1 }, lastError: undefined });
  });

  test.each([
    ['chunked', false],
    ['with Content-Length', true],
  ])('a 200 with a 64 MiB body (%s) counts as delivered; the client stops reading at the cap', async (_name, declared) => {
    const total = 64 * 1024 * 1024;
    let counter = { written: 0 };
    const backend = await server((_request, response) => {
      response.writeHead(200, declared ? { 'Content-Length': String(total) } : {});
      counter = flood(response, total);
    });
    const client = transport();
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'batch' });

    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && result.value.body.length).toBe(0);
    expect(classifyHttpResult(result, retryOnOtlpStatuses).ok).toBe(true);
    expect(backend.requests).toHaveLength(1);
    await backend.socketClosed(0);
    // Cut off near the 4 MiB cap (socket buffers hold a few MiB more), far from the 64 MiB.
    expect(counter.written).toBeLessThan(total / 2);
    expect(client.getStatistics()).toMatchObject({ sendFailures: 0, statusCounts: { '200': 1 } });
  });

  test('a 200 whose body does not decode (bad gzip) counts as delivered with an empty body', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip' });
      response.end(Buffer.from('this is not gzip at all'));
    });
    const client = transport();
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'batch' });

    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && result.value.body.length).toBe(0);
    expect(backend.requests).toHaveLength(1);
    expect(client.getStatistics().sendFailures).toBe(0);
  });

  test('a 503 with an oversized body stays a retryable 503 with its Retry-After', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(503, { 'Retry-After': '3' });
      flood(response, 16 * 1024 * 1024);
    });
    const client = transport({ maxResponseBytes: 64 * 1024 });
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'batch' });
    const outcome = classifyHttpResult(result, retryOnOtlpStatuses);

    expect(result.ok && result.value.status).toBe(503);
    expect(!outcome.ok && outcome.error.retryable).toBe(true);
    expect(!outcome.ok && outcome.error.retryAfterMs).toBe(3000);
  });

  test('a 400 with an oversized body stays a 400 that is not retried', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(400, { 'Content-Length': String(8 * 1024 * 1024) });
      flood(response, 8 * 1024 * 1024);
    });
    const client = transport({ maxResponseBytes: 1024 });
    const outcome = classifyHttpResult(await client.send({ url: `${backend.origin}/v1/traces`, body: 'batch' }), retryOnOtlpStatuses);

    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.code).toBe('HTTP_400');
    expect(!outcome.ok && outcome.error.retryable).toBe(false);
  });

  test('a small body within the limits is returned whole (OTLP partial success is read)', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"partialSuccess":{"rejectedSpans":"2"}}');
    });
    const client = transport();
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'batch' });

    expect(result.ok && Buffer.from(result.value.body).toString()).toBe('{"partialSuccess":{"rejectedSpans":"2"}}');
  });

  test('a redirect is not followed, and the Location it returns carries no credentials of the request URL', async () => {
    const backend = await server((_request, response) => {
      response.writeHead(307, { Location: '/moved' });
      response.end();
    });
    const client = transport();
    const result = await client.send({ url: `http://user:URLPASSWORD@127.0.0.1:${backend.port}/v1/traces`, body: 'batch' });

    expect(result.ok && result.value.status).toBe(307);
    const location = result.ok ? result.value.headers.location : undefined;
    expect(location).toBe(`http://127.0.0.1:${backend.port}/moved`);
    expect(backend.requests).toHaveLength(1);
  });

  test('defaults: 4 MiB and 5 s bound the body read', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(4 * 1024 * 1024);
    expect(DEFAULT_RESPONSE_BODY_TIMEOUT_MS).toBe(5000);
    expect(() => createDefaultTransport({ responseBodyTimeoutMs: 0 })).toThrow('responseBodyTimeoutMs');
  });
});

describe('secrets never show', () => {
  const TOKEN = 'tok-7f3a9c1e5b2d4a60';
  const KEY = '-----BEGIN PRIVATE KEY-----KEYMATERIAL-----END PRIVATE KEY-----';
  const PASSPHRASE = 'PASSPHRASE-8c1d';

  test('util.inspect, JSON and the own properties of a transport show settings, never TLS keys, passphrases or in-flight headers', async () => {
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const backend = await server(() => arrived());
    const client = transport({ key: KEY, cert: KEY, passphrase: PASSPHRASE, ca: KEY, timeoutMs: 5000 });
    const pending = client.send({
      url: `http://user:${TOKEN}@127.0.0.1:${backend.port}/v1/traces?api_key=${TOKEN}`,
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: 'batch',
    });
    await received;

    const views = [
      inspect(client, { depth: 10 }),
      inspect(client, { depth: 10, showHidden: true, customInspect: false }),
      JSON.stringify(client),
      Object.keys(client).join(','),
      String(client),
    ];
    await client.close();
    const closed = await pending;
    views.push(JSON.stringify(closed), inspect(closed, { depth: 10 }), JSON.stringify(client.getStatistics()));

    expect(views[0]).toContain('HttpTransport');
    expect(views[0]).toContain('clientCertificate: true');
    expect(views[0]).toContain('inFlight: 1');
    // The backend did get the token: it was sent, just never shown.
    expect(backend.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    for (const view of views) {
      expect(view).not.toContain(TOKEN);
      expect(view).not.toContain('KEYMATERIAL');
      expect(view).not.toContain(PASSPHRASE);
    }
  });
});
