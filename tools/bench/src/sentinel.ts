// Diagnostic for `--sentinel`. When no Span is alive, a full GC frees the hidden classes that Span
// objects reach through field transitions, and V8 throws away all optimised code that embeds them
// ("deoptimizing ... reason: weak objects"): after every GC the span path starts again in the
// interpreter. Keeping one finished span (and its context) referenced keeps those classes alive,
// which is what a fix inside @trace/core would do; this flag shows what such a fix buys.
import { type Span, type TraceContext, Tracer } from '@trace/core';

const held: { span?: Span; child?: Span; context?: TraceContext } = {};

export function keepSentinelAlive(): void {
  const tracer = new Tracer();
  const span = tracer.startSpan('sentinel', { parent: null });
  span.setTag('sentinel', true);
  const child = tracer.startChildSpan(span, 'sentinel child');
  child.end();
  span.end();
  held.span = span;
  held.child = child;
  held.context = span.context();
  const carrier: Record<string, string> = {};
  tracer.injectContext(span, carrier);
  const extracted = tracer.extractContextFromCarrier(carrier);
  if (extracted.ok) held.context = extracted.value;
}
