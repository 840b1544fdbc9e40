import { Baggage, ConfigError, NO_TRACE_CONTEXT, TraceContext, W3CPropagator } from '@trace/core';
import {
  B3MultiPropagator,
  B3SinglePropagator,
  CompositePropagator,
  JaegerPropagator,
  NoopPropagator,
  createPropagatorFromEnv,
  createPropagatorFromNames,
} from '../src/index.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const OTHER_TRACE = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = '00f067aa0ba902b7';

function contextWithBaggage(): TraceContext {
  const baggage = Baggage.fromRecord({ user: 'u1', tenant: 'acme' });
  if (!baggage.ok) throw baggage.error;
  return new TraceContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1, baggage: baggage.value });
}

describe('CompositePropagator', () => {
  const composite = new CompositePropagator([
    new W3CPropagator({ baggage: false }),
    new B3MultiPropagator(),
    new JaegerPropagator(),
    new W3CPropagator({ traceContext: false }),
  ]);

  it('injects every format', () => {
    const out: Record<string, string> = {};
    composite.inject(contextWithBaggage(), out);
    expect(out.traceparent).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(out['x-b3-traceid']).toBe(TRACE);
    expect(out['uber-trace-id']).toBe(`${TRACE}:${SPAN}:0:01`);
    expect(out.baggage).toBe('user=u1,tenant=acme');
    expect(out['uberctx-tenant']).toBe('acme');
  });

  it('keeps debug and parentSpanId when baggage from another format is merged in', () => {
    const parent = '0020000000000001';
    const result = composite.extract({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': parent, 'x-b3-flags': '1', baggage: 'user=u1' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.baggage.get('user')).toBe('u1');
    expect([result.value.debug, result.value.sampled, result.value.parentSpanId]).toEqual([true, true, parent]);
    const out: Record<string, string> = {};
    composite.inject(result.value, out);
    expect(out['x-b3-flags']).toBe('1');
    expect(out['x-b3-parentspanid']).toBe(parent);
    expect(out['uber-trace-id']).toBe(`${TRACE}:${SPAN}:${parent}:03`);
  });

  it('extracts from the first propagator that succeeds, in order', () => {
    const carrier = { 'x-b3-traceid': OTHER_TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1', 'uber-trace-id': `${TRACE}:${SPAN}:0:1` };
    const result = composite.extract(carrier);
    expect(result.ok && result.value.traceId).toBe(OTHER_TRACE);
    const reversed = new CompositePropagator([new JaegerPropagator(), new B3MultiPropagator()]).extract(carrier);
    expect(reversed.ok && reversed.value.traceId).toBe(TRACE);
  });

  it('falls through a malformed format to a valid one', () => {
    const result = composite.extract({ traceparent: 'garbage', 'uber-trace-id': `${TRACE}:${SPAN}:0:1` });
    expect(result.ok && result.value.traceId).toBe(TRACE);
  });

  it('merges baggage from every propagator, earlier ones winning', () => {
    const result = composite.extract({
      'x-b3-traceid': TRACE,
      'x-b3-spanid': SPAN,
      'uberctx-user': 'from-jaeger',
      'uberctx-region': 'eu',
      baggage: 'user=from-w3c,plan=gold',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.baggage.toRecord()).toEqual({ user: 'from-jaeger', region: 'eu', plan: 'gold' });
  });

  it('says what was malformed when nothing succeeds, and NO_TRACE_CONTEXT when nothing was there', () => {
    const bad = composite.extract({ 'x-b3-traceid': 'nothex', 'x-b3-spanid': SPAN });
    expect(!bad.ok && bad.error.code).toBe('B3_INVALID_TRACE_ID');
    const none = composite.extract({ baggage: 'a=b' });
    expect(!none.ok && none.error.code).toBe(NO_TRACE_CONTEXT);
  });

  it('survives a propagator that throws', () => {
    const throwing = {
      fields: () => ['x-broken'],
      inject: () => {
        throw new Error('boom');
      },
      extract: () => {
        throw new Error('boom');
      },
      extractBaggage: () => {
        throw new Error('boom');
      },
    };
    const guarded = new CompositePropagator([throwing, new B3SinglePropagator()]);
    const out: Record<string, string> = {};
    expect(() => guarded.inject(contextWithBaggage(), out)).not.toThrow();
    expect(out.b3).toBe(`${TRACE}-${SPAN}-1`);
    const back = guarded.extract(out);
    expect(back.ok && back.value.traceId).toBe(TRACE);
  });

  it('lists the union of fields without repeats', () => {
    const fields = new CompositePropagator([new W3CPropagator(), new W3CPropagator({ traceContext: false }), new B3SinglePropagator()]).fields();
    expect(fields).toEqual(['traceparent', 'tracestate', 'baggage', 'b3']);
  });

  it('refuses a list that is not of propagators at construction, saying which entry', () => {
    expect(() => new CompositePropagator([new B3SinglePropagator(), {} as never])).toThrow(ConfigError);
    expect(() => new CompositePropagator([new B3SinglePropagator(), {} as never])).toThrow('propagator 1');
    expect(() => new CompositePropagator(null as never)).toThrow(ConfigError);
    const badFields = { fields: () => 'b3', inject: () => {}, extract: () => ({ ok: false }) };
    expect(() => new CompositePropagator([badFields as never])).toThrow(ConfigError);
  });

  it('reports a throwing propagator without quoting what it threw', () => {
    const secret = 'Bearer s3cr3t-token';
    const leaky = {
      fields: () => [],
      inject: () => {},
      extract: () => {
        throw new Error(`bad header ${secret}`);
      },
    };
    const result = new CompositePropagator([leaky]).extract({ authorization: secret });
    expect(!result.ok && result.error.code).toBe('PROPAGATOR_FAILED');
    expect(!result.ok && result.error.message).not.toContain(secret);
  });
});

describe('createPropagatorFromNames', () => {
  it('builds tracecontext,baggage,b3,b3multi,jaeger in order', () => {
    const result = createPropagatorFromNames('tracecontext, baggage ,b3,B3Multi,jaeger');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toBeInstanceOf(CompositePropagator);
    expect(result.value.fields()).toEqual([
      'traceparent',
      'tracestate',
      'baggage',
      'b3',
      'x-b3-traceid',
      'x-b3-spanid',
      'x-b3-parentspanid',
      'x-b3-sampled',
      'x-b3-flags',
      'uber-trace-id',
    ]);
    const out: Record<string, string> = {};
    result.value.inject(contextWithBaggage(), out);
    expect(Object.keys(out).sort()).toEqual(
      ['b3', 'baggage', 'traceparent', 'uber-trace-id', 'uberctx-tenant', 'uberctx-user', 'x-b3-sampled', 'x-b3-spanid', 'x-b3-traceid'].sort(),
    );
  });

  it('gives one propagator for one name, the default for an empty list, and a no-op for none', () => {
    const single = createPropagatorFromNames('jaeger');
    expect(single.ok && single.value).toBeInstanceOf(JaegerPropagator);
    const empty = createPropagatorFromNames('');
    expect(empty.ok && empty.value.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
    const none = createPropagatorFromNames('none');
    expect(none.ok && none.value).toBeInstanceOf(NoopPropagator);
    if (!none.ok) return;
    const out: Record<string, string> = {};
    none.value.inject(contextWithBaggage(), out);
    expect(out).toEqual({});
    expect(none.value.extract({ traceparent: `00-${TRACE}-${SPAN}-01` }).ok).toBe(false);
  });

  it('warns about and skips unknown names, never throwing', () => {
    const warnings: string[] = [];
    const result = createPropagatorFromNames('xray,b3', { onWarning: (message) => warnings.push(message) });
    expect(result.ok && result.value).toBeInstanceOf(B3SinglePropagator);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"xray"');
  });

  it('returns errors for strict unknowns, only unknowns, and none mixed with others', () => {
    const strict = createPropagatorFromNames('b3,ottrace', { strict: true });
    expect(!strict.ok && strict.error.code).toBe('PROPAGATOR_UNKNOWN');
    const onlyUnknown = createPropagatorFromNames('foo', { onWarning: () => {} });
    expect(!onlyUnknown.ok && onlyUnknown.error.code).toBe('PROPAGATOR_EMPTY');
    const mixed = createPropagatorFromNames('none,b3');
    expect(!mixed.ok && mixed.error.code).toBe('PROPAGATOR_NONE_MIXED');
    const wrongType = createPropagatorFromNames(42 as unknown as string);
    expect(!wrongType.ok && wrongType.error.code).toBe('PROPAGATOR_INVALID');
  });

  it('reads OTEL_PROPAGATORS', () => {
    const result = createPropagatorFromEnv({ OTEL_PROPAGATORS: 'b3multi' });
    expect(result.ok && result.value).toBeInstanceOf(B3MultiPropagator);
    const unset = createPropagatorFromEnv({});
    expect(unset.ok && unset.value.fields()).toEqual(['traceparent', 'tracestate', 'baggage']);
  });
});
