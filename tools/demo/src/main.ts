// `pnpm demo`: five traced services and a message broker on 127.0.0.1, the traces as trees on
// the console and in @trace/viewer's page; then a request every few seconds until Ctrl-C.
// `pnpm demo -- --once` prints and exits. With an OTEL_EXPORTER_*_ENDPOINT set, the traces go to
// that backend instead (no viewer), once.
import { createDemoConsoleExporter, selectBackends } from './demo-exporters.js';
import { createViewerOtlpExporter, startDemoViewer } from './demo-viewer.js';
import { type DemoResult, runDemo } from './run-demo.js';

const SERVE_INTERVAL_MS = 3000;

function write(text: string): void {
  process.stdout.write(text);
}

function report(result: DemoResult): void {
  write(`\nrequests answered: ${result.statuses.join(', ')}\n`);
  for (const outcome of result.outcomes) write(`  HTTP ${outcome.status}  trace ${outcome.traceId}\n`);
  const { published, delivered, failed, pending } = result.messages;
  write(`messages: ${published} published, ${delivered} processed, ${failed} failed, ${pending} still pending\n`);
  for (const { label, stats } of result.exports) {
    const lost = stats.droppedSpans + stats.failedSpans;
    write(`exporter ${label}: ${stats.exportedSpans} spans exported, ${lost} lost${lost > 0 && stats.lastError ? ` (${stats.lastError})` : ''}\n`);
  }
}

async function main(): Promise<void> {
  const once = process.argv.slice(2).includes('--once');
  write('trace demo: api-gateway → order-service → inventory-service, order-service ⇢ orders.created ⇢ fulfillment-service → notification-service\n\n');
  if (selectBackends(process.env)[0] !== 'console') {
    report(await runDemo());
    return;
  }

  const { viewer, portsWereBusy } = await startDemoViewer();
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const exporter = createViewerOtlpExporter(viewer);
    const result = await runDemo({
      exporters: [createDemoConsoleExporter(), exporter],
      exporterLabels: ['console', `otlp_http_protobuf → ${viewer.endpoints.otlp}`],
      ...(once
        ? {}
        : {
            serve: {
              intervalMs: SERVE_INTERVAL_MS,
              signal: controller.signal,
              onReady: (outcomes) => {
                write(`\ntrace viewer: ${viewer.url}${portsWereBusy ? '  (the usual ports were busy: free ones taken)' : ''}\n`);
                for (const outcome of outcomes) write(`  HTTP ${outcome.status}  ${viewer.url}#/trace/${outcome.traceId}\n`);
                write(`a new request every ${SERVE_INTERVAL_MS / 1000} s; Ctrl-C to stop\n`);
              },
              onRequest: (outcome) => write(`HTTP ${outcome.status}  ${viewer.url}#/trace/${outcome.traceId}\n`),
            },
          }),
    });
    report(result);
    if (result.servedRequests > 0) write(`requests sent while serving: ${result.servedRequests}\n`);
    write(`trace viewer: ${viewer.url}${once ? '  (stopped: --once)' : ''}\n`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await viewer.stop();
  }
}

main().then(
  () => {
    // the demo reports lost spans rather than failing: a backend being down is what it shows
    process.exitCode = 0;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
