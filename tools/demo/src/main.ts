// `pnpm demo`: five traced services and a message broker on 127.0.0.1, five requests, and the
// traces as trees on the console, or sent to the backend the OTEL_EXPORTER_* variables name.
import { runDemo } from './run-demo.js';

async function main(): Promise<void> {
  process.stdout.write(
    'trace demo: api-gateway → order-service → inventory-service, order-service ⇢ orders.created ⇢ fulfillment-service → notification-service\n\n',
  );
  const result = await runDemo();
  process.stdout.write(`\nrequests answered: ${result.statuses.join(', ')}\n`);
  for (const outcome of result.outcomes) process.stdout.write(`  HTTP ${outcome.status}  trace ${outcome.traceId}\n`);
  const { published, delivered, failed, pending } = result.messages;
  process.stdout.write(`messages: ${published} published, ${delivered} processed, ${failed} failed, ${pending} still pending\n`);
  for (const { label, stats } of result.exports) {
    const lost = stats.droppedSpans + stats.failedSpans;
    process.stdout.write(
      `exporter ${label}: ${stats.exportedSpans} spans exported, ${lost} lost${lost > 0 && stats.lastError ? ` (${stats.lastError})` : ''}\n`,
    );
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
