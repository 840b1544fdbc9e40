import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import * as path from 'node:path';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver';

const SERVER = 2;
const CLIENT = 3;

function startApp(receiverUrl: string): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'apps/express-app.cjs')], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, OTLP_URL: receiverUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start: ${output}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      const line = chunk.toString().split('\n')[0] ?? '';
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve({ child, port: (JSON.parse(line) as { port: number }).port, output: () => output });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}: ${output}`));
    });
  });
}

function fetchJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

describe('OpenTelemetry instrumentation-http and instrumentation-express on a real Express app, exported by @trace', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());

  it('puts the server, middleware and client spans of a request in one trace', async () => {
    const app = await startApp(receiver.url);
    let exitCode: number | null = null;
    try {
      expect(await fetchJson(`http://127.0.0.1:${app.port}/users/42`)).toEqual({ user: '42', stock: { id: '42', count: 3 } });
    } finally {
      const exited = new Promise<number | null>((resolve) => app.child.on('exit', resolve));
      app.child.kill('SIGTERM');
      exitCode = await exited;
    }
    expect(exitCode).toBe(0);
    const spans = receiver.spans;
    const servers = spans.filter((span) => span.kind === SERVER);
    const clients = spans.filter((span) => span.kind === CLIENT);
    expect(servers.map((span) => span.attributes['http.route']).sort()).toEqual(['/stock/:id', '/users/:id']);
    expect(clients).toHaveLength(1);
    // one trace: outer server → (express spans) → client → inner server
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    const outer = servers.find((span) => span.attributes['http.route'] === '/users/:id') as ReceivedSpan;
    const inner = servers.find((span) => span.attributes['http.route'] === '/stock/:id') as ReceivedSpan;
    const client = clients[0] as ReceivedSpan;
    expect(outer.parentSpanId).toBe('');
    expect(inner.parentSpanId).toBe(client.spanId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    let ancestor = byId.get(client.parentSpanId);
    while (ancestor !== undefined && ancestor !== outer) ancestor = byId.get(ancestor.parentSpanId);
    expect(ancestor).toBe(outer);
    const express = spans.filter((span) => span.scope.name === '@opentelemetry/instrumentation-express');
    expect(express.map((span) => span.name)).toEqual(expect.arrayContaining(['middleware - query', 'middleware - jsonParser', 'request handler - /users/:id']));
    for (const span of express) expect(span.traceId).toBe(outer.traceId);
    expect(servers[0]?.scope.name).toBe('@opentelemetry/instrumentation-http');
    // the exporter's own requests were not traced: every span belongs to the one request
    expect(spans.every((span) => span.traceId === outer.traceId)).toBe(true);
    expect(app.output()).toBe('');
  });
});
