// `pnpm demo`: three traced services on 127.0.0.1, five requests, and the traces as trees.
import { ConsoleExporter } from '@trace/core';
import { runDemo } from './run-demo.js';

async function main(): Promise<void> {
  process.stdout.write('trace demo: api-gateway → order-service → inventory-service on 127.0.0.1\n\n');
  const { statuses, tracer } = await runDemo([new ConsoleExporter()]);
  process.stdout.write(`\nrequests answered: ${statuses.join(', ')}\n`);
  for (const stats of tracer.getExportStats()) {
    process.stdout.write(`${stats.exporter}: ${stats.exportedSpans} spans exported, ${stats.droppedSpans + stats.failedSpans} lost\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
