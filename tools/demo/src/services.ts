// Three services as in seed §6 and example 1/2: api-gateway → order-service → inventory-service.
// Each is a real node:http server; context travels in the request headers. They share one tracer
// (as services in one process would share the global tracer) and name their service per span.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Span, Tracer } from '@trace/core';
import { type RunningServer, listen, readJson, sendJson, writeJson } from './http-json.js';

const STOCK: Record<string, number> = { 'sku-espresso': 12, 'sku-grinder': 3, 'sku-kettle': 0 };

/** Continues the caller's trace from the request headers, or starts one. */
function startServerSpan(tracer: Tracer, serviceName: string, incoming: IncomingMessage, operation: string): Span {
  const context = tracer.extractContextFromCarrier(incoming.headers);
  const span = context.ok
    ? tracer.startSpanFromContext(context.value, operation, { kind: 'server', serviceName })
    : tracer.startSpan(operation, serviceName, { kind: 'server', parent: null });
  span.setTag('http.method', incoming.method ?? 'GET').setTag('http.route', operation.split(' ')[1] ?? '/');
  return span;
}

/** Calls a downstream service inside a client span whose context goes out in the headers. */
async function callDownstream(tracer: Tracer, parent: Span, peer: string, url: string, method: string, body: unknown) {
  const span = tracer.startChildSpan(parent, `call ${peer}`, { kind: 'client', tags: { 'peer.service': peer, 'http.method': method } });
  const headers: Record<string, string> = {};
  tracer.injectContext(span, headers);
  try {
    const response = await sendJson(url, method, body, headers);
    span.setTag('http.status_code', response.status);
    if (response.status >= 400) span.setStatus('error', `${peer} answered ${response.status}`);
    return response;
  } catch (error) {
    span.recordException(error);
    throw error;
  } finally {
    span.end();
  }
}

/** The seed's example 2: a traced database call (simulated with a short wait). */
async function queryDatabase(tracer: Tracer, parent: Span, statement: string, rows: number): Promise<void> {
  const span = tracer.startChildSpan(parent, 'db.query', {
    kind: 'client',
    tags: { 'db.type': 'postgresql', 'db.name': 'inventory_db', 'db.statement': statement },
  });
  await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 3));
  span.setTag('db.rows_affected', rows).setStatus('ok');
  span.end();
}

function handle(
  tracer: Tracer,
  serviceName: string,
  operation: (incoming: IncomingMessage) => string,
  work: (span: Span, incoming: IncomingMessage) => Promise<[number, unknown]>,
) {
  return (incoming: IncomingMessage, response: ServerResponse) => {
    const span = startServerSpan(tracer, serviceName, incoming, operation(incoming));
    void tracer.runWithSpan(span, async () => {
      let status = 500;
      let body: unknown = { error: 'internal error' };
      try {
        [status, body] = await work(span, incoming);
      } catch (error) {
        span.recordException(error);
      }
      span.setTag('http.status_code', status);
      if (status >= 400 && span.status !== 'error') span.setStatus('error', (body as { error?: string }).error ?? `HTTP ${status}`);
      else if (status < 400) span.setStatus('ok');
      span.end();
      writeJson(response, status, body);
    });
  };
}

export interface DemoServices {
  gatewayUrl: string;
  close(): Promise<void>;
}

/** Starts the three services on 127.0.0.1. */
export async function startServices(tracer: Tracer): Promise<DemoServices> {
  const inventory = await listen(
    handle(
      tracer,
      'inventory-service',
      (incoming) => `GET ${incoming.url?.split('?')[0] ?? '/'}`,
      async (span, incoming) => {
        const sku = decodeURIComponent((incoming.url ?? '').split('/').pop() ?? '');
        span.setTag('inventory.sku', sku);
        await queryDatabase(tracer, span, 'SELECT quantity FROM stock WHERE sku = $1', 1);
        return [200, { sku, available: STOCK[sku] ?? 0 }];
      },
    ),
  );

  const orders = await listen(
    handle(
      tracer,
      'order-service',
      () => 'POST /orders',
      async (span, incoming) => {
        const order = (await readJson(incoming)) as { sku: string; quantity: number };
        const stock = await callDownstream(tracer, span, 'inventory-service', `${inventory.url}/inventory/${encodeURIComponent(order.sku)}`, 'GET', undefined);
        const available = (stock.body as { available: number }).available;
        if (available < order.quantity) return [409, { error: `only ${available} of ${order.sku} in stock` }];
        await queryDatabase(tracer, span, 'INSERT INTO orders (sku, quantity) VALUES ($1, $2)', 1);
        return [201, { orderId: `ord-${span.spanId.slice(0, 8)}`, sku: order.sku, quantity: order.quantity }];
      },
    ),
  );

  const gateway = await listen(
    handle(
      tracer,
      'api-gateway',
      () => 'POST /api/orders',
      async (span, incoming) => {
        const body = (await readJson(incoming)) as { sku?: unknown; quantity?: unknown } | undefined;
        const validate = tracer.startChildSpan(span, 'validate_request');
        const valid = typeof body?.sku === 'string' && typeof body.quantity === 'number' && body.quantity > 0;
        validate.setStatus(valid ? 'ok' : 'error', valid ? undefined : 'sku and a positive quantity are required');
        validate.end();
        if (!valid) return [400, { error: 'Invalid order request' }];
        const created = await callDownstream(tracer, span, 'order-service', `${orders.url}/orders`, 'POST', body);
        return [created.status, created.body];
      },
    ),
  );

  return {
    gatewayUrl: gateway.url,
    close: async () => {
      await Promise.all([gateway.close(), orders.close(), inventory.close()]);
    },
  };
}

/** The requests the demo sends: three good orders, one that fails validation, one out of stock. */
export const DEMO_REQUESTS: readonly unknown[] = [
  { sku: 'sku-espresso', quantity: 2 },
  { sku: 'sku-grinder', quantity: 1 },
  { sku: 'sku-espresso', quantity: 1 },
  { sku: 'sku-grinder' },
  { sku: 'sku-kettle', quantity: 1 },
];

/** Sends each demo request to the gateway in turn; returns the statuses. */
export async function sendDemoRequests(gatewayUrl: string): Promise<number[]> {
  const statuses: number[] = [];
  for (const body of DEMO_REQUESTS) statuses.push((await sendJson(`${gatewayUrl}/api/orders`, 'POST', body, {})).status);
  return statuses;
}
