// The `trace-viewer` bin as a real child process (from the build: `pnpm test` builds first).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const CLI = path.join(__dirname, '..', 'bin', 'trace-viewer.cjs');
const BUILT_CLI = path.join(__dirname, '..', 'dist', 'cjs', 'cli.js');

function readUntil(child: ChildProcess, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no match for ${pattern} in: ${output}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
  });
}

it('starts every receiver and the page, prints the addresses, and stops on SIGINT', async () => {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run pnpm build in packages/viewer first`);
  const child = spawn(process.execPath, [CLI, '--port', '0', '--otlp-port', '0', '--zipkin-port', '0', '--jaeger-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const output = await readUntil(child, /Ctrl-C to stop/);
    const page = output.match(/trace viewer: (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1];
    const zipkin = output.match(/Zipkin\s+(http:\/\/127\.0\.0\.1:\d+\/api\/v2\/spans)/)?.[1];
    expect(page).toBeDefined();
    expect(output).toMatch(/OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
    expect(output).toMatch(/Jaeger\s+http:\/\/127\.0\.0\.1:\d+\/api\/traces/);
    const body = JSON.stringify([
      {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        id: 'b7ad6b7169203331',
        name: 'get',
        timestamp: 1_700_000_000_000_000,
        duration: 1500,
        localEndpoint: { serviceName: 'cli-test' },
      },
    ]);
    const posted = await fetch(zipkin as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(posted.status).toBe(202);
    const html = await fetch(page as string);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<script src="/viewer.js"></script>');
    const list = (await (await fetch(`${page}api/traces`)).json()) as { traces: { rootService: string; durationMicros: number }[] };
    expect(list.traces).toEqual([expect.objectContaining({ rootService: 'cli-test', durationMicros: 1500 })]);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }
});
