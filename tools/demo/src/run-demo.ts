// The whole demo as one function: tracing from the environment, five services and a broker on
// 127.0.0.1, the demo requests, then a bounded drain of the queue and a bounded shutdown.
import type { ExportStats, FlushResult, SpanExporter, Tracer } from '@trace/core';
import { type Environment, startTracing } from '@trace/node';
import { createDemoConsoleExporter, describeExporter, selectBackends, zipkinFormat } from './demo-exporters.js';
import { type BrokerStats, startMessageBroker } from './message-broker.js';
import { type DemoRequestOutcome, sendDemoRequests, startServices } from './services.js';

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
  try {
    const services = await startServices(tracer, broker);
    try {
      outcomes = await sendDemoRequests(services.gatewayUrl);
      messages = await broker.drain(options.drainTimeoutMs ?? 5000);
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
    messages,
    // the tracer keeps one pipeline per exporter, in the order they were given
    exports: handle.exporters.map((exporter, index) => ({ label: describeExporter(exporter, env), stats: stats[index] as ExportStats })),
    shutdown,
    warnings: [...handle.warnings, ...warnings.filter((message) => !handle.warnings.includes(message))],
    tracer,
  };
}
