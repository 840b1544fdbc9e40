// The five services of the seed's production examples 1, 2 and 4, each a real node:http server on
// 127.0.0.1: api-gateway → order-service → inventory-service over HTTP, order-service →
// fulfillment-service through the message broker (context in the message headers),
// fulfillment-service → notification-service over HTTP. Their HTTP server and client spans come
// from `@trace/instrumentation-http`, as in a real app; the database calls and the queue keep
// their hand-written spans. They share one tracer, as services in one process share the global
// tracer, and name their service on their spans.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Span, type Tracer, getCurrentSpan } from '@trace/core';
import { instrumentHttp, setHttpRoute } from '@trace/instrumentation-http';
import { type RunningServer, listen, readJson, sendJson, writeJson } from './http-json.js';
import type { Delivery, MessageBroker } from './message-broker.js';

/** The services every successful order's trace passes through. */
export const SERVICE_NAMES = ['api-gateway', 'order-service', 'inventory-service', 'fulfillment-service', 'notification-service'] as const;

/** The topic order-service publishes to and fulfillment-service consumes. */
export const ORDERS_TOPIC = 'orders.created';
const MESSAGING_SYSTEM = 'trace-demo-broker';

const STOCK: Record<string, number> = { 'sku-espresso': 12, 'sku-grinder': 3, 'sku-kettle': 0 };

/** A JSON answer from a downstream service. */
interface JsonAnswer {
  status: number;
  body: unknown;
}

/** Longest a call between services may take; a hung peer must not hang the demo. */
const CALL_TIMEOUT_MS = 5000;

/**
 * Calls a downstream service with `fetch`. The client span, and the trace context in the request
 * headers, come from the instrumentation.
 */
async function callDownstream(url: string, method: string, body: unknown): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

/** The seed's example 2: a traced database call (simulated with a short wait). */
async function queryDatabase(tracer: Tracer, parent: Span, database: string, statement: string, rows: number): Promise<void> {
  const span = tracer.startChildSpan(parent, 'db.query', {
    kind: 'client',
    tags: { 'db.type': 'postgresql', 'db.name': database, 'db.statement': statement },
  });
  await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 3));
  span.setTag('db.rows_affected', rows).setStatus('ok');
  span.end();
}

/** The seed's example 4, producer side: context goes into the MESSAGE headers. */
async function publish(tracer: Tracer, parent: Span, brokerUrl: string, topic: string, body: unknown): Promise<void> {
  const span = tracer.startChildSpan(parent, `publish ${topic}`, {
    kind: 'producer',
    tags: { 'messaging.system': MESSAGING_SYSTEM, 'messaging.destination': topic, 'messaging.operation': 'publish' },
  });
  const headers: Record<string, string> = {};
  tracer.injectContext(span, headers);
  try {
    const ack = await sendJson(`${brokerUrl}/topics/${topic}`, 'POST', { headers, body }, {});
    if (ack.status !== 202) throw new Error(`broker refused the message: HTTP ${ack.status}`);
    span.setTag('messaging.message_id', (ack.body as { messageId: string }).messageId).setStatus('ok');
  } catch (error) {
    span.recordException(error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Runs `work` in the request's server span (started by the instrumentation, current in the
 * handler) and answers with what it returns (500 when it throws). The route names the span.
 */
function handle(serviceName: string, route: string, work: (span: Span, incoming: IncomingMessage) => Promise<[number, unknown]>) {
  return (incoming: IncomingMessage, response: ServerResponse) => {
    const span = getCurrentSpan();
    if (span === undefined) return writeJson(response, 500, { error: 'not traced' });
    // One process plays five services: the server span (and the spans it parents) carries the
    // service's name.
    span.serviceName = serviceName;
    setHttpRoute(route);
    void (async () => {
      let status = 500;
      let body: unknown = { error: 'internal error' };
      try {
        [status, body] = await work(span, incoming);
      } catch (error) {
        span.recordException(error);
      }
      // The demo's own tag, older than the semantic conventions' http.response.status_code.
      span.setTag('http.status_code', status);
      // The instrumentation marks 5xx; the demo also counts a refused order as a failed trace.
      if (status >= 400 && span.status !== 'error') span.setStatus('error', (body as { error?: string }).error ?? `HTTP ${status}`);
      else if (status < 400) span.setStatus('ok');
      // lets a caller (and the demo's output) find the trace in a backend
      writeJson(response, status, body, { 'x-trace-id': span.traceId });
    })();
  };
}

/**
 * The seed's example 4, consumer side: the span continues the context extracted from the
 * message headers (the broker's own HTTP push carries none), or starts a new trace.
 */
function consume(tracer: Tracer, serviceName: string, work: (span: Span, delivery: Delivery) => Promise<void>) {
  return (incoming: IncomingMessage, response: ServerResponse) => {
    void readJson(incoming).then(async (value) => {
      const delivery = value as Delivery | undefined;
      if (delivery === undefined || typeof delivery.topic !== 'string' || delivery.headers === null || typeof delivery.headers !== 'object') {
        return writeJson(response, 400, { error: 'not a delivery' });
      }
      const operation = `process ${delivery.topic}`;
      const context = tracer.extractContextFromCarrier(delivery.headers);
      const span = context.ok
        ? tracer.startSpanFromContext(context.value, operation, { kind: 'consumer', serviceName })
        : tracer.startSpan(operation, { serviceName, kind: 'consumer', parent: null });
      span
        .setTag('messaging.system', MESSAGING_SYSTEM)
        .setTag('messaging.destination', delivery.topic)
        .setTag('messaging.operation', 'process')
        .setTag('messaging.message_id', String(delivery.messageId));
      let status = 200;
      await tracer.runWithSpan(span, async () => {
        try {
          await work(span, delivery);
          span.setStatus('ok');
        } catch (error) {
          span.recordException(error);
          status = 500;
        }
      });
      span.end();
      writeJson(response, status, status === 200 ? { processed: delivery.messageId } : { error: span.statusMessage });
    });
  };
}

export interface DemoServices {
  gatewayUrl: string;
  close(): Promise<void>;
}

/** Starts the five services on 127.0.0.1; order-service publishes to `broker`, fulfillment-service subscribes. */
export async function startServices(tracer: Tracer, broker: MessageBroker): Promise<DemoServices> {
  const brokerPort = Number(new URL(broker.url).port);
  // Which service calls which, by the callee's port: one process plays them all, so a client
  // span is given its caller's service name and the callee as `peer.service`.
  const peers = new Map<number, { caller: string; peer: string }>();
  // The HTTP services' ports. Other servers in this process (the broker, a test's receiver) are
  // not the demo's services; fulfillment-service is fed through the broker, whose pushes to
  // /deliveries carry no trace context: its consumer span continues the message's instead.
  const servicePorts = new Set<number>();
  const instrumentation = instrumentHttp(tracer, {
    ignoreIncoming: (request) => request.port === undefined || !servicePorts.has(request.port),
    // Requests made outside any service's work (the demo's own client, the broker's pushes) and
    // the publish call (already a producer span) are not traced.
    ignoreOutgoing: (request) => request.port === brokerPort || getCurrentSpan() === undefined,
    addTags: (span, info) => {
      const link = info.kind === 'client' && info.port !== undefined ? peers.get(info.port) : undefined;
      if (link === undefined) return;
      span.serviceName = link.caller;
      span.setTag('peer.service', link.peer);
    },
  });
  const started: RunningServer[] = [];
  const start = async (handler: Parameters<typeof listen>[0], caller?: string, peer?: string, traced = true) => {
    const server = await listen(handler);
    started.push(server);
    const port = Number(new URL(server.url).port);
    if (traced) servicePorts.add(port);
    if (caller !== undefined && peer !== undefined) peers.set(port, { caller, peer });
    return server;
  };

  const notification = await start(
    handle('notification-service', '/notifications', async (span, incoming) => {
      const message = (await readJson(incoming)) as { orderId?: string } | undefined;
      span.setTag('notification.channel', 'email');
      return [202, { queued: `order ${message?.orderId ?? '?'} confirmation` }];
    }),
    'fulfillment-service',
    'notification-service',
  );

  const fulfillment = await start(
    consume(tracer, 'fulfillment-service', async (span, delivery) => {
      const order = delivery.body as { orderId: string; sku: string; quantity: number };
      await queryDatabase(tracer, span, 'fulfillment_db', 'INSERT INTO shipments (order_id, sku, quantity) VALUES ($1, $2, $3)', 1);
      const notified = await callDownstream(`${notification.url}/notifications`, 'POST', { orderId: order.orderId });
      if (notified.status >= 400) throw new Error(`notification-service answered ${notified.status}`);
    }),
    undefined,
    undefined,
    false,
  );
  broker.subscribe(ORDERS_TOPIC, `${fulfillment.url}/deliveries`);

  const inventory = await start(
    handle('inventory-service', '/inventory/:sku', async (span, incoming) => {
      const sku = decodeURIComponent((incoming.url ?? '').split('?')[0]?.split('/').pop() ?? '');
      span.setTag('inventory.sku', sku);
      await queryDatabase(tracer, span, 'inventory_db', 'SELECT quantity FROM stock WHERE sku = $1', 1);
      return [200, { sku, available: STOCK[sku] ?? 0 }];
    }),
    'order-service',
    'inventory-service',
  );

  const orders = await start(
    handle('order-service', '/orders', async (span, incoming) => {
      const order = (await readJson(incoming)) as { sku: string; quantity: number };
      const stock = await callDownstream(`${inventory.url}/inventory/${encodeURIComponent(order.sku)}`, 'GET', undefined);
      const available = (stock.body as { available: number }).available;
      if (available < order.quantity) return [409, { error: `only ${available} of ${order.sku} in stock` }];
      await queryDatabase(tracer, span, 'orders_db', 'INSERT INTO orders (sku, quantity) VALUES ($1, $2)', 1);
      const created = { orderId: `ord-${span.spanId.slice(0, 8)}`, sku: order.sku, quantity: order.quantity };
      await publish(tracer, span, broker.url, ORDERS_TOPIC, created);
      return [201, created];
    }),
    'api-gateway',
    'order-service',
  );

  const gateway = await start(
    handle('api-gateway', '/api/orders', async (span, incoming) => {
      const body = (await readJson(incoming)) as { sku?: unknown; quantity?: unknown } | undefined;
      const validate = tracer.startChildSpan(span, 'validate_request');
      const valid = typeof body?.sku === 'string' && typeof body.quantity === 'number' && body.quantity > 0;
      validate.setStatus(valid ? 'ok' : 'error', valid ? undefined : 'sku and a positive quantity are required');
      validate.end();
      if (!valid) return [400, { error: 'Invalid order request' }];
      const created = await callDownstream(`${orders.url}/orders`, 'POST', body);
      return [created.status, created.body];
    }),
  );

  return {
    gatewayUrl: gateway.url,
    close: async () => {
      await Promise.all(started.map((server) => server.close()));
      instrumentation.disable();
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

/** One answered demo request. */
export interface DemoRequestOutcome {
  status: number;
  traceId: string;
}

/** Sends each demo request to the gateway in turn. */
export async function sendDemoRequests(gatewayUrl: string): Promise<DemoRequestOutcome[]> {
  const outcomes: DemoRequestOutcome[] = [];
  for (const body of DEMO_REQUESTS) {
    const response = await sendJson(`${gatewayUrl}/api/orders`, 'POST', body, {});
    outcomes.push({ status: response.status, traceId: String(response.headers['x-trace-id'] ?? '') });
  }
  return outcomes;
}
