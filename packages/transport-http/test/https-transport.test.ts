import type { TLSSocket } from 'node:tls';
import { type HttpTransport, TransportError } from '@trace/core';
import { createDefaultTransport } from '@trace/transport-http';
import { type TestCertificates, makeCertificates, openSslAvailable } from './support/certificates';
import { type Handler, type TestServer, startHttpServer, startHttpsServer } from './support/servers';

const hasOpenSsl = openSslAvailable();
if (!hasOpenSsl) {
  process.stderr.write('openssl CLI not found: the HTTPS transport tests are skipped (they make their certificates with it).\n');
}
const describeWithOpenSsl = hasOpenSsl ? describe : describe.skip;

const open: Array<TestServer | HttpTransport> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

function transport(options?: Parameters<typeof createDefaultTransport>[0]): HttpTransport {
  const created = createDefaultTransport(options);
  open.push(created);
  return created;
}

function expectFailure(result: Awaited<ReturnType<HttpTransport['send']>>): TransportError {
  if (result.ok) throw new Error(`expected a failure, got HTTP ${result.value.status}`);
  expect(result.error).toBeInstanceOf(TransportError);
  return result.error;
}

const echo: Handler = (request, response) => {
  const peer = (request.socket as TLSSocket).getPeerCertificate?.();
  response.end(JSON.stringify({ body: request.body.toString(), client: peer?.subject?.CN ?? null }));
};

describeWithOpenSsl('createDefaultTransport over node:https', () => {
  let pki: TestCertificates;
  beforeAll(() => {
    pki = makeCertificates();
  });

  async function httpsServer(options: { mutual?: boolean; wrongHost?: boolean } = {}): Promise<TestServer> {
    const server = await startHttpsServer(
      {
        cert: options.wrongHost ? pki.wrongHostCert : pki.serverCert,
        key: options.wrongHost ? pki.wrongHostKey : pki.serverKey,
        ca: pki.ca,
        requestCert: options.mutual === true,
        rejectUnauthorized: options.mutual === true,
      },
      echo,
    );
    open.push(server);
    return server;
  }

  test('trusts a server certificate signed by the configured CA', async () => {
    const backend = await httpsServer();
    const client = transport({ ca: pki.ca });
    const result = await client.send({ url: `${backend.origin}/v1/traces`, body: 'over tls' });

    expect(result.ok && result.value.status).toBe(200);
    expect(result.ok && JSON.parse(Buffer.from(result.value.body).toString()).body).toBe('over tls');
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 0, statusCounts: { '200': 1 } });
  });

  test('the wrong CA is a non-retryable tls error that says what to change', async () => {
    const backend = await httpsServer();
    const client = transport({ ca: pki.otherCa });
    const error = expectFailure(await client.send({ url: `${backend.origin}/v1/traces`, body: 'x', timeoutMs: 5000 }));

    expect(error.kind).toBe('tls');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('not trusted');
    expect(error.message).toContain('`ca`');
    expect(backend.requests).toHaveLength(0);
    expect(client.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 1, lastError: error.message });
  });

  test("Node's default roots do not trust a private CA", async () => {
    const backend = await httpsServer();
    const client = transport();
    const error = expectFailure(await client.send({ url: `${backend.origin}/`, body: 'x', timeoutMs: 5000 }));

    expect(error.kind).toBe('tls');
    expect(error.retryable).toBe(false);
  });

  test('a certificate for another host name is a tls error naming the problem', async () => {
    const backend = await httpsServer({ wrongHost: true });
    const client = transport({ ca: pki.ca });
    const error = expectFailure(await client.send({ url: `${backend.origin}/`, body: 'x', timeoutMs: 5000 }));

    expect(error.kind).toBe('tls');
    expect(error.message).toContain('does not name this host');
  });

  test('rejectUnauthorized: false accepts an untrusted certificate', async () => {
    const backend = await httpsServer();
    const client = transport({ rejectUnauthorized: false });
    const result = await client.send({ url: `${backend.origin}/`, body: 'x' });

    expect(result.ok && result.value.status).toBe(200);
  });

  test('mutual TLS: the client certificate is presented, and its absence is a tls error', async () => {
    const backend = await httpsServer({ mutual: true });
    const withCert = transport({ ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    const result = await withCert.send({ url: `${backend.origin}/`, body: 'x' });
    expect(result.ok && JSON.parse(Buffer.from(result.value.body).toString()).client).toBe('trace-client');

    const withoutCert = transport({ ca: pki.ca });
    const error = expectFailure(await withoutCert.send({ url: `${backend.origin}/`, body: 'x', timeoutMs: 5000 }));
    // TLS 1.3 reports the refusal as an alert after the handshake; should the server's close win
    // the race instead, the client sees a reset. Either way the request fails and is reported.
    expect(['tls', 'connection']).toContain(error.kind);
    if (error.kind === 'tls') expect(error.message).toContain('check the client `cert` and `key`');
    expect(backend.requests).toHaveLength(1);
  });

  test('gzip bodies and keep-alive work over TLS: 20 requests, one handshake', async () => {
    const backend = await httpsServer();
    const client = transport({ ca: pki.ca });
    const body = 'compress me '.repeat(500);
    for (let i = 0; i < 20; i++) {
      const result = await client.send({ url: `${backend.origin}/`, body, compression: 'gzip' });
      expect(result.ok && JSON.parse(Buffer.from(result.value.body).toString()).body).toBe(body);
    }

    expect(backend.connections).toBe(1);
    expect(backend.requests[0]?.headers['content-encoding']).toBe('gzip');
    expect(client.getStatistics()).toMatchObject({ requestsSent: 20, statusCounts: { '200': 20 } });
  });

  test('https:// to a plain-http port is a tls error that hints at the cause', async () => {
    const plain = await startHttpServer((_request, response) => response.end('plain'));
    open.push(plain);
    const client = transport({ ca: pki.ca });
    const error = expectFailure(await client.send({ url: `https://127.0.0.1:${plain.port}/`, body: 'x', timeoutMs: 5000 }));

    expect(error.kind).toBe('tls');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('does not speak TLS');
  });
});
