// Interim guard until the core's export pipeline enters the suppression flag itself: the
// exporters a tracer holds get their `exportSpans` (and `flush` / `shutdown`) run inside `suppressTracing`, so whatever requests
// they make (node-fetch over node:http, fetch, anything) are not traced. The tracer keeps its
// exporters in a private list of pipelines; this reads that list, and re-reads it whenever the
// list is replaced (`addExporter` / `setExporter` swap in a new array), so an exporter added after
// `instrumentHttp` is guarded from the next request the process makes or serves.
import type { Tracer } from '@trace/core';
import { suppressTracing } from './suppress.js';

type ExporterMethod = (this: unknown, ...args: unknown[]) => unknown;
type ExporterLike = Record<string, unknown>;

// What the export pipeline calls on an exporter; each may send requests.
const METHODS = ['exportSpans', 'flush', 'shutdown'] as const;
interface PipelineLike {
  exporter?: ExporterLike;
}

const GUARDED = Symbol('@trace/instrumentation-http.guardedExport');

/** @internal */
export class ExportGuard {
  private seen: unknown = undefined;
  private readonly restores: (() => void)[] = [];

  constructor(private readonly tracer: Tracer) {}

  /** Cheap when nothing changed: one property read and one comparison. */
  check(): void {
    const pipelines = (this.tracer as unknown as { pipelines?: unknown }).pipelines;
    if (pipelines === this.seen) return;
    this.seen = pipelines;
    if (!Array.isArray(pipelines)) return;
    for (const pipeline of pipelines as PipelineLike[]) {
      const exporter = pipeline?.exporter;
      if (exporter !== undefined && exporter !== null) for (const method of METHODS) this.guard(exporter, method);
    }
  }

  private guard(exporter: ExporterLike, method: string): void {
    const original = exporter[method] as ExporterMethod | undefined;
    if (typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[GUARDED] === true) return;
    const hadOwn = Object.hasOwn(exporter, method);
    const guarded = function (this: unknown, ...args: unknown[]): unknown {
      return suppressTracing(() => original.apply(this, args));
    };
    (guarded as unknown as Record<symbol, unknown>)[GUARDED] = true;
    exporter[method] = guarded;
    this.restores.push(() => {
      if (exporter[method] !== guarded) return;
      if (hadOwn) exporter[method] = original;
      else delete exporter[method];
    });
  }

  /** Puts every guarded exporter back as it was. */
  release(): void {
    for (const restore of this.restores) restore();
    this.restores.length = 0;
    this.seen = undefined;
  }
}
