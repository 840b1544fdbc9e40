// Recent traces in memory, bounded by span count and by bytes. Traces are kept in arrival order
// (a Map keeps insertion order), so the oldest trace is the first key and goes first:
//
//   traces: [oldest] → [..] → [newest]      add() appends new traces; evict() takes from the front
import { ConfigError } from '@trace/core';
import { type ViewerAttributeValue, type ViewerSpan, estimateSpanBytes } from './model.js';

/** Bounds of a {@link TraceStore}. */
export interface TraceStoreOptions {
  /** Most spans kept. Default 100,000. */
  maxSpans?: number;
  /** Most bytes kept (estimated from what each span holds). Default 256 MiB. */
  maxBytes?: number;
}

/** Spans a store keeps by default before evicting the oldest traces. */
export const DEFAULT_MAX_SPANS = 100_000;
/** Estimated bytes of spans a store keeps by default: 256 MiB. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Figures of a {@link TraceStore}. */
export interface TraceStoreStats {
  traces: number;
  spans: number;
  bytes: number;
  maxSpans: number;
  maxBytes: number;
  /** Spans handed to the store since it started (stored or not). */
  receivedSpans: number;
  /** Whole traces removed to make room for newer ones. */
  evictedTraces: number;
  /** Spans those traces held. */
  evictedSpans: number;
  /** Spans refused because their trace alone would pass a bound. */
  droppedSpans: number;
  /** Grows with every change; the page polls it to know when to reload. */
  version: number;
}

/** One row of the trace list. */
export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  /** Epoch microseconds of the earliest span. */
  startMicros: number;
  durationMicros: number;
  spanCount: number;
  /** Services in the trace with how many spans each, most spans first. */
  services: { name: string; spanCount: number }[];
  errorCount: number;
}

/** A piece of the critical path: the time `spanId` itself was the one holding up the trace. */
export interface CriticalPathSegment {
  spanId: string;
  startMicros: number;
  endMicros: number;
}

/** One trace with all its spans (earliest first) and its critical path. */
export interface TraceDetail {
  summary: TraceSummary;
  spans: ViewerSpan[];
  criticalPath: CriticalPathSegment[];
}

/** What the trace list may be filtered by (all optional; every given filter must match). */
export interface TraceQuery {
  /** A service with a span in the trace. */
  service?: string;
  /** An operation (span name) in the trace, of `service` when that is given too. */
  operation?: string;
  minDurationMs?: number;
  maxDurationMs?: number;
  errorsOnly?: boolean;
  /** `key=value` (or just `key`): some span has this attribute, or its resource does. */
  tags?: readonly string[];
  /** Most rows, newest first. Default 50, at most 1000. */
  limit?: number;
}

/** A service and the operations seen for it. */
export interface ServiceInfo {
  name: string;
  operations: string[];
  spanCount: number;
  errorCount: number;
}

/** Calls from one service to another: a span of `child` whose parent is a span of `parent`. */
export interface DependencyEdge {
  parent: string;
  child: string;
  callCount: number;
  errorCount: number;
  /** errorCount / callCount. */
  errorRate: number;
}

interface TraceEntry {
  readonly traceId: string;
  readonly spans: Map<string, ViewerSpan>;
  bytes: number;
  summary: TraceSummary | undefined;
}

/**
 * The viewer's storage. Adding never throws; when a bound is passed the oldest traces are
 * evicted (and counted) until the new spans fit.
 */
export class TraceStore {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly spanBytes = new WeakMap<ViewerSpan, number>();
  private spanCount = 0;
  private byteCount = 0;
  private receivedSpans = 0;
  private evictedTraces = 0;
  private evictedSpans = 0;
  private droppedSpans = 0;
  private version = 0;
  readonly maxSpans: number;
  readonly maxBytes: number;

  constructor(options: TraceStoreOptions = {}) {
    this.maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(this.maxSpans) || this.maxSpans < 1) throw new ConfigError(`maxSpans must be a positive integer, got ${options.maxSpans}`);
    if (!Number.isFinite(this.maxBytes) || this.maxBytes < 1) throw new ConfigError(`maxBytes must be a positive number, got ${options.maxBytes}`);
  }

  /** Stores `spans`. A span whose id is already in its trace replaces it (a retried export). */
  add(spans: readonly ViewerSpan[]): void {
    for (const span of spans) this.addOne(span);
    if (spans.length > 0) this.version++;
  }

  private addOne(span: ViewerSpan): void {
    this.receivedSpans++;
    const bytes = estimateSpanBytes(span);
    let entry = this.traces.get(span.traceId);
    const replaced = entry?.spans.get(span.spanId);
    const growth = replaced === undefined ? 1 : 0;
    const byteGrowth = bytes - (replaced === undefined ? 0 : (this.spanBytes.get(replaced) ?? 0));
    // make room by evicting other traces, oldest first
    for (const oldest of this.traces.values()) {
      if (this.spanCount + growth <= this.maxSpans && this.byteCount + byteGrowth <= this.maxBytes) break;
      if (oldest === entry) continue;
      this.evict(oldest);
    }
    if (this.spanCount + growth > this.maxSpans || this.byteCount + byteGrowth > this.maxBytes) {
      this.droppedSpans++;
      return;
    }
    if (entry === undefined) {
      entry = { traceId: span.traceId, spans: new Map(), bytes: 0, summary: undefined };
      this.traces.set(span.traceId, entry);
    }
    entry.spans.set(span.spanId, span);
    this.spanBytes.set(span, bytes);
    entry.bytes += byteGrowth;
    entry.summary = undefined;
    this.spanCount += growth;
    this.byteCount += byteGrowth;
  }

  private evict(entry: TraceEntry): void {
    this.traces.delete(entry.traceId);
    this.spanCount -= entry.spans.size;
    this.byteCount -= entry.bytes;
    this.evictedTraces++;
    this.evictedSpans += entry.spans.size;
  }

  /** Removes every trace (not counted as evictions). */
  clear(): void {
    this.traces.clear();
    this.spanCount = 0;
    this.byteCount = 0;
    this.version++;
  }

  stats(): TraceStoreStats {
    return {
      traces: this.traces.size,
      spans: this.spanCount,
      bytes: this.byteCount,
      maxSpans: this.maxSpans,
      maxBytes: this.maxBytes,
      receivedSpans: this.receivedSpans,
      evictedTraces: this.evictedTraces,
      evictedSpans: this.evictedSpans,
      droppedSpans: this.droppedSpans,
      version: this.version,
    };
  }

  /** Summaries of the traces that match `query`, newest first. */
  findTraces(query: TraceQuery = {}): TraceSummary[] {
    const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 50)), 1000);
    const tagFilters = (query.tags ?? []).map(parseTagFilter);
    const matches: TraceSummary[] = [];
    for (const entry of this.traces.values()) {
      const summary = this.summaryOf(entry);
      if (query.minDurationMs !== undefined && summary.durationMicros < query.minDurationMs * 1000) continue;
      if (query.maxDurationMs !== undefined && summary.durationMicros > query.maxDurationMs * 1000) continue;
      if (query.errorsOnly === true && summary.errorCount === 0) continue;
      if (query.service !== undefined && !summary.services.some((service) => service.name === query.service)) continue;
      if (query.operation !== undefined && !hasOperation(entry, query.service, query.operation)) continue;
      if (tagFilters.length > 0 && !tagFilters.every((filter) => hasTag(entry, filter))) continue;
      matches.push(summary);
    }
    matches.sort((a, b) => b.startMicros - a.startMicros);
    return matches.length > limit ? matches.slice(0, limit) : matches;
  }

  /** One trace, or `undefined` when it is not (or no longer) stored. */
  getTrace(traceId: string): TraceDetail | undefined {
    const entry = this.traces.get(traceId.toLowerCase().padStart(32, '0'));
    if (entry === undefined) return undefined;
    const spans = [...entry.spans.values()].sort((a, b) => a.startMicros - b.startMicros);
    return { summary: this.summaryOf(entry), spans, criticalPath: criticalPath(spans) };
  }

  /** Every service seen in stored traces, with its operations, sorted by name. */
  services(): ServiceInfo[] {
    const byName = new Map<string, { operations: Set<string>; spanCount: number; errorCount: number }>();
    for (const entry of this.traces.values()) {
      for (const span of entry.spans.values()) {
        let info = byName.get(span.service);
        if (info === undefined) {
          info = { operations: new Set(), spanCount: 0, errorCount: 0 };
          byName.set(span.service, info);
        }
        info.operations.add(span.name);
        info.spanCount++;
        if (span.status === 'error') info.errorCount++;
      }
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, info]) => ({ name, operations: [...info.operations].sort(), spanCount: info.spanCount, errorCount: info.errorCount }));
  }

  /** The service map: an edge per (parent service, child service) pair across stored traces. */
  dependencies(): DependencyEdge[] {
    const edges = new Map<string, DependencyEdge>();
    for (const entry of this.traces.values()) {
      for (const span of entry.spans.values()) {
        if (span.parentId === undefined) continue;
        const parent = entry.spans.get(span.parentId);
        if (parent === undefined || parent.service === span.service) continue;
        const key = `${parent.service}\u0000${span.service}`;
        let edge = edges.get(key);
        if (edge === undefined) {
          edge = { parent: parent.service, child: span.service, callCount: 0, errorCount: 0, errorRate: 0 };
          edges.set(key, edge);
        }
        edge.callCount++;
        if (span.status === 'error') edge.errorCount++;
      }
    }
    const list = [...edges.values()];
    for (const edge of list) edge.errorRate = edge.errorCount / edge.callCount;
    return list.sort((a, b) => b.callCount - a.callCount);
  }

  private summaryOf(entry: TraceEntry): TraceSummary {
    if (entry.summary !== undefined) return entry.summary;
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    let root: ViewerSpan | undefined;
    let errorCount = 0;
    const services = new Map<string, number>();
    for (const span of entry.spans.values()) {
      if (span.startMicros < start) start = span.startMicros;
      if (span.endMicros > end) end = span.endMicros;
      if (span.status === 'error') errorCount++;
      services.set(span.service, (services.get(span.service) ?? 0) + 1);
      // the root: a span without a stored parent, the earliest such
      const isRoot = span.parentId === undefined || !entry.spans.has(span.parentId);
      if (isRoot && isBetterRoot(span, root)) root = span;
    }
    const summary: TraceSummary = {
      traceId: entry.traceId,
      rootService: root?.service ?? '',
      rootOperation: root?.name ?? '',
      startMicros: start,
      durationMicros: Math.max(0, end - start),
      spanCount: entry.spans.size,
      services: [...services.entries()].map(([name, spanCount]) => ({ name, spanCount })).sort((a, b) => b.spanCount - a.spanCount),
      errorCount,
    };
    entry.summary = summary;
    return summary;
  }
}

/** A true root (no parent id) beats an orphan whose parent is missing; then the earliest wins. */
function isBetterRoot(candidate: ViewerSpan, current: ViewerSpan | undefined): boolean {
  if (current === undefined) return true;
  const candidateTrue = candidate.parentId === undefined;
  if (candidateTrue !== (current.parentId === undefined)) return candidateTrue;
  return candidate.startMicros < current.startMicros;
}

interface TagFilter {
  key: string;
  value: string | undefined;
}

function parseTagFilter(text: string): TagFilter {
  const at = text.indexOf('=');
  return at < 0 ? { key: text.trim(), value: undefined } : { key: text.slice(0, at).trim(), value: text.slice(at + 1).trim() };
}

function valueText(value: ViewerAttributeValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function hasTag(entry: TraceEntry, filter: TagFilter): boolean {
  for (const span of entry.spans.values()) {
    const text = valueText(
      Object.hasOwn(span.attributes, filter.key)
        ? span.attributes[filter.key]
        : Object.hasOwn(span.resource, filter.key)
          ? span.resource[filter.key]
          : undefined,
    );
    if (text !== undefined && (filter.value === undefined || text === filter.value)) return true;
  }
  return false;
}

function hasOperation(entry: TraceEntry, service: string | undefined, operation: string): boolean {
  for (const span of entry.spans.values()) {
    if (span.name === operation && (service === undefined || span.service === service)) return true;
  }
  return false;
}

/**
 * The critical path of a trace: walking back from the root's end, at each moment the span that
 * finished last among those still running is the one the trace was waiting for. A span's own
 * time between its children counts for itself. Iterative, so a 10,000-deep chain is fine.
 */
export function criticalPath(spans: readonly ViewerSpan[]): CriticalPathSegment[] {
  const byId = new Map<string, ViewerSpan>();
  for (const span of spans) byId.set(span.spanId, span);
  const children = new Map<string, ViewerSpan[]>();
  let root: ViewerSpan | undefined;
  for (const span of spans) {
    if (span.parentId !== undefined && byId.has(span.parentId)) {
      let list = children.get(span.parentId);
      if (list === undefined) {
        list = [];
        children.set(span.parentId, list);
      }
      list.push(span);
    } else if (isBetterRoot(span, root)) root = span;
  }
  if (root === undefined) return [];
  const segments: CriticalPathSegment[] = [];
  const work: { span: ViewerSpan; until: number }[] = [{ span: root, until: root.endMicros }];
  while (work.length > 0) {
    const { span, until } = work.pop() as { span: ViewerSpan; until: number };
    let cursor = Math.min(span.endMicros, until);
    const kids = (children.get(span.spanId) ?? []).slice().sort((a, b) => b.endMicros - a.endMicros);
    for (const child of kids) {
      if (cursor <= span.startMicros) break;
      if (child.startMicros >= cursor) continue;
      const childEnd = Math.min(child.endMicros, cursor);
      if (childEnd <= child.startMicros) continue;
      if (cursor > childEnd) segments.push({ spanId: span.spanId, startMicros: childEnd, endMicros: cursor });
      work.push({ span: child, until: childEnd });
      cursor = Math.max(child.startMicros, span.startMicros);
    }
    if (cursor > span.startMicros) segments.push({ spanId: span.spanId, startMicros: span.startMicros, endMicros: cursor });
  }
  return segments.sort((a, b) => a.startMicros - b.startMicros);
}
