// A transport never keeps a process alive: an app whose own work is done exits even while a call
// waits on a backend that never answers. The app is a real child process running the built
// package (`dist/cjs`), the backends real servers on 127.0.0.1.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { type TestGrpcServer, startGrpcServer, startSilentServer } from './servers.js';
import { runChild } from './child.js';

const packageDir = path.join(__dirname, '..');
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

beforeAll(() => {
  // The child runs the build, not the sources: a build older than the sources would test old code.
  const newest = (dir: string): number => Math.max(...readdirSync(dir).map((name) => statSync(path.join(dir, name)).mtimeMs));
  const oldest = (dir: string): number => Math.min(...readdirSync(dir).map((name) => statSync(path.join(dir, name)).mtimeMs));
  if (oldest(path.join(packageDir, 'dist/cjs')) < newest(path.join(packageDir, 'src')))
    throw new Error('dist/ is older than src/: run `pnpm build` in packages/transport-grpc first');
});

/** A grpc-js server that answers the warm-up call and never the batch. */
async function hangingServer(): Promise<TestGrpcServer> {
  const server = await startGrpcServer();
  closers.push(() => server.stop());
  server.handler = (call, callback) => {
    if (call.request.toString() === 'warm-up') callback(null, call.request);
  };
  return server;
}

describe('a call in flight never keeps the process alive', () => {
  test.each([
    ['a new channel', '0'],
    ['a channel already connected', '1'],
  ])('an app exits at once while its call on %s waits on a server that never answers (60 s deadline)', async (_name, warmUp) => {
    const server = await hangingServer();
    const run = await runChild([String(server.port), '60000', warmUp, '{}']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sent');
    if (warmUp === '1') expect(run.stdout).toContain('warm-up OK');
    // The call was still waiting when the process ended: it neither settled nor held the exit.
    expect(run.stdout).not.toContain('settled');
    const received = server.received.map((r) => r.body.toString());
    // On a connected channel the call went out before the exit; on a new one the process may end
    // before the connection is up (nothing waits for it), so the call may never leave.
    if (warmUp === '1') expect(received).toEqual(['warm-up', 'batch']);
    else expect(received.filter((body) => body !== 'batch')).toEqual([]);
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  test.each([
    ['plain', {}],
    ['TLS (the handshake is never answered)', { useTls: true }],
  ])('a server that accepts TCP and never speaks HTTP/2 (%s) does not hold the exit, even within connectTimeoutMs', async (_name, options) => {
    const silent = await startSilentServer();
    closers.push(() => silent.close());
    const run = await runChild([String(silent.port), '60000', '0', JSON.stringify({ ...options, connectTimeoutMs: 30_000 })]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sent');
    expect(run.stdout).not.toContain('settled');
    expect(run.elapsedMs).toBeLessThan(10_000);
  });

  test('keepProcessAlive: true holds the process until the call ends, and no longer than its deadline', async () => {
    const server = await hangingServer();
    const run = await runChild([String(server.port), '1500', '0', JSON.stringify({ keepProcessAlive: true })]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('settled timeout');
    expect(run.elapsedMs).toBeLessThan(10_000);
  });
});
