// The OpenTelemetry HTTP and Express instrumentations on one loopback Express server, measured
// three ways in one run: no tracing, the OpenTelemetry SDK, and @trace behind the API bridge.
// Reports requests/s, p50/p99 latency and the server's CPU per request (flush included), and the
// added CPU of each traced mode over the untraced one.
//
//   pnpm --filter @trace-tools/bench bench:bridge [-- --requests 20000 --connections 16 --rounds 2]
//   ... bench:bridge -- --profile <dir>   writes one V8 CPU profile per server run into <dir>
//   ... bench:bridge -- --modes none,trace-bridge   only these modes (the ratio needs all three);
//       api-noop, run only when named, registers the instrumentations with no tracer: the floor
//       they cost over @opentelemetry/api's no-op spans, whatever records them
//   ... bench:bridge -- --before <file>   adds trace-bridge-before: the same server with that other
//       build of the bridge entry (say, main's api-bridge.ts compiled to CommonJS)
//   ... bench:bridge -- --unsampled   both tracers sample nothing (OTEL_TRACES_SAMPLER=always_off, which
//       the app maps to @trace's alwaysOff): the floor of instrumentation and context work under any recorder
import { type ChildProcess, fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import * as path from 'node:path';

type Mode = 'none' | 'otel-sdk' | 'trace-bridge' | 'trace-bridge-before' | 'api-noop';
const MODES: Mode[] = ['none', 'otel-sdk', 'trace-bridge'];
/** Run only when --modes names it: the instrumentations over @opentelemetry/api's no-op tracer. */
const EXTRA_MODES: Mode[] = ['api-noop'];
const KNOWN_MODES: string[] = [...MODES, ...EXTRA_MODES];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const REQUESTS = option('requests', 20_000);
const WARMUP = option('warmup', 3_000);
const CONNECTIONS = option('connections', 16);
const ROUNDS = option('rounds', 2);

function textOption(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}
const PROFILE_DIR = textOption('profile');
const UNSAMPLED = process.argv.includes('--unsampled');
const BEFORE = textOption('before');
const MODES_RUN: Mode[] = [
  ...(textOption('modes')?.split(',') ?? MODES).filter((mode): mode is Mode => KNOWN_MODES.includes(mode)),
  ...(BEFORE === undefined ? [] : (['trace-bridge-before'] as Mode[])),
];

interface Sink {
  url: string;
  bytes: number;
  requests: number;
  close(): void;
}

async function startSink(): Promise<Sink> {
  const sink = { url: '', bytes: 0, requests: 0, close: () => server.close() };
  const server = createServer((incoming, response) => {
    incoming.on('data', (chunk: Buffer) => {
      sink.bytes += chunk.length;
    });
    incoming.on('end', () => {
      sink.requests++;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

async function startApp(mode: Mode, sinkUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const before = mode === 'trace-bridge-before' && BEFORE !== undefined;
  const child = fork(path.join(__dirname, '../../apps/express-traced.cjs'), [], {
    env: {
      ...process.env,
      BENCH_MODE: before ? 'trace-bridge' : mode,
      SINK_URL: sinkUrl,
      BRIDGE_BEFORE: before ? path.resolve(BEFORE) : '',
      ...(UNSAMPLED ? { OTEL_TRACES_SAMPLER: 'always_off' } : {}),
    },
    // A profile covers the whole server run; its name starts with the mode for the summary script.
    execArgv: [
      ...(PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`, `--cpu-prof-name=${mode}-${Date.now()}.cpuprofile`]),
      ...(before ? ['--require', path.join(__dirname, 'redirect-bridge.js')] : []),
    ],
    stdio: 'inherit',
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { port: number }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code} before listening`)));
  });
  return { child, port };
}

/** Sends `total` GETs over `connections` keep-alive connections; returns each latency in µs and the wall time. */
async function load(port: number, total: number, connections: number): Promise<{ latencies: number[]; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let next = 0;
  const one = (id: number) =>
    new Promise<void>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const outgoing = request({ host: '127.0.0.1', port, path: `/users/${id}`, agent }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
          latencies.push(Number(process.hrtime.bigint() - started) / 1000);
          resolve();
        });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { latencies, seconds };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

interface Row {
  mode: Mode;
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  sinkBytes: number;
  lost: number;
}

async function measure(mode: Mode): Promise<Row> {
  const sink = await startSink();
  const app = await startApp(mode, sink.url);
  try {
    await load(app.port, WARMUP, CONNECTIONS);
    await ask(app.child, 'flush');
    const bytesBefore = sink.bytes;
    const before = await ask<{ cpu: NodeJS.CpuUsage }>(app.child, 'cpu');
    const { latencies, seconds } = await load(app.port, REQUESTS, CONNECTIONS);
    const after = await ask<{ cpu: NodeJS.CpuUsage; lost: number }>(app.child, 'flush');
    latencies.sort((a, b) => a - b);
    const cpu = after.cpu.user - before.cpu.user + (after.cpu.system - before.cpu.system);
    return {
      mode,
      rps: REQUESTS / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuPerRequest: cpu / REQUESTS,
      sinkBytes: sink.bytes - bytesBefore,
      lost: after.lost,
    };
  } finally {
    // The server flushes and exits: wait for the exit, not for a reply.
    const exited = new Promise((resolve) => app.child.once('exit', resolve));
    app.child.send('exit');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    app.child.kill();
    sink.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const versions = {
    node: process.version,
    sdk: require('@opentelemetry/sdk-trace-base/package.json').version as string,
    http: require('@opentelemetry/instrumentation-http/package.json').version as string,
    express: require('@opentelemetry/instrumentation-express/package.json').version as string,
  };
  console.log(
    `bridge bench${UNSAMPLED ? ' (unsampled: no span recorded or exported)' : ''}: ${REQUESTS} requests x ${ROUNDS} rounds, ${CONNECTIONS} connections, load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(
        ' ',
      )}, Node ${versions.node}, OpenTelemetry SDK ${versions.sdk}, instrumentation-http ${versions.http}, instrumentation-express ${versions.express}`,
  );
  const rows = new Map<Mode, Row[]>(MODES_RUN.map((mode) => [mode, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES_RUN) rows.get(mode)?.push(await measure(mode));
    // Each round's own ratio too: on a shared machine one disturbed run shows up here, not only in the medians.
    const cpu = (mode: Mode) => rows.get(mode)?.[round]?.cpuPerRequest ?? Number.NaN;
    if (MODES.every((mode) => MODES_RUN.includes(mode))) {
      const ratio = (cpu('trace-bridge') - cpu('none')) / (cpu('otel-sdk') - cpu('none'));
      const before =
        BEFORE === undefined
          ? ''
          : `, trace-bridge-before ${cpu('trace-bridge-before').toFixed(1)} (ratio ${((cpu('trace-bridge-before') - cpu('none')) / (cpu('otel-sdk') - cpu('none'))).toFixed(2)})`;
      console.log(
        `round ${round + 1}: CPU µs/request none ${cpu('none').toFixed(1)}, otel-sdk ${cpu('otel-sdk').toFixed(1)}, trace-bridge ${cpu('trace-bridge').toFixed(1)}; added-CPU ratio ${ratio.toFixed(2)}${before}; load average ${loadavg()[0]?.toFixed(2)}`,
      );
    }
  }
  const summary = MODES_RUN.map((mode) => {
    const list = rows.get(mode) ?? [];
    return {
      mode,
      rps: median(list.map((row) => row.rps)),
      p50: median(list.map((row) => row.p50)),
      p99: median(list.map((row) => row.p99)),
      cpu: median(list.map((row) => row.cpuPerRequest)),
      kbPerRequest: median(list.map((row) => row.sinkBytes / REQUESTS / 1024)),
      lost: Math.max(...list.map((row) => row.lost)),
    };
  });
  const base = summary[0]?.mode === 'none' ? summary[0].cpu : 0;
  console.log('| mode | requests/s | p50 µs | p99 µs | CPU µs/request | added CPU µs/request | KiB sent/request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of summary) {
    console.log(
      `| ${row.mode} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(0)} | ${row.p99.toFixed(0)} | ${row.cpu.toFixed(1)} | ${(row.cpu - base).toFixed(1)} | ${row.kbPerRequest.toFixed(2)} |`,
    );
  }
  if (!MODES.every((mode) => MODES_RUN.includes(mode))) return;
  const otelAdded = (summary[1]?.cpu ?? 0) - base;
  const traceAdded = (summary[2]?.cpu ?? 0) - base;
  if (BEFORE !== undefined) console.log(`added CPU, @trace bridge before / OpenTelemetry SDK: ${(((summary[3]?.cpu ?? 0) - base) / otelAdded).toFixed(2)}`);
  console.log(
    `added CPU, @trace bridge / OpenTelemetry SDK: ${(traceAdded / otelAdded).toFixed(2)} (${UNSAMPLED ? 'both unsampled' : 'aim <= 0.50'}); @trace lost ${summary[2]?.lost ?? 0} spans (dropped or failed to export)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
