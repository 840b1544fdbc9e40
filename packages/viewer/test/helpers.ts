// A small three-service trace made by a real tracer, and fetch helpers for the viewer's API.
import type { Span } from '@trace/core';
import { Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import type { TraceDetail, TraceSummary, ViewerSpan } from '@trace/viewer';

export interface SampleTrace {
  spans: Span[];
  traceId: string;
}

/**
 * gateway GET /orders (server)
 *   └ orders POST /reserve (client) ─→ inventory reserve (server, error, event "retry")
 *   └ gateway render (internal)
 */
export async function makeSampleTrace(): Promise<SampleTrace> {
  const memory = new InMemoryExporter();
  const tracer = new Tracer({ serviceName: 'gateway', exporters: [memory], exportSettings: { batchSize: 1, flushInterval: 1 } });
  const t0 = Date.now() - 1000;
  const root = tracer.startSpan('GET /orders', { kind: 'server', startTime: t0, tags: { 'http.method': 'GET', 'http.status_code': 200 } });
  const client = tracer.startSpan('POST /reserve', {
    parent: root,
    kind: 'client',
    serviceName: 'orders',
    startTime: t0 + 10,
    tags: { 'peer.service': 'inventory' },
  });
  const server = tracer.startSpan('reserve', {
    parent: client,
    kind: 'server',
    serviceName: 'inventory',
    startTime: t0 + 12,
    tags: { 'db.rows': 3, cached: false },
  });
  server.addEvent('retry', { attempt: 2 }, t0 + 20);
  server.setStatus('error', 'out of stock');
  server.end(t0 + 60);
  client.end(t0 + 62);
  const render = tracer.startSpan('render', { parent: root, kind: 'internal', startTime: t0 + 70, links: [client.context()] });
  render.end(t0 + 90);
  root.end(t0 + 100);
  const spans = await memory.waitForSpans(4);
  await tracer.shutdown();
  return { spans, traceId: root.traceId };
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

export async function waitForTrace(base: string, traceId: string, spanCount: number, timeoutMs = 5000): Promise<TraceDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getJson<TraceDetail>(`${base}api/traces/${traceId}`);
    if (status === 200 && body.spans.length >= spanCount) return body;
    if (Date.now() > deadline) throw new Error(`trace ${traceId} did not reach ${spanCount} spans (status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `service:name` of each span with its parent's, for comparing trees across formats. */
export function treeOf(spans: readonly ViewerSpan[]): string[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  return spans
    .map((span) => {
      const parent = span.parentId === undefined ? undefined : byId.get(span.parentId);
      return `${parent === undefined ? '-' : `${parent.service}:${parent.name}`} > ${span.service}:${span.name}`;
    })
    .sort();
}

export const SAMPLE_TREE = [
  '- > gateway:GET /orders',
  'gateway:GET /orders > gateway:render',
  'gateway:GET /orders > orders:POST /reserve',
  'orders:POST /reserve > inventory:reserve',
];

export type { TraceSummary };
