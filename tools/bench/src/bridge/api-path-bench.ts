// The @opentelemetry/api calls the HTTP and Express instrumentations make for one request,
// replayed without sockets or Express, so that the bridge's own cost can be measured with less
// noise than bench:bridge: the same calls, in the same order, against the OpenTelemetry SDK
// (AsyncLocalStorage context manager, BatchSpanProcessor) and against @trace behind the bridge.
// Both sides export to an exporter that counts and drops, so encoding is left out; each side
// runs in its own child process (one set of AsyncLocalStorage instances each) and the two
// alternate round by round.
//
//   node dist/bridge/api-path-bench.js [--requests 20000] [--rounds 5] [--before <file>]
//
// --before names another build of the bridge entry (say, main's api-bridge.js compiled to
// CommonJS): it runs as a third side in every round, for a before/after ratio from the same run.
import { fork } from 'node:child_process';
import { EventEmitter, errorMonitor } from 'node:events';
import type { Context, ContextAPI, PropagationAPI, SpanOptions, TraceAPI, Tracer as OtelTracer } from '@opentelemetry/api';

type Side = 'otel-sdk' | 'trace-bridge' | 'trace-bridge-before';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const REQUESTS = option('requests', 20_000);
const ROUNDS = option('rounds', 5);
const beforeIndex = process.argv.indexOf('--before');
const BEFORE = beforeIndex === -1 ? undefined : process.argv[beforeIndex + 1];

interface Api {
  trace: TraceAPI;
  context: ContextAPI;
  propagation: PropagationAPI;
  ROOT_CONTEXT: Context;
  SpanKind: { SERVER: number };
  setRPCMetadata: (context: Context, meta: { type: string; span: unknown; route?: string }) => Context;
  getRPCMetadata: (context: Context) => { type: string; route?: string } | undefined;
}

const HEADERS = { host: '127.0.0.1:3000', 'user-agent': 'bench', accept: '*/*', connection: 'keep-alive' };
const LAYERS = ['query', 'expressInit', 'jsonParser', '/users/:id'];

// One request as the two instrumentations see it: the server span with its attributes, the
// request and response emitters bound to its context, one span per Express layer (each made
// active, with a bound `next` and a `finish` listener taken off again), then the response ending.
function oneRequest(api: Api, httpTracer: OtelTracer, expressTracer: OtelTracer, id: number): void {
  const request = new EventEmitter();
  const response = new EventEmitter();
  const context = api.propagation.extract(api.ROOT_CONTEXT, HEADERS);
  const spanOptions: SpanOptions = {
    kind: api.SpanKind.SERVER,
    attributes: {
      'http.url': `http://127.0.0.1:3000/users/${id}`,
      'http.host': '127.0.0.1:3000',
      'net.host.name': '127.0.0.1',
      'http.method': 'GET',
      'http.scheme': 'http',
      'http.target': `/users/${id}`,
      'http.user_agent': 'bench',
      'http.flavor': '1.1',
      'net.transport': 'ip_tcp',
      'net.host.ip': '127.0.0.1',
      'net.host.port': 3000,
      'net.peer.ip': '127.0.0.1',
      'net.peer.port': 50000 + (id % 1000),
    },
  };
  const span = httpTracer.startSpan('GET', spanOptions, context);
  const rpc: { type: string; span: unknown; route?: string } = { type: 'http', span };
  api.context.with(api.setRPCMetadata(api.trace.setSpan(context, span), rpc), () => {
    api.context.bind(api.context.active(), request);
    api.context.bind(api.context.active(), response);
    response.on('close', () => {
      span.setAttributes({ 'http.status_code': 200, 'http.status_text': 'OK', 'http.route': rpc.route ?? '' });
      span.setStatus({ code: 0 });
      span.end();
    });
    response.on(errorMonitor, () => undefined);
    let layer = 0;
    const next = (): void => {
      const name = LAYERS[layer++];
      if (name === undefined) return;
      const metadata = api.getRPCMetadata(api.context.active());
      if (metadata?.type === 'http') metadata.route = '/users/:id';
      if (api.trace.getSpan(api.context.active()) === undefined) {
        next();
        return;
      }
      const child = expressTracer.startSpan(`middleware - ${name}`, {
        attributes: { 'http.route': '/users/:id', 'express.name': name, 'express.type': layer === LAYERS.length ? 'request_handler' : 'middleware' },
      });
      const parent = api.context.active();
      const current = api.trace.setSpan(parent, child);
      let ended = false;
      const onFinish = (): void => {
        if (!ended) {
          ended = true;
          child.end();
        }
      };
      const callback = function (this: unknown): void {
        if (!ended) {
          ended = true;
          response.removeListener('finish', onFinish);
          child.end();
        }
        api.context.bind(parent, next).apply(this);
      };
      try {
        api.context.bind(current, callback).apply(undefined);
      } finally {
        if (!ended) response.once('finish', onFinish);
      }
    };
    next();
  });
  response.emit('finish');
  response.emit('close');
  request.emit('end');
}

async function runSide(side: Side): Promise<void> {
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { setRPCMetadata, getRPCMetadata } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  let flush: () => Promise<unknown>;
  if (side === 'otel-sdk') {
    const { createOtelSide } = require('../setup-otel.js') as typeof import('../setup-otel.js');
    const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    const otel = createOtelSide({ maxQueueSize: 16384, scheduledDelayMillis: 200 });
    api.trace.setGlobalTracerProvider(otel.provider);
    api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    flush = () => otel.provider.forceFlush();
  } else {
    const { Tracer } = require('@trace/core') as typeof import('@trace/core');
    const { CountingTraceExporter } = require('../setup-trace.js') as typeof import('../setup-trace.js');
    const entry = side === 'trace-bridge-before' && BEFORE !== undefined ? require('node:path').resolve(BEFORE) : '@trace/otel-adapter/api-bridge';
    const { registerOpenTelemetryApi } = require(entry) as typeof import('@trace/otel-adapter/api-bridge');
    const tracer = new Tracer({ serviceName: 'bench', exporters: [new CountingTraceExporter()], exportSettings: { maxQueueSize: 16384, flushInterval: 200 } });
    registerOpenTelemetryApi(tracer);
    flush = () => tracer.flush();
  }
  const apiView: Api = { ...api, setRPCMetadata: setRPCMetadata as Api['setRPCMetadata'], getRPCMetadata: getRPCMetadata as Api['getRPCMetadata'] };
  const httpTracer = api.trace.getTracer('@opentelemetry/instrumentation-http', '0.208.0');
  const expressTracer = api.trace.getTracer('@opentelemetry/instrumentation-express', '0.57.0');
  // A tracer the API could not reach (say, two incompatible @opentelemetry/api copies) hands out
  // no-op spans, which would time nothing: refuse to measure that.
  const probe = httpTracer.startSpan('probe');
  if (!probe.isRecording()) {
    console.error(`${side}: @opentelemetry/api ${api.trace.constructor.name} gives no-op spans; is the tracer registered with this copy of the API?`);
    process.exit(2);
  }
  probe.end();
  const batch = async (count: number): Promise<void> => {
    // Chunks of 500 with a turn of the event loop between, so the export queue drains as in a server.
    for (let done = 0; done < count; done += 500) {
      for (let i = 0; i < 500; i++) oneRequest(apiView, httpTracer, expressTracer, done + i);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flush();
  };
  await batch(Math.min(REQUESTS, 5000));
  const before = process.cpuUsage();
  await batch(REQUESTS);
  const used = process.cpuUsage(before);
  // The export pipeline's timer would keep the child alive: exit once the figure is sent.
  process.send?.({ micros: (used.user + used.system) / REQUESTS }, () => process.exit(0));
}

function measure(side: Side): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--side', side, '--requests', String(REQUESTS), ...(BEFORE === undefined ? [] : ['--before', BEFORE])], {
      stdio: 'inherit',
    });
    child.once('message', (message) => resolve((message as { micros: number }).micros));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${side} exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const sideIndex = process.argv.indexOf('--side');
  if (sideIndex !== -1) return runSide(process.argv[sideIndex + 1] as Side);
  const { loadavg } = require('node:os') as typeof import('node:os');
  console.log(
    `api-path bench: ${REQUESTS} requests x ${ROUNDS} rounds, Node ${process.version}, load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  const ratios: number[] = [];
  const beforeRatios: number[] = [];
  let fastestOtel = Number.POSITIVE_INFINITY;
  let fastestBridge = Number.POSITIVE_INFINITY;
  let fastestBefore = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const otel = await measure('otel-sdk');
    const bridge = await measure('trace-bridge');
    fastestOtel = Math.min(fastestOtel, otel);
    fastestBridge = Math.min(fastestBridge, bridge);
    ratios.push(bridge / otel);
    let line = `round ${round + 1}: OpenTelemetry SDK ${otel.toFixed(1)} µs/request, @trace bridge ${bridge.toFixed(1)} µs/request, ratio ${(bridge / otel).toFixed(2)}`;
    if (BEFORE !== undefined) {
      const before = await measure('trace-bridge-before');
      fastestBefore = Math.min(fastestBefore, before);
      beforeRatios.push(before / otel);
      line += `; bridge before ${before.toFixed(1)} µs/request, ratio ${(before / otel).toFixed(2)}`;
    }
    console.log(line);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  // On a loaded machine a round can only be slowed down, so the fastest rounds are the least disturbed.
  console.log(
    `@trace bridge / OpenTelemetry SDK: median of round ratios ${median(ratios).toFixed(2)}, fastest rounds ${fastestBridge.toFixed(1)} / ${fastestOtel.toFixed(1)} µs = ${(fastestBridge / fastestOtel).toFixed(2)}`,
  );
  if (BEFORE !== undefined) {
    console.log(
      `bridge before / OpenTelemetry SDK: median of round ratios ${median(beforeRatios).toFixed(2)}, fastest rounds ${fastestBefore.toFixed(1)} / ${fastestOtel.toFixed(1)} µs = ${(fastestBefore / fastestOtel).toFixed(2)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
