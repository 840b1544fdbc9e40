// Spans from an app nobody here wrote: the OpenTelemetry JS SDK with its OTLP/HTTP protobuf
// exporter, in a child process, sending to a viewer on port 0.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ViewerHandle, startViewer } from '@trace/viewer';
import { treeOf, waitForTrace } from './helpers';

let viewer: ViewerHandle;

beforeEach(async () => {
  viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: false, jaegerPort: false });
});

afterEach(async () => {
  await viewer.stop();
});

it('shows a trace sent by @opentelemetry/exporter-trace-otlp-proto', async () => {
  const app = path.join(__dirname, 'fixtures', 'otel-app.cjs');
  const { stdout } = await promisify(execFile)(process.execPath, [app, viewer.endpoints.otlp as string], { timeout: 15_000, cwd: path.dirname(app) });
  const traceId = stdout.trim();
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  const detail = await waitForTrace(viewer.url, traceId, 2);
  expect(treeOf(detail.spans)).toEqual(['- > otel-shop:GET /cart', 'otel-shop:GET /cart > otel-shop:SELECT cart']);
  const select = detail.spans.find((span) => span.name === 'SELECT cart');
  expect(select).toMatchObject({
    kind: 'client',
    status: 'error',
    statusMessage: 'connection reset',
    attributes: { 'db.system': 'postgresql' },
    scope: { name: 'shop-instrumentation', version: '0.3.0' },
    source: 'otlp',
  });
  expect(select?.events).toEqual([expect.objectContaining({ name: 'rows fetched', attributes: { rows: 12 } })]);
  expect(select?.resource['deployment.environment']).toBe('test');
  expect(detail.spans.find((span) => span.name === 'GET /cart')?.attributes['http.status_code']).toBe(500);
});
