// `pnpm bench:http`: a loopback HTTP service under a bounded load (autocannon: fixed connections
// and request count), with no tracing, with @trace/instrumentation-http and with the OpenTelemetry
// SDK + its http and undici instrumentations, both exporting OTLP/HTTP protobuf in batches to a
// loopback sink. Two handlers: a plain answer, and one outgoing fetch per request. Reports
// requests/s, p50/p99 latency and the service process's CPU per request, and how much CPU per
// request each tracer adds over no tracing. Not a test: figures depend on the machine.
// Options: --requests N --warmup N --connections N --rounds N --only plain|fetch
import { type ChildProcess, fork } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { TracingMode } from './server-app.js';

const MODES: readonly TracingMode[] = ['none', 'trace', 'otel'];
const LABELS: Record<TracingMode, string> = { none: 'no tracing', trace: '@trace', otel: 'OpenTelemetry' };

interface Row {
  scenario: string;
  mode: TracingMode;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerRequest: number;
  errors: number;
}

function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const REQUESTS = numberArg('requests', 20_000);
const WARMUP = numberArg('warmup', 3_000);
const CONNECTIONS = numberArg('connections', 16);
const ROUNDS = numberArg('rounds', 3);
const onlyIndex = process.argv.indexOf('--only');
const SCENARIOS = (['plain', 'fetch'] as const).filter((scenario) => onlyIndex === -1 || process.argv[onlyIndex + 1] === scenario);

function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function url(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function nextMessage<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${key} from the service`)), 30_000);
    const onMessage = (message: Record<string, unknown>) => {
      if (!(key in message)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message[key] as T);
    };
    child.on('message', onMessage);
  });
}

async function load(target: string, amount: number): Promise<autocannon.Result> {
  return autocannon({ url: target, connections: CONNECTIONS, amount, pipelining: 1 });
}

async function measure(mode: TracingMode, scenario: 'plain' | 'fetch', sinkUrl: string, backendUrl: string): Promise<Row> {
  const child = fork(join(__dirname, 'server-app.js'), [mode, scenario], {
    env: { ...process.env, BENCH_SINK_URL: sinkUrl, BENCH_BACKEND_URL: backendUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await nextMessage<number>(child, 'port');
    const target = `http://127.0.0.1:${port}/`;
    await load(target, WARMUP);
    child.send('cpu-start');
    await nextMessage(child, 'cpuStarted');
    const result = await load(target, REQUESTS);
    child.send('cpu-stop');
    const cpuMicros = await nextMessage<number>(child, 'cpuMicros');
    const total = result.requests.total || REQUESTS;
    return {
      scenario,
      mode,
      requestsPerSecond: total / ((new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000),
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuMicrosPerRequest: cpuMicros / total,
      errors: result.errors + result.non2xx,
    };
  } finally {
    child.send('stop');
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  let sinkBytes = 0;
  const sink = await listen((request, response) => {
    request.on('data', (chunk: Buffer) => (sinkBytes += chunk.length));
    request.on('end', () => {
      response.setHeader('content-type', 'application/x-protobuf');
      response.end();
    });
  });
  const backend = await listen((_request, response) => response.end('stock: 12'));
  const rows: Row[] = [];
  try {
    for (const scenario of SCENARIOS) {
      // Rounds interleave the set-ups, so a slow minute on a shared machine hits each alike;
      // each figure is the median of its rounds.
      const runs = new Map<TracingMode, Row[]>(MODES.map((mode) => [mode, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of MODES) {
          const run = await measure(mode, scenario, url(sink), url(backend));
          runs.get(mode)?.push(run);
          process.stderr.write(
            `${scenario} ${LABELS[mode]} round ${round + 1}: ${Math.round(run.requestsPerSecond)} req/s, ${run.cpuMicrosPerRequest.toFixed(1)} µs CPU/req\n`,
          );
        }
      }
      for (const mode of MODES) {
        const all = runs.get(mode) as Row[];
        rows.push({
          scenario,
          mode,
          requestsPerSecond: median(all.map((run) => run.requestsPerSecond)),
          p50: median(all.map((run) => run.p50)),
          p99: median(all.map((run) => run.p99)),
          cpuMicrosPerRequest: median(all.map((run) => run.cpuMicrosPerRequest)),
          errors: all.reduce((sum, run) => sum + run.errors, 0),
        });
      }
    }
  } finally {
    sink.closeAllConnections();
    backend.closeAllConnections();
    sink.close();
    backend.close();
  }
  const lines = [
    `HTTP service on loopback, ${CONNECTIONS} connections, ${REQUESTS} requests per run after ${WARMUP} warm-up, median of ${ROUNDS} rounds, Node ${process.version}`,
    '',
    '| handler | tracing | req/s | p50 ms | p99 ms | CPU µs/req | added CPU µs/req | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const base = rows.find((other) => other.scenario === row.scenario && other.mode === 'none') as Row;
    const added = row.mode === 'none' ? '' : (row.cpuMicrosPerRequest - base.cpuMicrosPerRequest).toFixed(1);
    const handler = row.scenario === 'plain' ? 'plain answer' : 'one outgoing fetch';
    lines.push(
      `| ${handler} | ${LABELS[row.mode]} | ${Math.round(row.requestsPerSecond)} | ${row.p50} | ${row.p99} | ${row.cpuMicrosPerRequest.toFixed(1)} | ${added} | ${row.errors} |`,
    );
  }
  lines.push('');
  for (const scenario of SCENARIOS) {
    const of = (mode: TracingMode) => rows.find((row) => row.scenario === scenario && row.mode === mode) as Row;
    const traceAdded = of('trace').cpuMicrosPerRequest - of('none').cpuMicrosPerRequest;
    const otelAdded = of('otel').cpuMicrosPerRequest - of('none').cpuMicrosPerRequest;
    lines.push(`${scenario}: @trace adds ${(100 * (traceAdded / otelAdded)).toFixed(0)} % of the CPU OpenTelemetry adds (aim: ≤ 33 %)`);
  }
  lines.push(`(export sink received ${(sinkBytes / 1e6).toFixed(1)} MB)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
