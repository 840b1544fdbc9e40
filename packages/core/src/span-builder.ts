import type { TagValue } from './attributes.js';
import { isValidHexId } from './ids.js';
import { type Result, fail, ok } from './result.js';
import { type Span, type SpanKind, type TimeInput, isSpan } from './span.js';
import { TraceContext, isTraceContext } from './trace-context.js';
import { type StartSpanOptions, type Tracer, globalTracer } from './tracer.js';

/**
 * Fluent span construction. Ids are generated unless set; the start
 * time is taken at {@link SpanBuilder.build}, which returns a `Result`: a set id that is not valid
 * hex, or a parent span id without the trace id it belongs to, is an error that says so rather
 * than a span silently started in a new trace.
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

  /** 32 lowercase hex characters, not all zero; ignored when a parent span or context is set. */
  withTraceId(traceId: string): this {
    this.traceId = traceId;
    return this;
  }

  /** 16 lowercase hex characters, not all zero. */
  withSpanId(spanId: string): this {
    this.spanId = spanId;
    return this;
  }

  /**
   * A parent span, a context, or a parent span id (16 hex). A parent span id needs the trace id
   * it belongs to, from {@link SpanBuilder.withTraceId}; the parent is taken as sampled, as a
   * context made by hand is.
   */
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

  /**
   * Starts the span. Errors: `INVALID_TRACE_ID` / `INVALID_SPAN_ID` / `INVALID_PARENT_ID` for a
   * set id that is not lowercase hex of the right length (or is all zero),
   * `PARENT_WITHOUT_TRACE_ID` for a parent span id given without a trace id.
   */
  build(): Result<Span> {
    const { traceId, spanId, parent } = this;
    if (traceId !== undefined && !isValidHexId(traceId, 32)) return fail('INVALID_TRACE_ID', 'withTraceId needs 32 lowercase hex characters, not all zero');
    if (spanId !== undefined && !isValidHexId(spanId, 16)) return fail('INVALID_SPAN_ID', 'withSpanId needs 16 lowercase hex characters, not all zero');
    const options: StartSpanOptions = { kind: this.kind, tags: this.tags, startTime: this.startTime };
    const tracer = this.tracer;
    let span: Span;
    if (typeof parent === 'string') {
      if (!isValidHexId(parent, 16)) return fail('INVALID_PARENT_ID', 'withParent needs a span, a context or 16 lowercase hex characters, not all zero');
      if (traceId === undefined) {
        return fail('PARENT_WITHOUT_TRACE_ID', 'withParent(spanId) needs withTraceId(traceId) too: a span id alone does not say which trace it belongs to');
      }
      span = tracer['createSpan'](this.operation, this.service, undefined, new TraceContext({ traceId, spanId: parent }), options, undefined, spanId);
    } else if (isTraceContext(parent)) {
      span = tracer['createSpan'](this.operation, this.service, undefined, parent, options, undefined, spanId);
    } else if (isSpan(parent)) {
      span = tracer['createSpan'](this.operation, this.service ?? parent.serviceName, parent, undefined, options, undefined, spanId);
    } else if (parent !== undefined) {
      return fail('INVALID_PARENT', 'withParent needs a span, a context or a span id');
    } else {
      span = tracer['createSpan'](this.operation, this.service, undefined, undefined, options, traceId, spanId);
    }
    for (const [key, value] of this.baggage) span.setBaggage(key, value);
    return ok(span);
  }
}
