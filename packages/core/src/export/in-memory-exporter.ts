import type { Span } from '../span.js';
import { BaseSpanExporter, type ExportResult, exportSucceeded } from './exporter.js';

/** Keeps exported spans in memory, for tests of code that is traced. */
export class InMemoryExporter extends BaseSpanExporter {
  private spans: Span[] = [];
  private waiters: { count: number; resolve: (spans: Span[]) => void }[] = [];

  protected async send(spans: readonly Span[]): Promise<ExportResult> {
    for (const span of spans) this.spans.push(span);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.spans.length < waiter.count) return true;
      waiter.resolve(this.spans.slice());
      return false;
    });
    return exportSucceeded();
  }

  /** Every span exported so far, in export order. */
  getFinishedSpans(): Span[] {
    return this.spans.slice();
  }

  /** Forgets the spans exported so far. */
  reset(): void {
    this.spans = [];
  }

  /**
   * Resolves with the exported spans once at least `count` have arrived, or rejects after
   * `timeoutMs` (default 5000) saying how many did.
   */
  waitForSpans(count: number, timeoutMs = 5000): Promise<Span[]> {
    if (this.spans.length >= count) return Promise.resolve(this.spans.slice());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== wrapped);
        reject(new Error(`waited ${timeoutMs} ms for ${count} spans, got ${this.spans.length}`));
      }, timeoutMs);
      const wrapped = (spans: Span[]) => {
        clearTimeout(timer);
        resolve(spans);
      };
      this.waiters.push({ count, resolve: wrapped });
    });
  }
}
