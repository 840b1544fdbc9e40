import { Baggage, NO_TRACE_CONTEXT, TraceContext } from '@trace/core';
import {
  B3MultiPropagator,
  B3SinglePropagator,
  kafkaHeadersCarrierAdapter,
  mapCarrierAdapter,
  objectCarrierAdapter,
  parseB3SingleHeader,
} from '../src/index.js';

const TRACE_128 = '463ac35c9f6413ad48485a3953bb6124';
const TRACE_64 = 'a3ce929d0e0e4736';
const SPAN = 'a2fb4a1d1a96d312';
const PARENT = '0020000000000001';

describe('B3 multi-header', () => {
  const b3 = new B3MultiPropagator();

  it('extracts a sampled 128-bit context', () => {
    const result = b3.extract({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.traceId).toBe(TRACE_128);
    expect(result.value.spanId).toBe(SPAN);
    expect(result.value.sampled).toBe(true);
    expect(result.value.isRemote).toBe(true);
    expect(result.value.parentSpanId).toBe(PARENT);
    expect(result.value.debug).toBe(false);
  });

  it('leaves parentSpanId empty when X-B3-ParentSpanId is absent', () => {
    const result = b3.extract({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' });
    expect(result.ok && result.value.parentSpanId).toBe('');
  });

  it('injects X-B3-ParentSpanId from the context and round-trips it', () => {
    const out: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, traceFlags: 1, parentSpanId: PARENT }), out);
    expect(out).toEqual({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': PARENT, 'x-b3-sampled': '1' });
    const back = b3.extract(out);
    expect(back.ok && back.value.parentSpanId).toBe(PARENT);
    // A parent id that is not a valid span id is not sent: receivers would reject the whole context.
    const bad: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, parentSpanId: 'xyz' }), bad);
    expect(bad['x-b3-parentspanid']).toBeUndefined();
  });

  it('reads every header in any case in one pass, preferring the exact lowercase copy', () => {
    const carrier = {
      'X-B3-TRACEID': TRACE_64,
      'x-b3-traceid': TRACE_128,
      'X-B3-SpanId': SPAN,
      'X-b3-ParentSpanId': PARENT,
      'X-B3-Flags': '1',
      'x-b3-sampled': undefined,
      'X-B3-Sampled': '0',
    };
    for (const adapter of [undefined, objectCarrierAdapter]) {
      const result = b3.extract(carrier, adapter);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.traceId).toBe(TRACE_128);
      expect(result.value.spanId).toBe(SPAN);
      expect(result.value.parentSpanId).toBe(PARENT);
      expect(result.value.debug).toBe(true);
      expect(result.value.sampled).toBe(true);
    }
    // Keys that only look like B3 headers are ignored.
    const lookalike = b3.extract({ 'x-b3-traceidx': TRACE_128, 'y-b3-spanid': SPAN, 'x-b4-spanid': SPAN });
    expect(!lookalike.ok && lookalike.error.code).toBe(NO_TRACE_CONTEXT);
    // Inherited keys are not headers.
    const inherited = b3.extract(Object.create({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN }));
    expect(!inherited.ok && inherited.error.code).toBe(NO_TRACE_CONTEXT);
  });

  it('reads the same headers through Map, fetch Headers and Kafka carriers', () => {
    const expected = { traceId: TRACE_128, spanId: SPAN, parentSpanId: PARENT, debug: true };
    const pick = (result: ReturnType<typeof b3.extract>) =>
      result.ok
        ? { traceId: result.value.traceId, spanId: result.value.spanId, parentSpanId: result.value.parentSpanId, debug: result.value.debug }
        : result.error.code;
    const map = new Map([
      ['X-B3-TraceId', TRACE_128],
      ['X-B3-SpanId', SPAN],
      ['X-B3-ParentSpanId', PARENT],
      ['X-B3-Flags', '1'],
    ]);
    expect(pick(b3.extract(map))).toEqual(expected);
    expect(pick(b3.extract(map, mapCarrierAdapter))).toEqual(expected);
    const headers = new Headers({ 'X-B3-TraceId': TRACE_128, 'X-B3-SpanId': SPAN, 'X-B3-ParentSpanId': PARENT, 'X-B3-Flags': '1' });
    expect(pick(b3.extract(headers))).toEqual(expected);
    const kafka = { 'x-b3-traceid': Buffer.from(TRACE_128), 'X-B3-SpanId': Buffer.from(SPAN), 'x-b3-parentspanid': Buffer.from(PARENT), 'x-b3-flags': '1' };
    expect(pick(b3.extract(kafka, kafkaHeadersCarrierAdapter))).toEqual(expected);
  });

  it('left-pads a 64-bit trace id to 32 hex characters', () => {
    const result = b3.extract({ 'X-B3-TraceId': TRACE_64, 'X-B3-SpanId': SPAN, 'X-B3-Sampled': '0' });
    expect(result.ok && result.value.traceId).toBe(`0000000000000000${TRACE_64}`);
    expect(result.ok && result.value.sampled).toBe(false);
  });

  it('treats X-B3-Flags: 1 as debug, which implies sampled even against X-B3-Sampled: 0', () => {
    const result = b3.extract({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-flags': '1', 'x-b3-sampled': '0' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sampled).toBe(true);
    expect(result.value.debug).toBe(true);
    const out: Record<string, string> = {};
    b3.inject(result.value, out);
    expect(out['x-b3-flags']).toBe('1');
    expect(out['x-b3-sampled']).toBeUndefined();
  });

  it('ignores X-B3-Flags other than 1 and accepts legacy true/false', () => {
    const flags = b3.extract({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-flags': '0' });
    expect(flags.ok && flags.value.debug).toBe(false);
    expect(flags.ok && flags.value.sampled).toBe(false); // deferred reads as not sampled
    const legacy = b3.extract({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': 'true' });
    expect(legacy.ok && legacy.value.sampled).toBe(true);
  });

  it('injects trace id, span id and sampled, shortening a 64-bit trace id', () => {
    const out: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, traceFlags: 1 }), out);
    expect(out).toEqual({ 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' });
    const short: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: `0000000000000000${TRACE_64}`, spanId: SPAN, traceFlags: 0 }), short);
    expect(short['x-b3-traceid']).toBe(TRACE_64);
    expect(short['x-b3-sampled']).toBe('0');
    const back = b3.extract(short);
    expect(back.ok && back.value.traceId).toBe(`0000000000000000${TRACE_64}`);
  });

  it('does not inject a context with invalid ids', () => {
    const out: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: 'nope', spanId: SPAN }), out);
    expect(out).toEqual({});
  });

  it.each([
    ['uppercase trace id', { 'x-b3-traceid': TRACE_128.toUpperCase(), 'x-b3-spanid': SPAN }, 'B3_INVALID_TRACE_ID'],
    ['24-char trace id', { 'x-b3-traceid': TRACE_128.slice(0, 24), 'x-b3-spanid': SPAN }, 'B3_INVALID_TRACE_ID'],
    ['zero trace id', { 'x-b3-traceid': '0000000000000000', 'x-b3-spanid': SPAN }, 'B3_INVALID_TRACE_ID'],
    ['non-hex trace id', { 'x-b3-traceid': 'g3ce929d0e0e4736', 'x-b3-spanid': SPAN }, 'B3_INVALID_TRACE_ID'],
    ['short span id', { 'x-b3-traceid': TRACE_128, 'x-b3-spanid': 'a2fb4a1d' }, 'B3_INVALID_SPAN_ID'],
    ['zero span id', { 'x-b3-traceid': TRACE_128, 'x-b3-spanid': '0000000000000000' }, 'B3_INVALID_SPAN_ID'],
    ['bad parent', { 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': 'xyz' }, 'B3_INVALID_PARENT_SPAN_ID'],
    ['bad sampled', { 'x-b3-traceid': TRACE_128, 'x-b3-spanid': SPAN, 'x-b3-sampled': 'yes' }, 'B3_INVALID_SAMPLED'],
    ['missing span id', { 'x-b3-traceid': TRACE_128 }, 'B3_MISSING_SPAN_ID'],
    ['missing trace id', { 'x-b3-spanid': SPAN }, 'B3_MISSING_TRACE_ID'],
    ['sampling only', { 'x-b3-sampled': '0' }, 'B3_SAMPLING_ONLY'],
    ['repeated different ids', { 'x-b3-traceid': [TRACE_128, TRACE_64], 'x-b3-spanid': SPAN }, 'B3_REPEATED_HEADER'],
    ['nothing', {}, NO_TRACE_CONTEXT],
  ])('rejects %s', (_name, carrier, code) => {
    const result = b3.extract(carrier);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('accepts a repeated header whose copies are identical', () => {
    const result = b3.extract({ 'x-b3-traceid': [TRACE_128, TRACE_128], 'x-b3-spanid': SPAN });
    expect(result.ok).toBe(true);
  });

  it('never throws on hostile carriers', () => {
    for (const carrier of [null, undefined, 42, 'x', [], { 'x-b3-traceid': 5 }, Object.create(null)]) {
      expect(() => b3.extract(carrier)).not.toThrow();
      expect(() => b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN }), carrier)).not.toThrow();
    }
  });

  it('lists its fields', () => {
    expect(b3.fields()).toEqual(['x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']);
  });
});

describe('B3 single header', () => {
  const b3 = new B3SinglePropagator();

  it.each([
    [`${TRACE_128}-${SPAN}-1-${PARENT}`, TRACE_128, true, false, PARENT],
    [`${TRACE_128}-${SPAN}-d-${PARENT}`, TRACE_128, true, true, PARENT],
    [`${TRACE_128}-${SPAN}-1`, TRACE_128, true, false, ''],
    [`${TRACE_128}-${SPAN}-0`, TRACE_128, false, false, ''],
    [`${TRACE_128}-${SPAN}-d`, TRACE_128, true, true, ''],
    [`${TRACE_128}-${SPAN}`, TRACE_128, false, false, ''],
    [`${TRACE_64}-${SPAN}-1`, `0000000000000000${TRACE_64}`, true, false, ''],
  ])('extracts %s', (header, traceId, sampled, debug, parentSpanId) => {
    const result = b3.extract({ b3: header });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.traceId).toBe(traceId);
    expect(result.value.spanId).toBe(SPAN);
    expect(result.value.sampled).toBe(sampled);
    expect(result.value.debug).toBe(debug);
    expect(result.value.parentSpanId).toBe(parentSpanId);
  });

  it.each([
    ['0', 'B3_SAMPLING_ONLY'],
    ['1', 'B3_SAMPLING_ONLY'],
    ['d', 'B3_SAMPLING_ONLY'],
    ['x', 'B3_INVALID'],
    [TRACE_128, 'B3_INVALID'],
    [`${TRACE_128}-`, 'B3_INVALID_SPAN_ID'],
    [`${TRACE_128.toUpperCase()}-${SPAN}-1`, 'B3_INVALID_TRACE_ID'],
    [`${TRACE_128}-${SPAN}-2`, 'B3_INVALID_SAMPLED'],
    [`${TRACE_128}-${SPAN}-true`, 'B3_INVALID_SAMPLED'],
    [`${TRACE_128}-${SPAN}--${PARENT}`, 'B3_INVALID_SAMPLED'],
    [`${TRACE_128}-${SPAN}-1-abc`, 'B3_INVALID_PARENT_SPAN_ID'],
    [`${TRACE_128}-${SPAN}-1-${PARENT}-extra`, 'B3_INVALID'],
    [`${TRACE_128}-0000000000000000-1`, 'B3_INVALID_SPAN_ID'],
  ])('rejects %s', (header, code) => {
    const result = parseB3SingleHeader(header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('rejects an oversize header without scanning it', () => {
    const result = parseB3SingleHeader('a'.repeat(10_000));
    expect(!result.ok && result.error.code).toBe('B3_INVALID');
  });

  it('injects {TraceId}-{SpanId}-{state} and round-trips debug', () => {
    const out: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, traceFlags: 1 }), out);
    expect(out).toEqual({ b3: `${TRACE_128}-${SPAN}-1` });
    const debug = b3.extract({ b3: `${TRACE_128}-${SPAN}-d` });
    const again: Record<string, string> = {};
    if (debug.ok) b3.inject(debug.value, again);
    expect(again.b3).toBe(`${TRACE_128}-${SPAN}-d`);
  });

  it('injects the parent as the fourth field and d for a debug context', () => {
    const out: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, traceFlags: 0, parentSpanId: PARENT, debug: true }), out);
    expect(out.b3).toBe(`${TRACE_128}-${SPAN}-d-${PARENT}`);
    const back = b3.extract(out);
    expect(back.ok && [back.value.parentSpanId, back.value.debug, back.value.sampled]).toEqual([PARENT, true, true]);
    const unsampled: Record<string, string> = {};
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, traceFlags: 0, parentSpanId: PARENT }), unsampled);
    expect(unsampled.b3).toBe(`${TRACE_128}-${SPAN}-0-${PARENT}`);
  });

  it('drops baggage it cannot carry and reports missing headers', () => {
    const out: Record<string, string> = {};
    const baggage = Baggage.fromRecord({ user: 'x' });
    b3.inject(new TraceContext({ traceId: TRACE_128, spanId: SPAN, baggage: baggage.ok ? baggage.value : undefined }), out);
    expect(Object.keys(out)).toEqual(['b3']);
    const missing = b3.extract({});
    expect(!missing.ok && missing.error.code).toBe(NO_TRACE_CONTEXT);
  });
});
