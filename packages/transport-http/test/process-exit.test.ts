// A transport never keeps a process alive: an app whose own work is done exits even while a
// request waits on a backend that never answers. The app is a real child process running the
// built package (`dist/cjs`), the backend a real server on 127.0.0.1.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { makeCertificates, openSslAvailable } from './support/certificates';
import { type Handler, type TestServer, startHttpServer, startHttpsServer } from './support/servers';

const packageDir = path.join(__dirname, '..');
const fixture = path.join(__dirname, 'fixtures', 'send-then-finish.cjs');

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

function runChild(args: string[]): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A child still running after 15 s has failed the test; it must not outlive it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

const answerOnlyWarmUp: Handler = (request, response) => {
  // Answers the warm-up request, never the batch.
  if (request.url.includes('answer=1')) response.end('ok');
};

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

beforeAll(() => {
  // The child runs the build, not the sources: a build older than the sources would test old code.
  const newest = (dir: string): number => Math.max(...readdirSync(dir).map((name) => statSync(path.join(dir, name)).mtimeMs));
  const oldest = (dir: string): number => Math.min(...readdirSync(dir).map((name) => statSync(path.join(dir, name)).mtimeMs));
  if (oldest(path.join(packageDir, 'dist/cjs')) < newest(path.join(packageDir, 'src')))
    throw new Error('dist/ is older than src/: run `pnpm build` in packages/transport-http first');
});

describe('a request in flight never keeps the process alive', () => {
  test.each([
    ['a fresh connection', '0'],
    ['a reused keep-alive connection', '1'],
  ])('an app exits at once while its request on %s waits on a backend that never answers (60 s deadline)', async (_name, warmUp) => {
    const backend: TestServer = await startHttpServer(answerOnlyWarmUp);
    servers.push(backend);
    const run = await runChild([`${backend.origin}/v1/traces`, '60000', warmUp, '0']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sent');
    if (warmUp === '1') expect(run.stdout).toContain('warm-up 200');
    // The request was still waiting when the process ended: it neither settled nor held the exit.
    expect(run.stdout).not.toContain('settled');
    const received = backend.requests.map((r) => r.body.toString());
    // On a pooled connection the request went out before the exit; on a new one the process may
    // end before the connection is up (nothing waits for it), so the request may never leave.
    if (warmUp === '1') expect(received).toEqual(['warm-up', 'batch']);
    else expect(received.filter((body) => body !== 'batch')).toEqual([]);
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  const hasOpenSsl = openSslAvailable();
  if (!hasOpenSsl) process.stderr.write('openssl CLI not found: the HTTPS process-exit test is skipped (it makes its certificate with it).\n');
  (hasOpenSsl ? test.each : test.skip.each)([
    ['a fresh connection', '0'],
    ['a reused keep-alive connection', '1'],
  ])('over HTTPS too: an app exits at once while its request on %s waits on a backend that never answers', async (_name, warmUp) => {
    const pki = makeCertificates();
    const backend = await startHttpsServer({ cert: pki.serverCert, key: pki.serverKey }, answerOnlyWarmUp);
    servers.push(backend);
    // The child trusts the server without its CA: this test is about process exit, not verification.
    const run = await runChild([`${backend.origin}/v1/traces`, '60000', warmUp, '0', JSON.stringify({ rejectUnauthorized: false })]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    if (warmUp === '1') expect(run.stdout).toContain('warm-up 200');
    expect(run.stdout).not.toContain('settled');
    const received = backend.requests.map((r) => r.body.toString());
    // On a pooled connection the request went out before the exit; on a new one the process may
    // end during the TLS handshake (nothing waits for it), so the request may never leave.
    if (warmUp === '1') expect(received).toEqual(['warm-up', 'batch']);
    else expect(received.filter((body) => body !== 'batch')).toEqual([]);
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  test.each([
    ['speaks HTTP', 'http:'],
    ['answers the TLS handshake', 'https:'],
  ])('a backend that accepts the connection and never %s does not hold the exit either', async (_name, scheme) => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    servers.push({
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    });
    const port = (silent.address() as net.AddressInfo).port;
    const run = await runChild([`${scheme}//127.0.0.1:${port}/v1/traces`, '60000', '0', '0']);

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('settled');
    expect(sockets.size).toBe(1);
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  test('keepProcessAlive: true holds the process until the request ends, and no longer than its deadline', async () => {
    const backend = await startHttpServer(answerOnlyWarmUp);
    servers.push(backend);
    const run = await runChild([`${backend.origin}/v1/traces`, '1500', '0', '1']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('settled timeout');
    expect(run.elapsedMs).toBeLessThan(10_000);
  });
});
