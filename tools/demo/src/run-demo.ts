// The whole demo as one function: tracing from the environment, five services and a broker on
// 127.0.0.1, the demo requests, then a bounded drain of the queue and a bounded shutdown.
import type { ExportStats, FlushResult, SpanExporter, Tracer } from '@trace/core';
import { type Environment, startTracing } from '@trace/node';
import { createDemoConsoleExporter, describeExporter, selectBackends, zipkinFormat } from './demo-exporters.js';
import { type BrokerStats, type MessageBroker, startMessageBroker } from './message-broker.js';
import { sendJson } from './http-json.js';
import { DEMO_REQUESTS, type DemoRequestOutcome, sendDemoRequests, startServices } from './services.js';

export { SERVICE_NAMES } from './services.js';

export interface DemoOptions {
  /** Variables to configure tracing from. Default `process.env`. */
  env?: Environment;
  /** Use these exporters instead of choosing from the environment (tests). */
  exporters?: SpanExporter[];
  /** Where the console tree goes. Default stdout. */
  write?: (text: string) => void;
  /** Where configuration warnings go. Default `console.warn`. */
  warn?: (message: string) => void;
  /** Longest wait for the consumer to process every published message. Default 5000 ms. */
  drainTimeoutMs?: number;
  /** Longest wait for the final export at shutdown. Default 3000 ms. */
  shutdownDeadlineMs?: number;
  /** Labels of `exporters` for the report, in order. Default: described from the environment. */
  exporterLabels?: readonly string[];
  /** Keep the services up after the demo requests, sending one more request at an interval. */
  serve?: DemoServeOptions;
}

/** How {@link runDemo} keeps serving after its five requests (`pnpm demo` without `--once`). */
export interface DemoServeOptions {
  /** Pause between two requests, in ms. */
  intervalMs: number;
  /** Serving stops when this aborts (Ctrl-C). */
  signal: AbortSignal;
  /** Called once the five demo requests are answered and their traces exported and printed. */
  onReady?: (outcomes: readonly DemoRequestOutcome[]) => void;
  /** Called after each further request, once its trace was exported. */
  onRequest?: (outcome: DemoRequestOutcome) => void;
}

/** One exporter's outcome. */
export interface DemoExportReport {
  label: string;
  stats: ExportStats;
}

export interface DemoResult {
  /** Each demo request's HTTP status and trace id, in order. */
  outcomes: DemoRequestOutcome[];
  statuses: number[];
  /** Requests sent while serving, after the demo requests. */
  servedRequests: number;
  /** The broker's counts after the drain: `pending` 0 unless the drain timed out. */
  messages: BrokerStats;
  exports: DemoExportReport[];
  /** The final flush's result (an error when some spans could not be delivered in time). */
  shutdown: FlushResult;
  warnings: readonly string[];
  tracer: Tracer;
}

/**
 * Defaults that keep the demo short; a variable set by the user wins. Spans leave every 200 ms and
 * each export attempt gives up after 2 s, so a backend that is down costs seconds, not minutes.
 */
const DEMO_ENVIRONMENT: Environment = {
  OTEL_SERVICE_NAME: 'trace-demo',
  OTEL_BSP_SCHEDULE_DELAY: '200',
  OTEL_BSP_EXPORT_TIMEOUT: '2000',
};

/** Two quick retries at most: the demo ends by itself even when the backend is unreachable. */
const DEMO_RETRY = { maxRetries: 2, baseRetryDelay: 100, maxRetryDelay: 400, maxRetryAfter: 1000, jitter: 0.2 };

/** Runs the demo and reports what was answered, queued and exported. Never leaves a server open. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const env: Environment = { ...DEMO_ENVIRONMENT, ...(options.env ?? process.env) };
  const warnings: string[] = [];
  const warn = options.warn ?? ((message: string) => console.warn(`[trace demo] ${message}`));
  const collect = (message: string) => {
    warnings.push(message);
    warn(message);
  };
  // The console tree unless an OTEL_EXPORTER_*_ENDPOINT is set; then startTracing builds the
  // real exporters for those backends from the environment.
  const backends = selectBackends(env);
  const handle = startTracing({
    env,
    ...(options.exporters !== undefined || backends[0] === 'console'
      ? { exporters: options.exporters ?? [createDemoConsoleExporter(options.write)] }
      : { tracesExporter: backends, zipkin: { format: zipkinFormat(env, collect) } }),
    exportSettings: { retry: DEMO_RETRY },
    setGlobal: false,
    shutdownHooks: false,
    warn: collect,
  });
  const tracer = handle.tracer;

  const broker = await startMessageBroker();
  let outcomes: DemoRequestOutcome[] = [];
  let messages: BrokerStats;
  let servedRequests = 0;
  const drainTimeoutMs = options.drainTimeoutMs ?? 5000;
  try {
    const services = await startServices(tracer, broker);
    try {
      outcomes = await sendDemoRequests(services.gatewayUrl);
      messages = await broker.drain(drainTimeoutMs);
      if (options.serve !== undefined && !options.serve.signal.aborted) {
        // export (and print) the first traces now rather than at Ctrl-C
        await tracer.flush({ deadlineMs: 3000 });
        options.serve.onReady?.(outcomes);
        servedRequests = await serve(services.gatewayUrl, broker, tracer, options.serve, drainTimeoutMs);
        messages = await broker.drain(drainTimeoutMs);
      }
    } finally {
      await services.close();
    }
  } finally {
    await broker.close();
  }
  // Bounded: core's shutdown keeps the process alive only until its deadline.
  const shutdown = await handle.shutdown({ deadlineMs: options.shutdownDeadlineMs ?? 3000 });
  const stats = tracer.getExportStats();
  return {
    outcomes,
    statuses: outcomes.map((outcome) => outcome.status),
    servedRequests,
    messages,
    // the tracer keeps one pipeline per exporter, in the order they were given
    exports: handle.exporters.map((exporter, index) => ({
      label: options.exporterLabels?.[index] ?? describeExporter(exporter, env),
      stats: stats[index] as ExportStats,
    })),
    shutdown,
    warnings: [...handle.warnings, ...warnings.filter((message) => !handle.warnings.includes(message))],
    tracer,
  };
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * One demo request (cycling through the five kinds, errors included) every `intervalMs` until
 * the signal aborts; each trace is exported before the next request. Returns how many were sent.
 */
async function serve(gatewayUrl: string, broker: MessageBroker, tracer: Tracer, options: DemoServeOptions, drainTimeoutMs: number): Promise<number> {
  let sent = 0;
  while (!options.signal.aborted) {
    await pause(options.intervalMs, options.signal);
    if (options.signal.aborted) break;
    const body = DEMO_REQUESTS[sent % DEMO_REQUESTS.length];
    sent++;
    let outcome: DemoRequestOutcome;
    try {
      const response = await sendJson(`${gatewayUrl}/api/orders`, 'POST', body, {});
      outcome = { status: response.status, traceId: String(response.headers['x-trace-id'] ?? '') };
    } catch {
      continue;
    }
    await broker.drain(drainTimeoutMs);
    await tracer.flush({ deadlineMs: 3000 });
    options.onRequest?.(outcome);
  }
  return sent;
}
