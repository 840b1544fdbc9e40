// The demo with @trace/viewer: its traces arrive whole through a real OTLP exporter, it keeps
// serving until told to stop, and `node dist/main.js --once` prints the page's address and exits.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startViewer } from '@trace/viewer';
import { createViewerOtlpExporter } from '../src/demo-viewer';
import { runDemo } from '../src/run-demo';

describe('the demo and the viewer', () => {
  it('sends every trace whole to the viewer through the OTLP exporter', async () => {
    const viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: false, jaegerPort: false });
    try {
      const result = await runDemo({ env: {}, exporters: [createViewerOtlpExporter(viewer)], exporterLabels: ['viewer'], warn: () => {} });
      expect(result.exports).toEqual([{ label: 'viewer', stats: expect.objectContaining({ exportedSpans: 48, failedSpans: 0, droppedSpans: 0 }) }]);
      const list = (await (await fetch(`${viewer.url}api/traces`)).json()) as {
        traces: { traceId: string; spanCount: number; rootService: string; errorCount: number }[];
      };
      expect(list.traces.map((trace) => trace.traceId).sort()).toEqual(result.outcomes.map((outcome) => outcome.traceId).sort());
      expect(list.traces.filter((trace) => trace.spanCount === 13)).toHaveLength(3);
      expect(new Set(list.traces.map((trace) => trace.rootService))).toEqual(new Set(['api-gateway']));
      expect(list.traces.filter((trace) => trace.errorCount > 0)).toHaveLength(2);
      const dependencies = (await (await fetch(`${viewer.url}api/dependencies`)).json()) as { edges: { parent: string; child: string; callCount: number }[] };
      const edges = dependencies.edges.map((edge) => `${edge.parent}→${edge.child}`).sort();
      expect(edges).toEqual([
        'api-gateway→order-service',
        'fulfillment-service→notification-service',
        'order-service→fulfillment-service',
        'order-service→inventory-service',
      ]);
    } finally {
      await viewer.stop();
    }
  });

  it('keeps sending a request at each interval until the signal aborts', async () => {
    const viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: false, jaegerPort: false });
    try {
      const controller = new AbortController();
      const served: number[] = [];
      let ready = 0;
      const result = await runDemo({
        env: {},
        exporters: [createViewerOtlpExporter(viewer)],
        warn: () => {},
        serve: {
          intervalMs: 20,
          signal: controller.signal,
          onReady: (outcomes) => {
            ready = outcomes.length;
          },
          onRequest: (outcome) => {
            served.push(outcome.status);
            if (served.length === 3) controller.abort();
          },
        },
      });
      expect(ready).toBe(5);
      expect(result.servedRequests).toBe(3);
      // the served requests cycle through the demo's kinds: three orders that succeed first
      expect(served).toEqual([201, 201, 201]);
      expect(viewer.store.stats().traces).toBe(8);
    } finally {
      await viewer.stop();
    }
  });

  it('`node dist/main.js --once` prints the trees, the exporters and the page address, then exits 0', async () => {
    const main = path.join(__dirname, '..', 'dist', 'main.js');
    const { stdout } = await promisify(execFile)(process.execPath, [main, '--once'], {
      timeout: 30_000,
      env: {
        ...process.env,
        TRACE_DEMO_VIEWER_PORTS: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: '',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: '',
        OTEL_EXPORTER_JAEGER_ENDPOINT: '',
      },
    });
    expect(stdout).toMatch(/13 span\(s\), 5 service\(s\)/);
    expect(stdout).toContain('exporter console: 48 spans exported, 0 lost');
    expect(stdout).toMatch(/exporter otlp_http_protobuf → http:\/\/127\.0\.0\.1:\d+\/v1\/traces: 48 spans exported, 0 lost/);
    expect(stdout).toMatch(/trace viewer: http:\/\/127\.0\.0\.1:\d+\/ {2}\(stopped: --once\)/);
  });
});
