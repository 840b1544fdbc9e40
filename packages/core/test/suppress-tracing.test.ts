import { Tracer, isTracingSuppressed, suppressTracing } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';

describe('suppressTracing', () => {
  it('holds for the function and the async work it starts, and nowhere else', async () => {
    expect(isTracingSuppressed()).toBe(false);
    const seen = await suppressTracing(async () => {
      const before = isTracingSuppressed();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [before, isTracingSuppressed()];
    });
    expect(seen).toEqual([true, true]);
    expect(isTracingSuppressed()).toBe(false);
  });

  it('is on while an exporter exports, so its own requests are not traced', async () => {
    const seen: boolean[] = [];
    class WatchingExporter extends InMemoryExporter {
      override async exportSpans(...args: Parameters<InMemoryExporter['exportSpans']>) {
        seen.push(isTracingSuppressed());
        await new Promise((resolve) => setTimeout(resolve, 1));
        seen.push(isTracingSuppressed());
        return super.exportSpans(...args);
      }
    }
    const exporter = new WatchingExporter();
    const tracer = new Tracer({ exporters: [exporter] });
    tracer.startSpan('work').end();
    await tracer.flush();
    expect(seen).toEqual([true, true]);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    await tracer.shutdown();
  });
});
