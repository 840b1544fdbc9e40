// The development default: each finished trace printed as an indented tree, as the demo shows.
import type { Span } from '../span.js';
import { BaseSpanExporter, type ExportResult, exportSucceeded } from './exporter.js';

export interface ConsoleExporterOptions {
  /** Where text goes. Default `process.stdout.write`. */
  write?: (text: string) => void;
  /** Tags shown after each span, when present. */
  tagKeys?: readonly string[];
  /** Spans held while waiting for their trace's root; past it the oldest trace is printed as is. Default 10000. */
  maxBufferedSpans?: number;
  /**
   * Print traces only on `flush()` / `shutdown()`, not when their root arrives: for traces whose
   * spans outlive the root (a message consumer that runs after the request returned). Default false.
   */
  printOnFlushOnly?: boolean;
}

const DEFAULT_TAG_KEYS = ['http.method', 'http.route', 'http.status_code', 'db.statement', 'messaging.destination', 'peer.service', 'error.message'];

/**
 * Prints each trace as a tree (service, operation, duration, status, key tags) when its root
 * span arrives; spans whose root never comes are printed by `flush()` and `shutdown()`.
 */
export class ConsoleExporter extends BaseSpanExporter {
  private readonly write: (text: string) => void;
  private readonly tagKeys: readonly string[];
  private readonly maxBufferedSpans: number;
  private readonly printOnFlushOnly: boolean;
  private readonly pending = new Map<string, Span[]>();
  private bufferedSpans = 0;

  constructor(options: ConsoleExporterOptions = {}) {
    super();
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.tagKeys = options.tagKeys ?? DEFAULT_TAG_KEYS;
    this.maxBufferedSpans = options.maxBufferedSpans ?? 10_000;
    this.printOnFlushOnly = options.printOnFlushOnly ?? false;
  }

  protected async send(spans: readonly Span[]): Promise<ExportResult> {
    for (const span of spans) {
      const traceId = span.traceId;
      let trace = this.pending.get(traceId);
      if (trace === undefined) {
        trace = [];
        this.pending.set(traceId, trace);
      }
      trace.push(span);
      this.bufferedSpans++;
      if (!span.hasParent && !this.printOnFlushOnly) this.printTrace(traceId);
    }
    while (this.bufferedSpans > this.maxBufferedSpans) {
      const oldest = this.pending.keys().next().value as string;
      this.printTrace(oldest);
    }
    return exportSucceeded();
  }

  override async flush(): Promise<void> {
    for (const traceId of [...this.pending.keys()]) this.printTrace(traceId);
  }

  override async shutdown(): Promise<void> {
    await this.flush();
    await super.shutdown();
  }

  private printTrace(traceId: string): void {
    const spans = this.pending.get(traceId);
    if (spans === undefined) return;
    this.pending.delete(traceId);
    this.bufferedSpans -= spans.length;
    this.write(formatTraceTree(spans, this.tagKeys));
  }
}

/** Renders spans of one trace as an indented tree with durations (children in start order). */
export function formatTraceTree(spans: readonly Span[], tagKeys: readonly string[] = DEFAULT_TAG_KEYS): string {
  const byId = new Map<string, Span>();
  for (const span of spans) byId.set(span.spanId, span);
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of spans) {
    const parentId = span.parentSpanId;
    if (parentId === '' || !byId.has(parentId)) {
      roots.push(span);
      continue;
    }
    let list = children.get(parentId);
    if (list === undefined) {
      list = [];
      children.set(parentId, list);
    }
    list.push(span);
  }
  const byStart = (a: Span, b: Span) => a.startTime - b.startTime;
  roots.sort(byStart);
  const services = new Set(spans.map((span) => span.serviceName));
  const first = spans[0] as Span;
  const rootSpan = roots[0] ?? first;
  let text = `trace ${first.traceId}  ${spans.length} span(s), ${services.size} service(s), ${formatDuration(rootSpan.duration)}\n`;
  const visit = (span: Span, prefix: string, last: boolean, depth: number) => {
    const branch = last ? '└─ ' : '├─ ';
    text += `${prefix}${branch}${describe(span, tagKeys)}\n`;
    const kids = (children.get(span.spanId) ?? []).sort(byStart);
    if (depth > 64) return; // a cycle of forged ids cannot recurse forever
    for (let index = 0; index < kids.length; index++) visit(kids[index] as Span, prefix + (last ? '   ' : '│  '), index === kids.length - 1, depth + 1);
  };
  for (let index = 0; index < roots.length; index++) visit(roots[index] as Span, '', index === roots.length - 1, 0);
  return text;
}

function formatDuration(micros: number): string {
  if (micros < 0) return 'open';
  if (micros < 1000) return `${micros.toFixed(0)} µs`;
  return `${(micros / 1000).toFixed(2)} ms`;
}

function describe(span: Span, tagKeys: readonly string[]): string {
  let line = `${span.serviceName}  ${span.operationName}  ${formatDuration(span.duration)}`;
  if (span.kind !== 'internal') line += `  [${span.kind}]`;
  if (span.status === 'error') line += `  ERROR${span.statusMessage ? `: ${span.statusMessage}` : ''}`;
  else if (span.status === 'ok') line += '  ok';
  for (const key of tagKeys) {
    const value = span.getTag(key);
    if (value !== undefined && !(key === 'error.message' && span.status === 'error')) line += `  ${key}=${String(value)}`;
  }
  return line;
}
