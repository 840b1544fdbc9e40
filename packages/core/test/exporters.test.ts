import * as core from '@trace/core';
import { BaseSpanExporter, ConsoleExporter, ExportPipeline, type ExportResult, TraceContext, Tracer, exportSucceeded, formatTraceTree } from '@trace/core';
import * as encoding from '@trace/core/encoding';
import { InMemoryExporter, StubHttpTransport, flushMicrotasks } from '@trace/core/testing';

describe('InMemoryExporter', () => {
  it('collects, waits for N spans and resets', async () => {
    const exporter = new InMemoryExporter();
    const tracer = new Tracer({ exporters: [exporter], exportSettings: { flushInterval: 1 } });
    const waiting = exporter.waitForSpans(2);
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    const spans = await waiting;
    expect(spans.map((span) => span.operationName).sort()).toEqual(['a', 'b']);
    exporter.reset();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await expect(exporter.waitForSpans(1, 20)).rejects.toThrow('got 0');
  });
});

describe('ConsoleExporter', () => {
  it('prints a finished trace as an indented tree once its root arrives', async () => {
    const output: string[] = [];
    const exporter = new ConsoleExporter({ write: (text) => output.push(text) });
    const tracer = new Tracer({ serviceName: 'api-gateway', exporters: [exporter], exportSettings: { batchSize: 1, maxQueueSize: 100 } });
    const root = tracer.startSpan('POST /api/orders', { kind: 'server', tags: { 'http.method': 'POST', 'http.status_code': 201 } });
    const validate = tracer.startChildSpan(root, 'validate_request');
    validate.end();
    const call = tracer.startChildSpan(root, 'call order-service', { kind: 'client' });
    const remote = tracer.startChildSpan(call, 'create_order', { serviceName: 'order-service', kind: 'server' });
    remote.setStatus('error', 'out of stock');
    remote.end();
    call.end();
    await flushMicrotasks();
    expect(output).toHaveLength(0); // no root yet
    root.end();
    await tracer.flush();
    expect(output).toHaveLength(1);
    const lines = (output[0] as string).trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^trace ${root.traceId}  4 span\\(s\\), 2 service\\(s\\)`));
    expect(lines[1]).toMatch(/^└─ api-gateway {2}POST \/api\/orders {2}[\d.]+ (µs|ms) {2}\[server\] {2}http\.method=POST {2}http\.status_code=201$/);
    expect(lines[2]).toMatch(/^ {3}├─ api-gateway {2}validate_request/);
    expect(lines[3]).toMatch(/^ {3}└─ api-gateway {2}call order-service .*\[client\]/);
    expect(lines[4]).toMatch(/^ {6}└─ order-service {2}create_order .*\[server\] {2}ERROR: out of stock$/);
  });

  it('prints traces whose root never came on flush, and stays bounded', async () => {
    const output: string[] = [];
    const exporter = new ConsoleExporter({ write: (text) => output.push(text), maxBufferedSpans: 5 });
    const tracer = new Tracer({ exporters: [exporter], exportSettings: { batchSize: 1, maxQueueSize: 100 } });
    for (let i = 0; i < 8; i++) {
      const parent = new TraceContext({ traceId: `${'ab'.repeat(15)}${String(i).padStart(2, '0')}`, spanId: '00f067aa0ba902b7', isRemote: true });
      tracer.startSpanFromContext(parent, `orphan-${i}`).end();
      await flushMicrotasks(2);
    }
    expect(output.length).toBe(3); // the buffer of 5 forced the oldest three out
    await tracer.flush(); // flushes the exporters too
    expect(output.length).toBe(8);
  });

  it('printOnFlushOnly waits for flush, so spans that outlive their root stay in one tree', async () => {
    const output: string[] = [];
    const exporter = new ConsoleExporter({ write: (text) => output.push(text), printOnFlushOnly: true });
    const tracer = new Tracer({ exporters: [exporter], exportSettings: { batchSize: 1, maxQueueSize: 100 } });
    const root = tracer.startSpan('publish', { parent: null, kind: 'producer' });
    const context = root.context();
    root.end();
    await flushMicrotasks();
    tracer.startSpanFromContext(context, 'consume', { kind: 'consumer' }).end(); // after the root
    await flushMicrotasks();
    expect(output).toHaveLength(0);
    await tracer.flush();
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(/2 span\(s\)[\s\S]*└─ .*publish[\s\S]*└─ .*consume/);
  });

  it('formatTraceTree survives forged cyclic ids', () => {
    const tracer = new Tracer();
    const a = tracer.startSpan('a', { parent: null });
    a.end();
    expect(() => formatTraceTree([a, a])).not.toThrow();
  });
});

describe('export figures on the public surface', () => {
  class CountingExporter extends BaseSpanExporter {
    protected async send(): Promise<ExportResult> {
      return exportSucceeded();
    }
  }

  it('getStats() is a readonly copy that later exports do not change', async () => {
    const exporter = new CountingExporter();
    const tracer = new Tracer({ exporters: [new InMemoryExporter()] });
    const span = tracer.startSpan('op', { parent: null });
    span.end();
    const before = exporter.getStats();
    await exporter.exportSpans([span]);
    expect(before.exportedSpans).toBe(0);
    expect(exporter.getStats().exportedSpans).toBe(1);
    expect(exporter.getStats()).not.toBe(exporter.getStats());
    // @ts-expect-error the figures are readonly
    before.exportedSpans = 5;
    // @ts-expect-error so are the losses by reason
    before.lost.queueFull = 5;
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 1, lost: { queueFull: 0 } });
  });

  it("a transport's getStatistics() is a readonly copy that later sends do not change", async () => {
    const transport = new StubHttpTransport();
    const before = transport.getStatistics();
    await transport.send({ url: 'http://127.0.0.1:9/v1/traces', method: 'POST', headers: {}, body: new Uint8Array(3) });
    expect(before).toMatchObject({ requestsSent: 0, bytesSent: 0, statusCounts: {} });
    expect(transport.getStatistics()).toMatchObject({ requestsSent: 1, bytesSent: 3, statusCounts: { '200': 1 } });
    // @ts-expect-error the figures are readonly
    before.requestsSent = 5;
    // @ts-expect-error so are the counts by status
    before.statusCounts['200'] = 5;
    expect(transport.getStatistics()).toMatchObject({ requestsSent: 1, statusCounts: { '200': 1 } });
  });

  it('the counters stay internal: no entry exports them, no exporter or pipeline shows them', async () => {
    expect(Object.keys(core)).not.toContain('ExportCounters');
    expect(Object.keys(encoding)).not.toContain('ExportCounters');
    const exporter = new CountingExporter();
    expect(Object.keys(exporter)).not.toContain('counters');
    expect(JSON.stringify(exporter)).not.toMatch(/finishedSpans/);
    const pipeline = new ExportPipeline(exporter);
    // @ts-expect-error the pipeline's live counters are private; getStats() is the way in
    expect(pipeline.counters).toBeDefined();
    expect(pipeline.getStats()).toEqual(exporter.getStats());
    await pipeline.shutdown();
  });

  it('a pipeline still records its drops into a BaseSpanExporter, so its getStats() shows them', async () => {
    const exporter = new CountingExporter();
    const pipeline = new ExportPipeline(exporter, { maxQueueSize: 1, batchSize: 1, exportOnFinish: false });
    const tracer = new Tracer({ exporters: [new InMemoryExporter()] });
    for (let i = 0; i < 3; i++) {
      const span = tracer.startSpan('op', { parent: null });
      span.end();
      pipeline.enqueue(span);
    }
    expect(exporter.getStats()).toMatchObject({ finishedSpans: 3, droppedSpans: 2, lost: { queueFull: 2 } });
    expect(pipeline.getStats()).toEqual(exporter.getStats());
    await pipeline.shutdown();
    expect(exporter.getStats()).toMatchObject({ exportedSpans: 1, queuedSpans: 0 });
  });
});
