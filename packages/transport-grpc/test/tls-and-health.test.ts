import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { ServerCredentials } from '@grpc/grpc-js';
import { type DefaultGrpcTransport, GrpcChannelManager, createDefaultGrpcTransport, grpcHealthCheck } from '../src/index.js';
import { type TestGrpcServer, findClosedPort, startGrpcServer } from './servers.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Pki {
  ca: Buffer;
  otherCa: Buffer;
  serverKey: Buffer;
  serverCert: Buffer;
  clientKey: Buffer;
  clientCert: Buffer;
}

/** A test CA, a server certificate for 127.0.0.1/localhost and a client certificate, signed by it; plus an unrelated CA. */
function makePki(dir: string): Pki {
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=trace test CA');
  run('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '1', '-subj', '/CN=some other CA');
  writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'server.ext',
  );
  run('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=trace client');
  run('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '1');
  const read = (name: string): Buffer => readFileSync(path.join(dir, name));
  return {
    ca: read('ca.pem'),
    otherCa: read('other.pem'),
    serverKey: read('server.key'),
    serverCert: read('server.pem'),
    clientKey: read('client.key'),
    clientCert: read('client.pem'),
  };
}

const opensslAvailable = hasOpenssl();
if (!opensslAvailable) process.stderr.write('openssl CLI not found: skipping the TLS tests of @trace/transport-grpc (they need it to make certificates)\n');
const describeTls = opensslAvailable ? describe : describe.skip;

describeTls('TLS (certificates made by the test with openssl)', () => {
  let dir: string;
  let pki: Pki;
  let server: TestGrpcServer | undefined;
  let transport: DefaultGrpcTransport | undefined;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'trace-grpc-tls-'));
    pki = makePki(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await transport?.close();
    transport = undefined;
    await server?.stop();
    server = undefined;
  });

  // The server name is checked against the certificate's DNS name (Node refuses IP addresses as SNI).
  const tlsBase = { serverNameOverride: 'localhost' };

  it('sends over TLS when the server certificate is signed by rootCertificates', async () => {
    server = await startGrpcServer({ credentials: ServerCredentials.createSsl(null, [{ private_key: pki.serverKey, cert_chain: pki.serverCert }]) });
    transport = createDefaultGrpcTransport({ ...tlsBase, rootCertificates: pki.ca.toString('utf8') });
    transport.connect('127.0.0.1', server.port);
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: Buffer.from('over tls'), timeoutMs: 5000 });
    expect(result.ok && Buffer.from(result.value.body).toString()).toBe('over tls');
    expect(transport.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 0, statusCounts: { OK: 1 } });
  });

  it('fails with a clear, non-retryable tls error when the CA is wrong', async () => {
    server = await startGrpcServer({ credentials: ServerCredentials.createSsl(null, [{ private_key: pki.serverKey, cert_chain: pki.serverCert }]) });
    transport = createDefaultGrpcTransport({ ...tlsBase, rootCertificates: pki.otherCa });
    transport.connect('127.0.0.1', server.port);
    const result = await transport.send({ service: 'test.Echo', method: 'Call', body: Buffer.from('x'), timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('tls');
    expect(result.error.retryable).toBe(false);
    expect(result.error.message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed: .*certificate/i);
    expect(result.error.message).toMatch(/rootCertificates/);
    expect(server.received).toHaveLength(0);
    expect(transport.getStatistics()).toMatchObject({ requestsSent: 1, sendFailures: 1 });
    expect(transport.getStatistics().lastError).toBe(result.error.message);
  });

  it('presents the client certificate to a server that requires one (mutual TLS)', async () => {
    server = await startGrpcServer({ credentials: ServerCredentials.createSsl(pki.ca, [{ private_key: pki.serverKey, cert_chain: pki.serverCert }], true) });
    transport = createDefaultGrpcTransport({ ...tlsBase, rootCertificates: pki.ca, privateKey: pki.clientKey, certChain: pki.clientCert });
    transport.connect('127.0.0.1', server.port);
    const withCert = await transport.send({ service: 'test.Echo', method: 'Call', body: Buffer.from('mtls'), timeoutMs: 5000 });
    expect(withCert.ok).toBe(true);

    const anonymous = createDefaultGrpcTransport({ ...tlsBase, rootCertificates: pki.ca });
    try {
      anonymous.connect('127.0.0.1', server.port);
      const without = await anonymous.send({ service: 'test.Echo', method: 'Call', body: Buffer.from('mtls'), timeoutMs: 5000 });
      expect(without.ok).toBe(false);
      expect(server.received).toHaveLength(1);
    } finally {
      await anonymous.close();
    }
  });

  it('never shows key material: not in util.inspect, JSON or own properties of a transport or its pool', () => {
    const manager = new GrpcChannelManager({ ...tlsBase, rootCertificates: pki.ca, privateKey: pki.clientKey, certChain: pki.clientCert });
    const owned = createDefaultGrpcTransport({ ...tlsBase, rootCertificates: pki.ca, privateKey: pki.clientKey, certChain: pki.clientCert });
    try {
      manager.getClient('127.0.0.1:4317');
      owned.connect('127.0.0.1', 4317);
      const views = [
        inspect(manager, { depth: 10 }),
        inspect(manager, { depth: 10, showHidden: true, customInspect: false }),
        inspect(owned, { depth: 10, showHidden: true, customInspect: false }),
        JSON.stringify(manager),
        JSON.stringify(owned),
      ].join('\n');
      expect(views).toContain('clientCertificate: true');
      // A line from the middle of the private key's base64 body.
      const keyLine = pki.clientKey.toString('utf8').split('\n')[1] ?? 'missing';
      expect(keyLine.length).toBeGreaterThan(16);
      expect(views).not.toContain(keyLine);
    } finally {
      manager.close();
      void owned.close();
    }
  });

  it('pools one channel per target and credentials', () => {
    const tls = new GrpcChannelManager({ rootCertificates: pki.ca });
    const otherTls = new GrpcChannelManager({ rootCertificates: pki.otherCa });
    try {
      expect(tls.getChannel('127.0.0.1:4317')).toBe(tls.getChannel('127.0.0.1:4317'));
      expect(tls.getChannel('127.0.0.1:4317')).not.toBe(otherTls.getChannel('127.0.0.1:4317'));
    } finally {
      tls.close();
      otherTls.close();
    }
  });

  it('health-checks over TLS', async () => {
    server = await startGrpcServer({ credentials: ServerCredentials.createSsl(null, [{ private_key: pki.serverKey, cert_chain: pki.serverCert }]) });
    const good = await grpcHealthCheck(server.target, { ...tlsBase, rootCertificates: pki.ca });
    expect(good).toEqual({ ok: true, value: 'SERVING' });
    const wrongCa = await grpcHealthCheck(server.target, { ...tlsBase, rootCertificates: pki.otherCa });
    expect(!wrongCa.ok && wrongCa.error.kind).toBe('tls');
  });
});

describe('grpcHealthCheck over grpc.health.v1.Health/Check', () => {
  let server: TestGrpcServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('reports SERVING, NOT_SERVING and UNKNOWN as the server says', async () => {
    server = await startGrpcServer();
    server.health.set('opentelemetry.proto.collector.trace.v1.TraceService', 2);
    server.health.set('idle', 0);
    expect(await grpcHealthCheck(server.target)).toEqual({ ok: true, value: 'SERVING' });
    expect(await grpcHealthCheck(server.target, {}, { service: 'opentelemetry.proto.collector.trace.v1.TraceService' })).toEqual({
      ok: true,
      value: 'NOT_SERVING',
    });
    expect(await grpcHealthCheck(server.target, {}, { service: 'idle' })).toEqual({ ok: true, value: 'UNKNOWN' });
    server.health.set('', 2);
    expect(await grpcHealthCheck(server.target)).toEqual({ ok: true, value: 'NOT_SERVING' });
    // The request carried the service name as HealthCheckRequest.service.
    expect(server.received[1]?.path).toBe('/grpc.health.v1.Health/Check');
    expect(server.received[1]?.body.toString('utf8')).toContain('opentelemetry.proto.collector.trace.v1.TraceService');
    expect(server.received[0]?.body.length).toBe(2); // field 1, empty string
  });

  it('is an error for an unknown service, a server without the health service, and no server', async () => {
    server = await startGrpcServer();
    const unknown = await grpcHealthCheck(server.target, {}, { service: 'nope' });
    expect(!unknown.ok && unknown.error.grpcCode).toBe(5);
    await server.stop();

    server = await startGrpcServer({ withHealth: false });
    const unimplemented = await grpcHealthCheck(server.target);
    expect(!unimplemented.ok && unimplemented.error.grpcCode).toBe(12);
    expect(!unimplemented.ok && unimplemented.error.message).toMatch(/UNIMPLEMENTED/);

    const closed = await grpcHealthCheck(`127.0.0.1:${await findClosedPort()}`, {}, { timeoutMs: 2000 });
    expect(!closed.ok && closed.error.kind).toBe('connection');
    const badTarget = await grpcHealthCheck('no-port-here');
    expect(!badTarget.ok && badTarget.error.kind).toBe('invalid-request');
    const badConfig = await grpcHealthCheck('127.0.0.1:1', { privateKey: 'x' });
    expect(!badConfig.ok && badConfig.error.message).toMatch(/privateKey and certChain/);
  });

  it('uses and keeps a shared pool channel when given one', async () => {
    server = await startGrpcServer();
    const manager = new GrpcChannelManager();
    try {
      const channel = manager.getChannel(server.target);
      expect(await grpcHealthCheck(server.target, {}, { channelManager: manager })).toEqual({ ok: true, value: 'SERVING' });
      expect(manager.getChannel(server.target)).toBe(channel);
      expect(manager.size).toBe(1);
    } finally {
      manager.close();
    }
  });
});
