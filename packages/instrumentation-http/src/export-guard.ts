// Interim guard until the core's export pipeline enters the suppression flag itself: the
// exporters a tracer holds get their `export` run inside `suppressTracing`, so whatever requests
// they make (node-fetch over node:http, fetch, anything) are not traced. The tracer keeps its
// exporters in a private list of pipelines; this reads that list, and re-reads it whenever the
// list is replaced (`addExporter` / `setExporter` swap in a new array), so an exporter added after
// `instrumentHttp` is guarded from the next request the process makes or serves.
import type { Tracer } from '@trace/core';
import { suppressTracing } from './suppress.js';

type ExportFunction = (this: unknown, ...args: unknown[]) => unknown;
interface ExporterLike {
  export?: ExportFunction;
}
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
      if (exporter !== undefined && exporter !== null) this.guard(exporter);
    }
  }

  private guard(exporter: ExporterLike): void {
    const original = exporter.export;
    if (typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[GUARDED] === true) return;
    const hadOwn = Object.hasOwn(exporter, 'export');
    const guarded = function (this: unknown, ...args: unknown[]): unknown {
      return suppressTracing(() => original.apply(this, args));
    };
    (guarded as unknown as Record<symbol, unknown>)[GUARDED] = true;
    exporter.export = guarded;
    this.restores.push(() => {
      if (exporter.export !== guarded) return;
      if (hadOwn) exporter.export = original;
      else delete exporter.export;
    });
  }

  /** Puts every guarded exporter back as it was. */
  release(): void {
    for (const restore of this.restores) restore();
    this.restores.length = 0;
    this.seen = undefined;
  }
}
