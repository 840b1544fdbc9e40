import type { Span } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { SERVICE_NAMES, runDemo } from '../src/run-demo.js';

function byTrace(spans: Span[]): Map<string, Span[]> {
  const traces = new Map<string, Span[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

describe('the demo', () => {
  it('produces one whole trace per request, across the three services', async () => {
    const exporter = new InMemoryExporter();
    const { statuses, tracer } = await runDemo([exporter]);
    expect(statuses).toEqual([201, 201, 201, 400, 409]);
    const traces = byTrace(exporter.getFinishedSpans());
    expect(traces.size).toBe(5);

    const roots = [...traces.values()].map((spans) => spans.filter((span) => !span.hasParent));
    for (const rootList of roots) {
      expect(rootList).toHaveLength(1);
      expect(rootList[0]?.serviceName).toBe('api-gateway');
    }

    for (const spans of traces.values()) {
      const ids = new Set(spans.map((span) => span.spanId));
      for (const span of spans) {
        if (span.hasParent) expect(ids.has(span.parentSpanId)).toBe(true);
        // every server span below the gateway continues a client span of its caller
        if (span.kind === 'server' && span.hasParent) {
          const parent = spans.find((candidate) => candidate.spanId === span.parentSpanId);
          expect(parent?.kind).toBe('client');
          expect(parent?.getTag('peer.service')).toBe(span.serviceName);
          expect(span.parentIsRemote).toBe(true);
        }
      }
    }

    const complete = [...traces.values()].filter((spans) => spans.length === 8);
    expect(complete).toHaveLength(3);
    for (const spans of complete) expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(SERVICE_NAMES));

    const invalid = [...traces.values()].find((spans) => spans.some((span) => span.getTag('http.status_code') === 400));
    expect(invalid?.map((span) => span.operationName).sort()).toEqual(['POST /api/orders', 'validate_request']);
    expect(invalid?.every((span) => span.status === 'error')).toBe(true);

    const stats = tracer.getExportStats()[0];
    expect(stats).toMatchObject({ finishedSpans: 33, exportedSpans: 33, droppedSpans: 0, failedSpans: 0, queuedSpans: 0 });
  });
});
