// A transport never keeps a process alive: an app whose own work is done exits even while a
// request waits on a backend that never answers. The app is a real child process running the
// built package (`dist/cjs`), the backend a real server on 127.0.0.1.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { type Handler, type TestServer, startHttpServer } from './support/servers';

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
  const built = statSync(path.join(packageDir, 'dist/cjs/http-transport.js')).mtimeMs;
  const source = statSync(path.join(packageDir, 'src/http-transport.ts')).mtimeMs;
  if (built < source) throw new Error('dist/ is older than src/: run `pnpm build` in packages/transport-http first');
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
    expect(backend.requests.map((r) => r.body.toString())).toEqual(warmUp === '1' ? ['warm-up', 'batch'] : ['batch']);
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  test('a backend that accepts the connection and never speaks HTTP does not hold the exit either', async () => {
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
    const run = await runChild([`http://127.0.0.1:${port}/v1/traces`, '60000', '0', '0']);

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
