// The page in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// list rows, filters, the waterfall, a span's details, the service map, and 10,000 spans.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Tracer } from '@trace/core';
import { OtlpExporter } from '@trace/exporter-otlp';
import { ZipkinExporter } from '@trace/exporter-zipkin';
import { createServiceResource } from '@trace/otel-adapter';
import { type ViewerHandle, type ViewerSpan, startViewer } from '@trace/viewer';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { makeSampleTrace, waitForTrace } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let viewer: ViewerHandle;
let context: BrowserContext;
let page: Page;
let workDir: string;
let sample: { traceId: string };
let checkout: { traceId: string };

/** A checkout trace across five services, with events, an error and a retry: what the screenshot shows. */
async function sendCheckoutTrace(target: ViewerHandle): Promise<{ traceId: string }> {
  const tracer = new Tracer({ serviceName: 'api-gateway', exporters: [target.createExporter()] });
  const t0 = Date.now() - 5000;
  const root = tracer.startSpan('POST /checkout', {
    kind: 'server',
    startTime: t0,
    tags: { 'http.method': 'POST', 'http.route': '/checkout', 'http.status_code': 201 },
  });
  const auth = tracer.startSpan('verify token', { parent: root, serviceName: 'auth-service', kind: 'server', startTime: t0 + 2 });
  auth.end(t0 + 9);
  const order = tracer.startSpan('create order', { parent: root, serviceName: 'order-service', kind: 'server', startTime: t0 + 11 });
  const query = tracer.startSpan('SELECT customer', {
    parent: order,
    serviceName: 'order-service',
    kind: 'client',
    startTime: t0 + 13,
    tags: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM customers WHERE id = $1' },
  });
  query.end(t0 + 21);
  const stock = tracer.startSpan('reserve stock', { parent: order, serviceName: 'inventory-service', kind: 'server', startTime: t0 + 23 });
  const first = tracer.startSpan('UPDATE stock', {
    parent: stock,
    serviceName: 'inventory-service',
    kind: 'client',
    startTime: t0 + 24,
    tags: { 'db.system': 'postgresql' },
  });
  first.setStatus('error', 'deadlock detected');
  first.addEvent('exception', { 'exception.type': 'DeadlockError', 'exception.message': 'deadlock detected' }, t0 + 30);
  first.end(t0 + 31);
  const retry = tracer.startSpan('UPDATE stock', {
    parent: stock,
    serviceName: 'inventory-service',
    kind: 'client',
    startTime: t0 + 33,
    tags: { 'db.system': 'postgresql', retry: 1 },
  });
  retry.end(t0 + 44);
  stock.addEvent('reserved', { items: 3 }, t0 + 45);
  stock.end(t0 + 46);
  const publish = tracer.startSpan('orders.created publish', { parent: order, serviceName: 'order-service', kind: 'producer', startTime: t0 + 47 });
  publish.end(t0 + 50);
  order.end(t0 + 52);
  const consume = tracer.startSpan('orders.created process', { parent: publish, serviceName: 'fulfillment-service', kind: 'consumer', startTime: t0 + 55 });
  const notify = tracer.startSpan('POST /notify', { parent: consume, serviceName: 'notification-service', kind: 'server', startTime: t0 + 58 });
  notify.end(t0 + 70);
  consume.end(t0 + 74);
  root.end(t0 + 76);
  await tracer.shutdown();
  return { traceId: root.traceId };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser test needs Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);
  }
  viewer = await startViewer({ port: 0, otlpPort: 0, zipkinPort: 0, jaegerPort: false });
  const { spans, traceId } = await makeSampleTrace();
  const otlp = new OtlpExporter({
    endpoint: `http://127.0.0.1:${viewer.ports.otlp}`,
    format: 'otlp_http_protobuf',
    resource: createServiceResource('gateway', '1'),
  });
  expect((await otlp.exportSpans(spans)).ok).toBe(true);
  await otlp.shutdown();
  sample = { traceId };
  await waitForTrace(viewer.url, traceId, 4);
  checkout = await sendCheckoutTrace(viewer);
  await waitForTrace(viewer.url, checkout.traceId, 10);

  workDir = mkdtempSync(path.join(tmpdir(), 'trace-viewer-browser-'));
  context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 760 },
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 60_000);

afterAll(async () => {
  await context?.close();
  await viewer?.stop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe('the viewer page in Chromium', () => {
  it('lists the traces with root, duration, spans, services and errors', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(viewer.url);
    const rows = page.locator('tr.trace-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const sampleRow = page.locator(`tr.trace-row[data-trace-id="${sample.traceId}"]`);
    expect(await sampleRow.locator('td.root').textContent()).toBe('gateway: GET /orders');
    expect(await sampleRow.locator('td.duration').textContent()).toBe('100.0ms');
    expect(await sampleRow.locator('td.spans').textContent()).toBe('4');
    expect(await sampleRow.locator('td.errors').textContent()).toBe('1');
    expect(await sampleRow.locator('td.services').textContent()).toMatch(/gateway 2[\s\S]*inventory 1[\s\S]*orders 1/);
    expect(errors).toEqual([]);
  });

  it('updates the list live when a new trace arrives', async () => {
    const { spans, traceId } = await makeSampleTrace();
    const zipkin = new ZipkinExporter({ endpoint: `http://127.0.0.1:${viewer.ports.zipkin}`, format: 'zipkin_json' });
    await zipkin.exportSpans(spans);
    await zipkin.shutdown();
    await page.locator(`tr.trace-row[data-trace-id="${traceId}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('tr.trace-row').count()).toBe(3);
  });

  it('filters by service, errors only and tag', async () => {
    await page.selectOption('#filter-service', 'auth-service');
    await expectRows(1);
    expect(await page.locator('tr.trace-row').first().getAttribute('data-trace-id')).toBe(checkout.traceId);
    await page.selectOption('#filter-service', '');
    await expectRows(3);
    await page.fill('#filter-tag', 'http.route=/checkout');
    await expectRows(1);
    await page.fill('#filter-tag', '');
    await page.fill('#filter-min-duration', '90');
    await expectRows(2);
    await page.fill('#filter-min-duration', '');
    await page.check('#filter-errors');
    await expectRows(3);
    await page.uncheck('#filter-errors');
  });

  it('opens a trace as a waterfall with nested bars, errors, events and the critical path', async () => {
    await page.locator(`tr.trace-row[data-trace-id="${checkout.traceId}"]`).click();
    const rows = page.locator('.span-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(10);
    expect(await page.locator('.span-bar').count()).toBe(10);
    // the root bar spans the whole axis; the others sit inside it
    const rootBar = await page.locator('.span-row').first().locator('.span-bar').boundingBox();
    const track = await page.locator('.span-row').first().locator('.span-track').boundingBox();
    expect(rootBar && track && [Math.round(rootBar.x - track.x), Math.round(rootBar.width - track.width)]).toEqual([0, 0]);
    expect(await page.locator('.span-row.error').count()).toBe(1);
    expect(await page.locator('.span-row.error .error-mark').count()).toBe(1);
    expect(await page.locator('.event-tick').count()).toBe(2);
    expect(await page.locator('.span-row.critical').count()).toBeGreaterThan(2);
    // nesting: a grandchild is indented further than its parent
    const indent = (name: string) =>
      page
        .locator('.span-row', { hasText: name })
        .first()
        .locator('.span-name')
        .evaluate((element) => Number.parseInt((element as unknown as { style: { paddingLeft: string } }).style.paddingLeft, 10));
    expect(await indent('reserve stock')).toBeGreaterThan(await indent('create order'));
    expect(await indent('create order')).toBeGreaterThan(await indent('POST /checkout'));
  });

  it("shows a span's details on click", async () => {
    await page.locator('.span-row.error').click();
    const detail = page.locator('#span-detail');
    await detail.locator('h3').waitFor();
    const text = await detail.textContent();
    expect(text).toContain('UPDATE stock');
    expect(text).toContain('error: deadlock detected');
    expect(text).toContain('inventory-service');
    expect(text).toContain('client');
    expect(text).toContain('db.system');
    expect(text).toContain('postgresql');
    expect(text).toContain('exception');
    expect(text).toContain('DeadlockError');
    expect(text).toContain(checkout.traceId);
    expect(await page.locator('.span-row.selected').count()).toBe(1);
    await page.screenshot({ path: path.join(workDir, 'waterfall.png') });
    expect(existsSync(path.join(workDir, 'waterfall.png'))).toBe(true);
    if (process.env.VIEWER_README_SCREENSHOT === '1') await page.screenshot({ path: path.join(__dirname, '..', 'docs', 'waterfall.png') });
  });

  it('collapses and expands a subtree', async () => {
    const orderRow = page.locator('.span-row', { hasText: 'create order' });
    await orderRow.locator('button.toggle').click();
    // consume and notify hang under publish, so they fold away with create order
    await pollFor(() => page.locator('.span-row').count(), 3);
    await page.locator('.span-row', { hasText: 'create order' }).locator('button.toggle').click();
    await pollFor(() => page.locator('.span-row').count(), 10);
  });

  it('draws the service map with call counts and error rates', async () => {
    await page.click('a.tab[data-tab="map"]');
    await page.locator('#service-map').waitFor();
    const nodes = await page.locator('#service-map g.node').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-service')));
    expect(nodes.sort()).toEqual([
      'api-gateway',
      'auth-service',
      'fulfillment-service',
      'gateway',
      'inventory',
      'inventory-service',
      'notification-service',
      'order-service',
      'orders',
    ]);
    const labels = await page.locator('#service-map text.edge-label').evaluateAll((elements) => elements.map((element) => element.textContent));
    expect(labels).toContain('2 calls · 100% errors');
    expect(labels).toContain('1 call');
    if (process.env.VIEWER_README_SCREENSHOT === '1') await page.screenshot({ path: path.join(__dirname, '..', 'docs', 'service-map.png') });
  });

  it('opens a 10,000-span trace rendering only the rows in view', async () => {
    const traceId = 'abcdef0123456789abcdef0123456789';
    const spans: ViewerSpan[] = [];
    const t0 = Date.now() * 1000;
    for (let i = 0; i < 10_000; i++) {
      spans.push({
        traceId,
        spanId: (i + 1).toString(16).padStart(16, '0'),
        parentId: i === 0 ? undefined : (Math.floor((i - 1) / 4) + 1).toString(16).padStart(16, '0'),
        name: `step ${i}`,
        kind: 'internal',
        service: `svc-${i % 7}`,
        startMicros: t0 + i * 10,
        endMicros: t0 + i * 10 + 5000,
        status: i % 1000 === 0 && i > 0 ? 'error' : 'unset',
        statusMessage: '',
        attributes: { index: i },
        events: [],
        links: [],
        resource: {},
        scope: undefined,
        source: 'in-process',
      });
    }
    viewer.store.add(spans);
    const started = Date.now();
    await page.goto(`${viewer.url}#/trace/${traceId}`);
    await page.locator('.span-row').first().waitFor();
    const openedMs = Date.now() - started;
    const rendered = await page.locator('.span-row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    // scrolling to the end brings the last rows in: depth-first, the last row is the last child of
    // the last child of ... the root: 1 → 5 → 21 → 85 → 341 → 1365 → 5461 (0x1555)
    await page.locator('#wf-body').evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await pollFor(() => page.locator('.span-row[data-span-id="0000000000001555"]').count(), 1);
    expect(await page.locator('.span-row').count()).toBeLessThan(200);
    process.stdout.write(`10,000-span trace: first rows shown ${openedMs} ms after navigation (${rendered} rows in the DOM)\n`);
  });
});

/** Waits (bounded) until `read` gives `expected`, then asserts it, so a failure shows the last value. */
async function pollFor<T>(read: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  expect(value).toBe(expected);
}

async function expectRows(count: number): Promise<void> {
  await pollFor(() => page.locator('tr.trace-row').count(), count);
}
