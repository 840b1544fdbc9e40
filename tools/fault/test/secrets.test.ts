// A known token in the exporter's headers and URL (userinfo and query), echoed back by a hostile
// backend in bodies and gRPC status text, never appears in stderr, warnings, errors, statistics or
// util.inspect of the exporter and tracer. The app runs as a child process so stderr is real.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { type GrpcBackend, otlpTracer, produce, startGrpcBackend, statsOf } from './helpers';

const TOKEN = 'tok3n-5ecret-9f1c';
const root = join(__dirname, '..', '..', '..');
const built = ['core', 'exporter-otlp', 'otel-adapter', 'transport-http'].every((name) => existsSync(join(root, 'packages', name, 'dist/cjs/index.js')));

/** Answers 503, then 401, then 400, each body echoing the token and the Authorization header. */
async function startEchoingBackend(): Promise<{ port: number; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const index = requests++;
      const status = index === 0 ? 503 : index === 1 ? 401 : 400;
      res.writeHead(status, { 'content-type': 'text/plain', 'x-echo': `${TOKEN}` });
      res.end(`rejected ${TOKEN}; you sent ${req.headers.authorization ?? ''} to ${req.url ?? ''}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const childApp = (port: number) => `
  const { inspect } = require('node:util');
  const { Tracer } = require('@trace/core');
  const { OtlpExporter } = require('@trace/exporter-otlp');
  const { createServiceResource } = require('@trace/otel-adapter');
  const warnings = [];
  process.on('warning', (warning) => warnings.push(String(warning.stack || warning.message)));
  const errors = [];
  let exporter;
  try {
    exporter = new OtlpExporter(
      {
        endpoint: 'http://user:${TOKEN}@127.0.0.1:${port}/v1/traces?api_key=${TOKEN}',
        format: 'otlp_http_protobuf',
        headers: { Authorization: 'Bearer ${TOKEN}', 'x-api-key': '${TOKEN}' },
      },
      createServiceResource('secret-app', '1.0.0'),
    );
  } catch (error) {
    // an endpoint with credentials may be refused at construction: the message must not carry them
    errors.push(String(error && error.message));
    exporter = new OtlpExporter(
      { endpoint: 'http://127.0.0.1:${port}', format: 'otlp_http_protobuf', headers: { Authorization: 'Bearer ${TOKEN}', 'x-api-key': '${TOKEN}' } },
      createServiceResource('secret-app', '1.0.0'),
    );
  }
  const tracer = new Tracer({ serviceName: 'secret-app', exporters: [exporter], exportSettings: { batchSize: 10 } });
  for (let i = 0; i < 30; i++) tracer.startSpan('op', { parent: null }).end();
  tracer.flush({ deadlineMs: 10000 }).then(async (flushed) => {
    if (!flushed.ok) errors.push(flushed.error.message);
    const shut = await tracer.shutdown({ deadlineMs: 1000 });
    if (!shut.ok) errors.push(shut.error.message);
    process.stdout.write(JSON.stringify({
      stats: tracer.getExportStats(),
      exporterStats: exporter.getStats(),
      errors,
      warnings,
      inspectExporter: inspect(exporter, { depth: 6, showHidden: true }),
      inspectTracer: inspect(tracer, { depth: 6, showHidden: true }),
    }));
  });
`;

interface ChildOutput {
  stats: { finishedSpans: number; exportedSpans: number; droppedSpans: number; failedSpans: number; queuedSpans: number; lastError?: string }[];
  exporterStats: unknown;
  errors: string[];
  warnings: string[];
  inspectExporter: string;
  inspectTracer: string;
}

(built ? describe : describe.skip)('secrets over HTTP (child process, built packages)', () => {
  let output: ChildOutput;
  let stderr = '';
  let requests = 0;

  beforeAll(async () => {
    const backend = await startEchoingBackend();
    try {
      const result = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['-e', childApp(backend.port)], { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', () => {
          clearTimeout(killer);
          resolve({ stdout: out, stderr: err });
        });
      });
      output = JSON.parse(result.stdout) as ChildOutput;
      stderr = result.stderr;
      requests = backend.requests();
    } finally {
      await backend.close();
    }
  });

  it('the backend really saw the token and answered with it (the case is live)', () => {
    expect(requests).toBeGreaterThanOrEqual(3);
    const stats = output.stats[0];
    expect(stats?.finishedSpans).toBe(30);
    expect(stats?.queuedSpans).toBe(0);
    expect((stats?.exportedSpans ?? 0) + (stats?.droppedSpans ?? 0) + (stats?.failedSpans ?? 0)).toBe(30);
    expect(stats?.failedSpans).toBe(30);
    expect(stderr).toContain('trace: OtlpExporter');
  });

  it('never in stderr, warnings, error messages or statistics', () => {
    expect(stderr).not.toContain(TOKEN);
    expect(output.warnings.join('\n')).not.toContain(TOKEN);
    expect(output.errors.join('\n')).not.toContain(TOKEN);
    expect(JSON.stringify(output.stats)).not.toContain(TOKEN);
    expect(JSON.stringify(output.exporterStats)).not.toContain(TOKEN);
  });

  it('never in util.inspect of the tracer', () => {
    expect(output.inspectTracer).toContain('OtlpExporter');
    expect(output.inspectTracer).not.toContain(TOKEN);
  });

  // Holds once @trace/exporter-otlp keeps header values and URL credentials out of its own
  // util.inspect output (issue #15 item 3, the exporter's side).
  it('never in util.inspect of the exporter', () => {
    expect(output.inspectExporter).toContain('OtlpExporter');
    expect(output.inspectExporter).not.toContain(TOKEN);
  });
});

if (!built) test.skip('the secrets child process needs the built packages: run `pnpm build` first', () => {});

describe('secrets over gRPC (in process)', () => {
  let backend: GrpcBackend | undefined;
  let inspected = '';
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('a status text echoing the token never reaches lastError, stats or stderr', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      backend = await startGrpcBackend((index) =>
        index === 0
          ? { kind: 'status', code: grpc.status.UNAVAILABLE, details: `overloaded, token ${TOKEN}` }
          : { kind: 'status', code: grpc.status.INVALID_ARGUMENT, details: `invalid token ${TOKEN}` },
      );
      const tracer = otlpTracer(backend.endpoint, 'otlp_grpc', {}, { headers: { authorization: `Bearer ${TOKEN}` } });
      produce(tracer, 10);
      await tracer.flush({ deadlineMs: 10_000 });
      await tracer.shutdown({ deadlineMs: 1000 });
      const stats = statsOf(tracer);
      expect(stats.failedSpans).toBe(10);
      expect(backend.received.requests).toBe(2);
      expect(JSON.stringify(stats)).not.toContain(TOKEN);
      expect(lines.join('')).not.toContain(TOKEN);
      inspected = inspect(tracer, { depth: 8, showHidden: true });
    } finally {
      process.stderr.write = write;
    }
  });

  it('nor in util.inspect of the tracer that holds that exporter', () => {
    expect(inspected).toContain('OtlpExporter');
    expect(inspected).not.toContain(TOKEN);
  });
});
