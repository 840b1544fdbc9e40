import type { TagValue } from './attributes.js';
import { isValidHexId } from './ids.js';
import type { Span, SpanKind, TimeInput } from './span.js';
import { TraceContext, isTraceContext } from './trace-context.js';
import { type Tracer, globalTracer } from './tracer.js';

/**
 * Fluent span construction (seed §4 `span_builder`). Ids are generated unless set (an invalid id
 * is ignored and generated too); the start time is taken at {@link SpanBuilder.build}.
 */
export class SpanBuilder {
  private readonly tracer: Tracer;
  private operation = '';
  private service: string | undefined;
  private traceId: string | undefined;
  private spanId: string | undefined;
  private parent: Span | TraceContext | string | undefined;
  private kind: SpanKind | undefined;
  private startTime: TimeInput | undefined;
  private readonly tags: Record<string, TagValue> = {};
  private readonly baggage: [string, string][] = [];

  constructor(tracer: Tracer = globalTracer()) {
    this.tracer = tracer;
  }

  withOperation(operation: string): this {
    this.operation = operation;
    return this;
  }

  withService(service: string): this {
    this.service = service;
    return this;
  }

  /** 32 lowercase hex characters; ignored when a parent span or context is set. */
  withTraceId(traceId: string): this {
    this.traceId = isValidHexId(traceId, 32) ? traceId : undefined;
    return this;
  }

  withSpanId(spanId: string): this {
    this.spanId = isValidHexId(spanId, 16) ? spanId : undefined;
    return this;
  }

  /** A parent span, a context, or a parent span id (16 hex) within the trace id set by `withTraceId`. */
  withParent(parent: Span | TraceContext | string): this {
    this.parent = parent;
    return this;
  }

  withKind(kind: SpanKind): this {
    this.kind = kind;
    return this;
  }

  withStartTime(time: TimeInput): this {
    this.startTime = time;
    return this;
  }

  withTag(key: string, value: TagValue): this {
    if (key !== '__proto__') this.tags[key] = value;
    return this;
  }

  withBaggage(key: string, value: string): this {
    this.baggage.push([key, value]);
    return this;
  }

  build(): Span {
    const options = { kind: this.kind, tags: this.tags, startTime: this.startTime };
    let span: Span;
    const parent = this.parent;
    if (typeof parent === 'string') {
      const context = isValidHexId(parent, 16) && this.traceId !== undefined ? new TraceContext({ traceId: this.traceId, spanId: parent }) : undefined;
      span = this.tracer.createSpan(this.operation, this.service, undefined, context, options, this.traceId, this.spanId);
    } else if (isTraceContext(parent)) {
      span = this.tracer.createSpan(this.operation, this.service, undefined, parent, options, undefined, this.spanId);
    } else if (parent !== undefined) {
      span = this.tracer.createSpan(this.operation, this.service ?? parent.serviceName, parent, undefined, options, undefined, this.spanId);
    } else {
      span = this.tracer.createSpan(this.operation, this.service, undefined, undefined, options, this.traceId, this.spanId);
    }
    for (const [key, value] of this.baggage) span.setBaggage(key, value);
    return span;
  }
}
