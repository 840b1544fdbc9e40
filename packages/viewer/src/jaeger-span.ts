// What Jaeger's two encodings (Thrift and protobuf) say about a span, and how its tags map to the
// viewer's kind, status and scope: `span.kind`, `error`, `otel.status_*`, `otel.scope.*`.
import type { SpanKind, SpanStatus } from '@trace/core';
import { type ViewerAttributes, type ViewerEvent, type ViewerLink, type ViewerSpan, kindFromName } from './model.js';

/** A Jaeger span with its ids already as hex. */
export interface JaegerSpanFacts {
  traceId: string;
  spanId: string;
  /** From Thrift's parentSpanId; protobuf spans name their parent by a CHILD_OF reference. */
  parentId: string | undefined;
  name: string;
  /** `type` 0 is CHILD_OF, 1 FOLLOWS_FROM. */
  references: { type: number; traceId: string; spanId: string }[];
  startMicros: number;
  durationMicros: number;
  tags: ViewerAttributes;
  logs: ViewerEvent[];
}

/** A Jaeger span in the viewer's model. */
export function jaegerSpanToViewer(facts: JaegerSpanFacts, service: string, resource: ViewerAttributes): ViewerSpan {
  const traceId = facts.traceId;
  let parentId = facts.parentId;
  const links: ViewerLink[] = [];
  for (const target of facts.references) {
    // CHILD_OF in the same trace is the parent when none was given; the rest are links
    if (target.type === 0 && parentId === undefined && target.traceId === traceId) parentId = target.spanId;
    else if (!(target.type === 0 && target.spanId === parentId)) links.push({ traceId: target.traceId, spanId: target.spanId, attributes: {} });
  }
  const tags = facts.tags;
  const kind: SpanKind = kindFromName(tags['span.kind']) ?? 'internal';
  delete tags['span.kind'];
  let status: SpanStatus = 'unset';
  let statusMessage = '';
  const otelStatus = tags['otel.status_code'];
  if (tags.error === true || tags.error === 'true' || otelStatus === 'ERROR') {
    status = 'error';
    const message = tags['otel.status_description'] ?? tags['error.message'];
    statusMessage = typeof message === 'string' ? message : '';
  } else if (otelStatus === 'OK') status = 'ok';
  const scopeName = tags['otel.scope.name'] ?? tags['otel.library.name'];
  const scopeVersion = tags['otel.scope.version'] ?? tags['otel.library.version'];
  return {
    traceId,
    spanId: facts.spanId,
    parentId,
    name: facts.name,
    kind,
    service,
    startMicros: facts.startMicros,
    endMicros: facts.startMicros + Math.max(0, facts.durationMicros),
    status,
    statusMessage,
    attributes: tags,
    events: facts.logs,
    links,
    resource,
    scope: typeof scopeName === 'string' ? { name: scopeName, ...(typeof scopeVersion === 'string' ? { version: scopeVersion } : {}) } : undefined,
    source: 'jaeger',
  };
}
