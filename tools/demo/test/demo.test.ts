// The demo in-process: spans straight from the tracer, the console tree, a backend that is down.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Span } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { selectBackends, zipkinFormat } from '../src/demo-exporters';
import { SERVICE_NAMES, runDemo } from '../src/run-demo';

function byTrace(spans: Span[]): Map<string, Span[]> {
  const traces = new Map<string, Span[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

describe('the demo', () => {
  it('produces one whole trace per request, across five services and the message queue', async () => {
    const exporter = new InMemoryExporter();
    const result = await runDemo({ env: {}, exporters: [exporter] });
    expect(result.statuses).toEqual([201, 201, 201, 400, 409]);
    expect(result.messages).toEqual({ published: 3, delivered: 3, failed: 0, pending: 0 });
    const traces = byTrace(exporter.getFinishedSpans());
    expect([...traces.keys()].sort()).toEqual(result.outcomes.map((outcome) => outcome.traceId).sort());

    for (const spans of traces.values()) {
      const roots = spans.filter((span) => !span.hasParent);
      expect(roots.map((root) => root.serviceName)).toEqual(['api-gateway']);
      for (const span of spans) {
        if (!span.hasParent) continue;
        const parent = spans.find((candidate) => candidate.spanId === span.parentSpanId);
        expect(parent).toBeDefined();
        if (span.kind === 'server') {
          expect(parent?.kind).toBe('client');
          expect(parent?.getTag('peer.service')).toBe(span.serviceName);
          expect(span.parentIsRemote).toBe(true);
        }
        if (span.kind === 'consumer') {
          expect(parent?.kind).toBe('producer');
          expect(span.parentIsRemote).toBe(true);
          expect(span.getTag('messaging.operation')).toBe('process');
          expect(parent?.getTag('messaging.destination')).toBe('orders.created');
          expect(parent?.getTag('messaging.system')).toBe(span.getTag('messaging.system'));
        }
      }
    }

    const complete = [...traces.values()].filter((spans) => spans.length === 13);
    expect(complete).toHaveLength(3);
    for (const spans of complete) expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(SERVICE_NAMES));

    const invalid = [...traces.values()].find((spans) => spans.some((span) => span.getTag('http.status_code') === 400));
    expect(invalid?.map((span) => span.operationName).sort()).toEqual(['POST /api/orders', 'validate_request']);
    expect(invalid?.every((span) => span.status === 'error')).toBe(true);

    expect(result.exports[0]?.stats).toMatchObject({ finishedSpans: 48, exportedSpans: 48, droppedSpans: 0, failedSpans: 0, queuedSpans: 0 });
  });

  it('prints every trace whole as a console tree by default', async () => {
    let output = '';
    const result = await runDemo({ env: {}, write: (text) => (output += text) });
    expect(result.exports.map((entry) => entry.label)).toEqual(['console']);
    expect(result.exports[0]?.stats).toMatchObject({ exportedSpans: 48, droppedSpans: 0, failedSpans: 0 });
    const headers = output.split('\n').filter((line) => line.startsWith('trace '));
    expect(headers.map((line) => line.split(' ')[1]).sort()).toEqual(result.outcomes.map((outcome) => outcome.traceId).sort());
    expect(headers.filter((line) => line.includes('13 span(s), 5 service(s)'))).toHaveLength(3);
    // the consumer's subtree hangs under the producer, not in a separate fragment
    expect(output).toMatch(/publish orders\.created[^\n]*\n[ │]*└─ fulfillment-service {2}process orders\.created/);
  });

  it('ends by itself and counts the spans as lost when the backend refuses connections', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();
    const result = await runDemo({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, warn: () => {} });
    // Far below the 30 s an export waiting on a dead backend would hold the process for.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.statuses).toEqual([201, 201, 201, 400, 409]);
    const stats = result.exports[0]?.stats;
    expect(stats?.exportedSpans).toBe(0);
    expect((stats?.droppedSpans ?? 0) + (stats?.failedSpans ?? 0)).toBe(48);
    expect(stats?.lastError).toContain('ECONNREFUSED');
  });

  it('ends within its deadlines when the backend accepts connections but never answers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    try {
      const result = await runDemo({
        env: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_EXPORT_TIMEOUT: '300' },
        shutdownDeadlineMs: 1000,
        warn: () => {},
      });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(result.exports[0]?.stats.exportedSpans).toBe(0);
      expect(result.shutdown.ok).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('choosing exporters from the environment', () => {
  it('uses the console without endpoints and every backend whose endpoint is set', () => {
    expect(selectBackends({})).toEqual(['console']);
    expect(selectBackends({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toEqual(['console']);
    expect(selectBackends({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toEqual(['otlp']);
    expect(
      selectBackends({
        OTEL_EXPORTER_JAEGER_ENDPOINT: 'http://j:14268',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://z:9411',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      }),
    ).toEqual(['otlp', 'zipkin', 'jaeger']);
  });

  it('reads TRACE_DEMO_ZIPKIN_FORMAT, warning once about a bad value', () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    expect(zipkinFormat({}, warn)).toBe('zipkin_json');
    expect(zipkinFormat({ TRACE_DEMO_ZIPKIN_FORMAT: 'PROTOBUF' }, warn)).toBe('zipkin_protobuf');
    expect(warnings).toEqual([]);
    expect(zipkinFormat({ TRACE_DEMO_ZIPKIN_FORMAT: 'thrift' }, warn)).toBe('zipkin_json');
    expect(warnings).toEqual(['TRACE_DEMO_ZIPKIN_FORMAT="thrift" is not json or protobuf; using json']);
  });

  it('warns and keeps going when an endpoint is unusable', async () => {
    const warnings: string[] = [];
    const result = await runDemo({ env: { OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'ftp://nowhere' }, warn: (message) => warnings.push(message) });
    expect(result.statuses).toEqual([201, 201, 201, 400, 409]);
    expect(result.exports).toEqual([]);
    expect(warnings.join('\n')).toContain('zipkin_json exporter not started');
  });
});
