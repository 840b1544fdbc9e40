import { Baggage, NO_TRACE_CONTEXT, TraceContext } from '@trace/core';
import { JaegerPropagator, mapCarrierAdapter, parseUberTraceId } from '../src/index.js';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = 'a2fb4a1d1a96d312';

describe('Jaeger uber-trace-id', () => {
  const jaeger = new JaegerPropagator();

  it.each([
    [`${TRACE}:${SPAN}:0:1`, TRACE, SPAN, true, false, ''],
    [`${TRACE}:${SPAN}:0:01`, TRACE, SPAN, true, false, ''],
    [`${TRACE}:${SPAN}:0:0`, TRACE, SPAN, false, false, ''],
    [`${TRACE}:${SPAN}:0:3`, TRACE, SPAN, true, true, ''],
    [`${TRACE}:${SPAN}:0:2`, TRACE, SPAN, true, true, ''], // debug implies sampled
    [`${TRACE}:${SPAN}:0:08`, TRACE, SPAN, false, false, ''], // firehose alone is not sampled
    [`${TRACE}:${SPAN}:0000000000000000:1`, TRACE, SPAN, true, false, ''],
    ['deadbeef:abc:0:1', '000000000000000000000000deadbeef', '0000000000000abc', true, false, ''],
    [`${TRACE.toUpperCase()}:${SPAN.toUpperCase()}:1234:1`, TRACE, SPAN, true, false, '0000000000001234'],
    [`${TRACE}%3A${SPAN}%3A0%3A1`, TRACE, SPAN, true, false, ''],
    [`${TRACE}%3a${SPAN}%3a0%3a1`, TRACE, SPAN, true, false, ''],
  ])('extracts %s', (header, traceId, spanId, sampled, debug, parentSpanId) => {
    const result = jaeger.extract({ 'uber-trace-id': header });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.traceId).toBe(traceId);
    expect(result.value.spanId).toBe(spanId);
    expect(result.value.sampled).toBe(sampled);
    expect(result.value.debug).toBe(debug);
    expect(result.value.parentSpanId).toBe(parentSpanId);
  });

  it.each([
    ['', 'JAEGER_INVALID'],
    [`${TRACE}:${SPAN}:0`, 'JAEGER_INVALID'],
    [`${TRACE}:${SPAN}:0:1:9`, 'JAEGER_INVALID'],
    [`0:${SPAN}:0:1`, 'JAEGER_INVALID_TRACE_ID'],
    [`:${SPAN}:0:1`, 'JAEGER_INVALID_TRACE_ID'],
    [`${TRACE}0:${SPAN}:0:1`, 'JAEGER_INVALID_TRACE_ID'],
    [`xyz:${SPAN}:0:1`, 'JAEGER_INVALID_TRACE_ID'],
    [`${TRACE}:0:0:1`, 'JAEGER_INVALID_SPAN_ID'],
    [`${TRACE}:${SPAN}0:0:1`, 'JAEGER_INVALID_SPAN_ID'],
    [`${TRACE}:${SPAN}::1`, 'JAEGER_INVALID_PARENT_SPAN_ID'],
    [`${TRACE}:${SPAN}:0:`, 'JAEGER_INVALID_FLAGS'],
    [`${TRACE}:${SPAN}:0:100`, 'JAEGER_INVALID_FLAGS'],
    [`${TRACE}:${SPAN}:0:zz`, 'JAEGER_INVALID_FLAGS'],
    [`${TRACE}%3G${SPAN}:0:1`, 'JAEGER_INVALID'],
    [`${TRACE}:${SPAN}:0:1${' '.repeat(200)}x`, 'JAEGER_INVALID'],
  ])('rejects %j', (header, code) => {
    const result = parseUberTraceId(header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('reports a missing or ambiguous header', () => {
    const missing = jaeger.extract({});
    expect(!missing.ok && missing.error.code).toBe(NO_TRACE_CONTEXT);
    const repeated = jaeger.extract({ 'uber-trace-id': [`${TRACE}:${SPAN}:0:1`, `${TRACE}:${SPAN}:0:0`] });
    expect(!repeated.ok && repeated.error.code).toBe('JAEGER_REPEATED_HEADER');
  });

  it('extracts uberctx- baggage percent-decoded, any header case, and jaeger-baggage', () => {
    const result = jaeger.extract({
      'uber-trace-id': `${TRACE}:${SPAN}:0:1`,
      'uberctx-user-id': '42',
      'UberCtx-Greeting': 'hello%20w%C3%B6rld%2C%20ok',
      'uberctx-broken': '%E0%A4%A',
      'jaeger-baggage': 'tenant=acme, user-id=ignored',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.baggage.toRecord()).toEqual({ 'user-id': '42', greeting: 'hello wörld, ok', tenant: 'acme' });
  });

  it('reads one value per key when a header arrives in several casings: lowercase first, else the first listed', () => {
    const both = { 'Uberctx-User': 'mixed', 'uberctx-user': 'lower' };
    expect(jaeger.extractBaggage(both)?.toRecord()).toEqual({ user: 'lower' });
    expect(jaeger.extractBaggage(new Map(Object.entries(both)), mapCarrierAdapter as never)?.toRecord()).toEqual({ user: 'lower' });
    expect(jaeger.extractBaggage({ 'Uberctx-User': 'first', 'UBERCTX-USER': 'second' })?.toRecord()).toEqual({ user: 'first' });
    // Keys that are not baggage tokens, or that would reach a prototype, are dropped one by one.
    expect(jaeger.extractBaggage({ 'uberctx-__proto__': 'x', 'uberctx-a b': 'y', 'uberctx-ok': 'z' })?.toRecord()).toEqual({ ok: 'z' });
  });

  it('extractBaggage works without a trace header and returns undefined when there is none', () => {
    expect(jaeger.extractBaggage({ 'uberctx-a': 'b' })?.get('a')).toBe('b');
    expect(jaeger.extractBaggage({ other: 'x' })).toBeUndefined();
    expect(new JaegerPropagator({ extractBaggage: false }).extractBaggage({ 'uberctx-a': 'b' })).toBeUndefined();
  });

  it('injects {trace}:{span}:0:{flags} and uberctx- baggage, percent-encoded', () => {
    const baggage = Baggage.fromRecord({ user: 'jo doe', path: 'a/b' });
    if (!baggage.ok) throw baggage.error;
    const out: Record<string, string> = {};
    jaeger.inject(new TraceContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1, baggage: baggage.value }), out);
    expect(out).toEqual({ 'uber-trace-id': `${TRACE}:${SPAN}:0:01`, 'uberctx-user': 'jo%20doe', 'uberctx-path': 'a%2Fb' });
    const back = jaeger.extract(out);
    expect(back.ok && back.value.baggage.get('user')).toBe('jo doe');
  });

  it('injects a 64-bit trace id as 16 characters, unsampled as 00 and debug as 03', () => {
    const out: Record<string, string> = {};
    jaeger.inject(new TraceContext({ traceId: `0000000000000000${SPAN}`, spanId: SPAN, traceFlags: 0 }), out);
    expect(out['uber-trace-id']).toBe(`${SPAN}:${SPAN}:0:00`);
    const debug = jaeger.extract({ 'uber-trace-id': `${TRACE}:${SPAN}:0:3` });
    const again: Record<string, string> = {};
    if (debug.ok) jaeger.inject(debug.value, again);
    expect(again['uber-trace-id']).toBe(`${TRACE}:${SPAN}:0:03`);
  });

  it('writes the parent span id and debug flag from the context, and keeps debug with baggage', () => {
    const parent = '0020000000000001';
    const out: Record<string, string> = {};
    jaeger.inject(new TraceContext({ traceId: TRACE, spanId: SPAN, traceFlags: 0, parentSpanId: parent, debug: true }), out);
    expect(out['uber-trace-id']).toBe(`${TRACE}:${SPAN}:${parent}:03`);
    const back = jaeger.extract({ ...out, 'uberctx-k': 'v' });
    expect(back.ok && [back.value.parentSpanId, back.value.debug, back.value.sampled, back.value.baggage.get('k')]).toEqual([parent, true, true, 'v']);
  });

  it('never throws on hostile carriers', () => {
    const ctx = new TraceContext({ traceId: TRACE, spanId: SPAN });
    for (const carrier of [null, undefined, 7, 'str', Object.freeze({}), { 'uber-trace-id': {} }]) {
      expect(() => jaeger.extract(carrier)).not.toThrow();
      expect(() => jaeger.extractBaggage(carrier)).not.toThrow();
      expect(() => jaeger.inject(ctx, carrier)).not.toThrow();
    }
  });
});
