// An in-process SpanExporter that hands finished spans to a viewer's store: no ports, no encoding.
import { BaseSpanExporter, type ExportResult, type Span, exportSucceeded } from '@trace/core';
import type { ViewerAttributes, ViewerSpan } from './model.js';
import type { TraceStore } from './trace-store.js';

/** Options of a {@link ViewerExporter}. */
export interface ViewerExporterOptions {
  /** Resource attributes shown on every span (`service.name` is always the span's service). */
  resource?: Readonly<ViewerAttributes>;
}

/** Converts one finished core span to the viewer's model. */
export function toViewerSpan(span: Span, resource: Readonly<ViewerAttributes> = {}): ViewerSpan {
  const attributes: ViewerAttributes = {};
  const tags = span.tags;
  for (const key in tags) attributes[key] = tags[key] as ViewerSpan['attributes'][string];
  const scope = span.instrumentationScope;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentId: span.parentSpanId === '' ? undefined : span.parentSpanId,
    name: span.operationName,
    kind: span.kind,
    service: span.serviceName,
    startMicros: span.startTime,
    endMicros: span.startTime + Math.max(0, span.duration),
    status: span.status,
    statusMessage: span.statusMessage,
    attributes,
    events: span.events.map((event) => ({ timeMicros: event.time, name: event.name, attributes: { ...event.attributes } })),
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId, attributes: { ...link.attributes } })),
    resource: { ...resource, 'service.name': span.serviceName },
    scope: scope.name === '' ? undefined : { name: scope.name, ...(scope.version !== undefined ? { version: scope.version } : {}) },
    source: 'in-process',
  };
}

/**
 * Feeds a viewer's {@link TraceStore} directly: give it to a tracer as its exporter, and its
 * spans appear on the page of the viewer that owns the store. Exports never fail (the store
 * evicts old traces instead).
 */
export class ViewerExporter extends BaseSpanExporter {
  private readonly store: TraceStore;
  private readonly resource: Readonly<ViewerAttributes>;

  constructor(store: TraceStore, options: ViewerExporterOptions = {}) {
    super();
    this.store = store;
    this.resource = { ...(options.resource ?? {}) };
  }

  protected override async send(spans: readonly Span[]): Promise<ExportResult> {
    const converted: ViewerSpan[] = [];
    for (const span of spans) converted.push(toViewerSpan(span, this.resource));
    this.store.add(converted);
    return exportSucceeded();
  }
}
