// W5: moving context across a process boundary. Both sides use what a production setup
// registers by default: @trace's tracer propagator (W3C trace context + baggage) and OTel's
// composite of W3CTraceContextPropagator + W3CBaggagePropagator as the global propagator. The
// sub-workloads differ in what the context holds: a span only, or a span plus 3 baggage entries.
import { type Context, ROOT_CONTEXT, context as otelContext, propagation, trace as otelTrace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@otel3/core';
import type { Span, Tracer } from '@trace/core';
import { createOtelSide } from '../setup-otel.js';
import { createTraceSide } from '../setup-trace.js';
import type { Implementation, TimedWorkload } from '../workload.js';

type Headers = Record<string, string>;

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const BAGGAGE = 'userId=alice,tenant=acme%20corp,region=eu-west-1';
const BAGGAGE_ENTRIES: Record<string, string> = { userId: 'alice', tenant: 'acme corp', region: 'eu-west-1' };

let otelPropagatorInstalled = false;
function installOtelPropagator(): void {
  if (otelPropagatorInstalled) return;
  propagation.disable();
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  otelPropagatorInstalled = true;
}

// ── inject loops ──────────────────────────────────────────────────────────────────────────────

function injectTrace(tracer: Tracer, span: Span, n: number): Headers {
  let carrier: Headers = {};
  for (let i = 0; i < n; i++) {
    carrier = {};
    tracer.injectContext(span, carrier);
  }
  return carrier;
}

function injectOtel(ctx: Context, n: number): Headers {
  let carrier: Headers = {};
  for (let i = 0; i < n; i++) {
    carrier = {};
    propagation.inject(ctx, carrier);
  }
  return carrier;
}

// ── extract loops ─────────────────────────────────────────────────────────────────────────────

function extractTrace(tracer: Tracer, carrier: Headers, n: number): number {
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const result = tracer.extractContextFromCarrier(carrier);
    if (!result.ok) failures++;
  }
  return failures;
}

function extractOtel(carrier: Headers, n: number): number {
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const ctx = propagation.extract(ROOT_CONTEXT, carrier);
    if (ctx === ROOT_CONTEXT) failures++;
  }
  return failures;
}

// ── set-up shared by the four rows (untimed) ──────────────────────────────────────────────────

interface Fixture {
  tracer: Tracer;
  otelTracer: ReturnType<typeof createOtelSide>['tracer'];
  traceSpan: Span;
  otelContext: Context;
  carrier: Headers;
  expected: Headers;
}

function fixture(withBaggage: boolean): Fixture {
  installOtelPropagator();
  const t = createTraceSide({ maxQueueSize: 1024 });
  const o = createOtelSide({ maxQueueSize: 1024 });
  const traceSpan = t.tracer.startSpan('client call');
  const otelSpan = o.tracer.startSpan('client call');
  let ctx = otelTrace.setSpan(otelContext.active(), otelSpan);
  if (withBaggage) {
    for (const key in BAGGAGE_ENTRIES) traceSpan.setBaggage(key, BAGGAGE_ENTRIES[key] as string);
    const entries: Record<string, { value: string }> = {};
    for (const key in BAGGAGE_ENTRIES) entries[key] = { value: BAGGAGE_ENTRIES[key] as string };
    ctx = propagation.setBaggage(ctx, propagation.createBaggage(entries));
  }
  const carrier: Headers = withBaggage ? { traceparent: TRACEPARENT, baggage: BAGGAGE } : { traceparent: TRACEPARENT };
  return { tracer: t.tracer, otelTracer: o.tracer, traceSpan, otelContext: ctx, carrier, expected: carrier };
}

/** Checks an injected carrier: a traceparent for the span, and the baggage when there is some. */
function checkInjected(side: string, carrier: Headers, spanId: string, withBaggage: boolean): string | undefined {
  const traceparent = carrier['traceparent'];
  if (traceparent === undefined || traceparent.length !== 55 || !traceparent.includes(spanId)) return `${side} injected traceparent ${String(traceparent)}`;
  if (withBaggage) {
    const baggage = carrier['baggage'] ?? '';
    for (const key in BAGGAGE_ENTRIES) if (!baggage.includes(`${key}=`)) return `${side} injected baggage "${baggage}" lacks ${key}`;
  } else if (carrier['baggage'] !== undefined) {
    return `${side} injected baggage it did not have`;
  }
  return undefined;
}

function injectWorkload(id: string, withBaggage: boolean): TimedWorkload {
  return {
    kind: 'timed',
    id,
    title: withBaggage ? 'inject traceparent + baggage (3 entries) into a new header object' : 'inject traceparent into a new header object',
    op: 'inject',
    opsPerSample: 50_000,
    async setup(n) {
      const f = fixture(withBaggage);
      const otelSpanId = otelTrace.getSpanContext(f.otelContext)?.spanId ?? '?';
      let traceOut: Headers = {};
      let otelOut: Headers = {};
      const traceImpl: Implementation = {
        run: () => {
          traceOut = injectTrace(f.tracer, f.traceSpan, n);
        },
        verify: async () => checkInjected('trace', traceOut, f.traceSpan.spanId, withBaggage),
      };
      const otelImpl: Implementation = {
        run: () => {
          otelOut = injectOtel(f.otelContext, n);
        },
        verify: async () => checkInjected('otel', otelOut, otelSpanId, withBaggage),
      };
      return { trace: traceImpl, otel: otelImpl };
    },
  };
}

// ── first inject of each span ─────────────────────────────────────────────────────────────────
// W5-tp-inject injects one span over and over, as the OTel side injects one context built before
// the loop. @trace formats a span's traceparent on its first inject and keeps it, while OTel's
// span carries hex ids from its start; these rows time the first inject of fresh spans, made
// (untimed) before each sample, so that cost is shown too.

/** `count` fresh @trace spans, not ended: they are only injected. */
function freshTraceSpans(f: Fixture, count: number): Span[] {
  const spans: Span[] = new Array(count);
  for (let i = 0; i < count; i++) spans[i] = f.tracer.startSpan('client call');
  return spans;
}

/** `count` contexts, each holding a fresh OTel span. */
function freshOtelContexts(f: Fixture, count: number): Context[] {
  const contexts: Context[] = new Array(count);
  const active = otelContext.active();
  for (let i = 0; i < count; i++) contexts[i] = otelTrace.setSpan(active, f.otelTracer.startSpan('client call'));
  return contexts;
}

function injectEachTrace(tracer: Tracer, spans: readonly Span[]): Headers {
  let carrier: Headers = {};
  for (let i = 0; i < spans.length; i++) {
    carrier = {};
    tracer.injectContext(spans[i] as Span, carrier);
  }
  return carrier;
}

function injectEachOtel(contexts: readonly Context[]): Headers {
  let carrier: Headers = {};
  for (let i = 0; i < contexts.length; i++) {
    carrier = {};
    propagation.inject(contexts[i] as Context, carrier);
  }
  return carrier;
}

/** W5-tp-inject-first: the first inject of each of n fresh spans, on both sides. */
export const w5TraceparentInjectFirst: TimedWorkload = {
  kind: 'timed',
  id: 'W5-tp-inject-first',
  title: 'inject traceparent into a new header object, the first inject of each of n fresh spans',
  op: 'inject',
  opsPerSample: 50_000,
  async setup(n) {
    const f = fixture(false);
    let traceSpans: Span[] = [];
    let otelContexts: Context[] = [];
    let traceOut: Headers = {};
    let otelOut: Headers = {};
    return {
      trace: {
        prepare: () => {
          traceSpans = freshTraceSpans(f, n);
        },
        run: () => {
          traceOut = injectEachTrace(f.tracer, traceSpans);
        },
        verify: async () => checkInjected('trace', traceOut, (traceSpans[n - 1] as Span).spanId, false),
      },
      otel: {
        prepare: () => {
          otelContexts = freshOtelContexts(f, n);
        },
        run: () => {
          otelOut = injectEachOtel(otelContexts);
        },
        verify: async () => checkInjected('otel', otelOut, otelTrace.getSpanContext(otelContexts[n - 1] as Context)?.spanId ?? '?', false),
      },
    };
  },
};

/**
 * T-traceparent-kept: the trick behind W5-tp-inject. A span injected again reads the header its
 * first inject made (the "@trace" column) against the first inject of fresh spans, which formats
 * the header every time (the "OTel" column: the plain way, not OpenTelemetry).
 */
export const tTraceparentKept: TimedWorkload = {
  kind: 'timed',
  id: 'T-traceparent-kept',
  title: 'trick: inject of a span injected before (traceparent kept) vs first inject of fresh spans (the "OTel" column)',
  op: 'inject',
  opsPerSample: 50_000,
  async setup(n) {
    const f = fixture(false);
    let fresh: Span[] = [];
    let keptOut: Headers = {};
    let freshOut: Headers = {};
    return {
      trace: {
        run: () => {
          keptOut = injectTrace(f.tracer, f.traceSpan, n);
        },
        verify: async () => checkInjected('kept', keptOut, f.traceSpan.spanId, false),
      },
      otel: {
        prepare: () => {
          fresh = freshTraceSpans(f, n);
        },
        run: () => {
          freshOut = injectEachTrace(f.tracer, fresh);
        },
        verify: async () => checkInjected('fresh', freshOut, (fresh[fresh.length - 1] as Span).spanId, false),
      },
    };
  },
};

function extractWorkload(id: string, withBaggage: boolean): TimedWorkload {
  return {
    kind: 'timed',
    id,
    title: withBaggage ? 'extract traceparent + baggage (3 entries) from headers' : 'extract traceparent from headers',
    op: 'extract',
    opsPerSample: 50_000,
    async setup(n) {
      const f = fixture(withBaggage);
      // Each side reads its own carrier object with the same content.
      const traceCarrier: Headers = { ...f.carrier };
      const otelCarrier: Headers = { ...f.carrier };
      // Check once, untimed, that both sides really understand the headers.
      const traceResult = f.tracer.extractContextFromCarrier(traceCarrier);
      if (!traceResult.ok || traceResult.value.spanId !== '00f067aa0ba902b7') throw new Error('trace extract disagrees with the fixture');
      if (withBaggage && traceResult.value.baggage.get('tenant') !== 'acme corp') throw new Error('trace baggage extract disagrees with the fixture');
      const otelResult = propagation.extract(ROOT_CONTEXT, otelCarrier);
      if (otelTrace.getSpanContext(otelResult)?.spanId !== '00f067aa0ba902b7') throw new Error('otel extract disagrees with the fixture');
      if (withBaggage && propagation.getBaggage(otelResult)?.getEntry('tenant')?.value !== 'acme corp')
        throw new Error('otel baggage extract disagrees with the fixture');
      let traceFailures = 0;
      let otelFailures = 0;
      return {
        trace: {
          run: () => {
            traceFailures = extractTrace(f.tracer, traceCarrier, n);
          },
          verify: async () => (traceFailures === 0 ? undefined : `trace failed ${traceFailures} extracts`),
        },
        otel: {
          run: () => {
            otelFailures = extractOtel(otelCarrier, n);
          },
          verify: async () => (otelFailures === 0 ? undefined : `otel failed ${otelFailures} extracts`),
        },
      };
    },
  };
}

export const w5TraceparentInject = injectWorkload('W5-tp-inject', false);
export const w5TraceparentExtract = extractWorkload('W5-tp-extract', false);
export const w5BaggageInject = injectWorkload('W5-bag-inject', true);
export const w5BaggageExtract = extractWorkload('W5-bag-extract', true);
