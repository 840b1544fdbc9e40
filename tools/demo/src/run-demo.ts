import { type SpanExporter, Tracer } from '@trace/core';
import { sendDemoRequests, startServices } from './services.js';

/** The services every demo trace passes through. */
export const SERVICE_NAMES = ['api-gateway', 'order-service', 'inventory-service'] as const;

/** Runs the services, sends the demo requests, then shuts the tracer down (which flushes). */
export async function runDemo(exporters: SpanExporter[]): Promise<{ statuses: number[]; tracer: Tracer }> {
  const tracer = new Tracer({ serviceName: 'demo', exporters, exportSettings: { flushInterval: 200 } });
  const services = await startServices(tracer);
  try {
    const statuses = await sendDemoRequests(services.gatewayUrl);
    return { statuses, tracer };
  } finally {
    await services.close();
    await tracer.shutdown({ deadlineMs: 5000 });
  }
}
