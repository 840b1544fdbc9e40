// A backend outage with default settings loses nothing while the queue has room; an app producing
// ten times what the backend takes keeps a bounded heap and accounts for every span.
import { DEFAULT_EXPORT_SETTINGS } from '@trace/core';
import { type HttpBackend, expectExactAccounting, figures, otlpTracer, produceAtRate, startHttpBackend, statsOf } from './helpers';

let backend: HttpBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

describe('outage and overload (default settings)', () => {
  it('a 2 s outage (connections refused) at 2,000 spans/s loses no span and duplicates none', async () => {
    backend = await startHttpBackend();
    const live = backend;
    const tracer = otlpTracer(live.url);
    let maxQueued = 0;
    let down: Promise<void> | undefined;
    let up: Promise<void> | undefined;
    // 4 s of spans; the backend is down from 1 s to 3 s.
    const produced = await produceAtRate(tracer, 2000, 4000, (elapsed) => {
      if (elapsed >= 1000 && down === undefined) down = live.stop();
      if (elapsed >= 3000 && up === undefined && down !== undefined) up = down.then(() => live.restart());
      maxQueued = Math.max(maxQueued, statsOf(tracer).queuedSpans);
    });
    await up;
    const flushed = await tracer.flush({ deadlineMs: 30_000 });
    const stats = statsOf(tracer);
    console.log(`fault suite, outage: ${figures('2 s outage at 2,000 spans/s', stats, live.received, `, most queued ${maxQueued}`)}`);
    expect(flushed.ok).toBe(true);
    expect(produced).toBe(8000);
    expect(stats).toMatchObject({ exportedSpans: 8000, droppedSpans: 0, failedSpans: 0 });
    expect(stats.retries).toBeGreaterThan(0);
    expect(maxQueued).toBeGreaterThan(2000); // the outage really held spans back
    expectExactAccounting(stats, produced, live.received);
    await tracer.shutdown({ deadlineMs: 1000 });
  });

  it('10x overload: the queue stays within its bounds, the heap stays bounded, every span is accounted for', async () => {
    // The backend answers each request after 250 ms, one in flight: about 2,000 spans/s in batches of 512.
    backend = await startHttpBackend(() => ({ kind: 'slow', delayMs: 250 }));
    const slow = backend;
    const tracer = otlpTracer(slow.url);
    const heapBefore = process.memoryUsage().heapUsed;
    let maxQueued = 0;
    let maxHeap = heapBefore;
    const produced = await produceAtRate(tracer, 20_000, 3000, () => {
      maxQueued = Math.max(maxQueued, statsOf(tracer).queuedSpans);
      maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    });
    const flushed = await tracer.flush({ deadlineMs: 60_000 });
    const stats = statsOf(tracer);
    const heapGrowthMiB = (maxHeap - heapBefore) / 1024 / 1024;
    console.log(
      `fault suite, overload: ${figures('20,000 spans/s for 3 s into ~2,000 spans/s', stats, slow.received, `, most queued ${maxQueued}, heap growth ${heapGrowthMiB.toFixed(1)} MiB`)}`,
    );
    expect(flushed.ok).toBe(true);
    expect(produced).toBe(60_000);
    // queuedSpans counts the batch in flight too, which comes on top of maxQueueSize
    expect(maxQueued).toBeLessThanOrEqual(DEFAULT_EXPORT_SETTINGS.maxQueueSize + DEFAULT_EXPORT_SETTINGS.batchSize);
    expect(stats.lost.queueFull).toBeGreaterThan(0);
    expect(stats.droppedSpans).toBe(stats.lost.queueFull);
    expect(stats.failedSpans).toBe(0);
    expect(heapGrowthMiB).toBeLessThan(256);
    expectExactAccounting(stats, produced, slow.received);
    await tracer.shutdown({ deadlineMs: 1000 });
  });
});
