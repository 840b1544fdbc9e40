import fc from 'fast-check';
import { Baggage, TraceContext, TraceState, W3CPropagator, formatTraceparent, parseTraceparent } from '@trace/core';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

const hexChar = fc.constantFrom(...'0123456789abcdef'.split(''));
const hexId = (length: number) => fc.string({ unit: hexChar, minLength: length, maxLength: length }).filter((id) => /[1-9a-f]/.test(id));

describe('traceparent', () => {
  it('parses the example from the Recommendation', () => {
    const result = TraceContext.fromW3CTraceparent(VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.traceId).toBe(TRACE_ID);
    expect(result.value.spanId).toBe(SPAN_ID);
    expect(result.value.traceFlags).toBe(1);
    expect(result.value.sampled).toBe(true);
    expect(result.value.isRemote).toBe(true);
    expect(result.value.toW3CTraceparent()).toBe(VALID);
  });

  it.each([
    ['too short', VALID.slice(0, 54), 'TRACEPARENT_INVALID_LENGTH'],
    ['version 00 too long', `${VALID}-extra`, 'TRACEPARENT_INVALID_LENGTH'],
    ['version ff', `ff${VALID.slice(2)}`, 'TRACEPARENT_INVALID_VERSION'],
    ['uppercase version', `0A${VALID.slice(2)}`, 'TRACEPARENT_INVALID_VERSION'],
    ['uppercase trace id', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`, 'TRACEPARENT_INVALID_TRACE_ID'],
    ['non-hex trace id', `00-${TRACE_ID.slice(0, 31)}g-${SPAN_ID}-01`, 'TRACEPARENT_INVALID_TRACE_ID'],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`, 'TRACEPARENT_INVALID_TRACE_ID'],
    ['all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`, 'TRACEPARENT_INVALID_PARENT_ID'],
    ['uppercase flags', `00-${TRACE_ID}-${SPAN_ID}-0A`, 'TRACEPARENT_INVALID_FLAGS'],
    ['wrong separator', `00_${TRACE_ID}-${SPAN_ID}-01`, 'TRACEPARENT_INVALID'],
    ['future version without dash after flags', `01-${TRACE_ID}-${SPAN_ID}-01x`, 'TRACEPARENT_INVALID'],
    ['unicode in trace id', `00-${TRACE_ID.slice(0, 31)}é-${SPAN_ID}-01`, 'TRACEPARENT_INVALID_TRACE_ID'],
  ])('rejects %s with a reason', (_name, header, code) => {
    const result = parseTraceparent(header);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(10);
    }
  });

  it('parses a future version with extra fields and keeps only the known four', () => {
    const result = parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01-what-the-future-holds`);
    expect(result.ok && result.value.traceId).toBe(TRACE_ID);
    // and re-serialises as version 00, the only version whose fields we know
    if (result.ok) expect(formatTraceparent(result.value.traceId, result.value.spanId, result.value.traceFlags)).toBe(VALID);
  });

  it('carries flags other than sampled through unchanged', () => {
    const result = TraceContext.fromW3CTraceparent(`00-${TRACE_ID}-${SPAN_ID}-09`);
    expect(result.ok && result.value.traceFlags).toBe(0x09);
    if (result.ok) expect(result.value.toW3CTraceparent().endsWith('-09')).toBe(true);
  });

  it('rejects a megabyte header quickly and without throwing', () => {
    const huge = `00-${'a'.repeat(1_000_000)}`;
    const started = process.hrtime.bigint();
    const result = parseTraceparent(huge);
    expect(result.ok).toBe(false);
    expect(Number(process.hrtime.bigint() - started)).toBeLessThan(1e9);
  });

  it('round-trips any valid ids and flags (property)', () => {
    fc.assert(
      fc.property(hexId(32), hexId(16), fc.integer({ min: 0, max: 255 }), (traceId, spanId, flags) => {
        const header = formatTraceparent(traceId, spanId, flags);
        const parsed = parseTraceparent(header);
        expect(parsed).toEqual({ ok: true, value: { traceId, spanId, traceFlags: flags } });
      }),
    );
  });

  it('never throws on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const result = parseTraceparent(text);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('tracestate', () => {
  it('parses members, skips empty ones and tolerates optional whitespace', () => {
    const result = TraceState.parse('rojo=00f067aa0ba902b7, ,congo=t61rcWkgMzE\t');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.get('rojo')).toBe('00f067aa0ba902b7');
    expect(result.value.get('congo')).toBe('t61rcWkgMzE');
    expect(result.value.serialize()).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  });

  it('accepts multi-tenant keys', () => {
    const result = TraceState.parse('fw529a3039@dt=abc,tenant1@sys2=x');
    expect(result.ok && result.value.size).toBe(2);
  });

  it.each([
    ['uppercase key', 'Rojo=1', 'TRACESTATE_INVALID'],
    ['key starting with "@"', '@foo=1,bar=2', 'TRACESTATE_INVALID'],
    ['key with a dot', 'foo.bar=1', 'TRACESTATE_INVALID'],
    ['key longer than 256', `foo=1,${'z'.repeat(257)}=1`, 'TRACESTATE_INVALID'],
    ['missing equals', 'rojo', 'TRACESTATE_INVALID'],
    ['value with comma-like equals', 'rojo=a=b', 'TRACESTATE_INVALID'],
    ['value with a control character', 'rojo=ab\u0001c', 'TRACESTATE_INVALID'],
    ['value longer than 256', `rojo=${'a'.repeat(257)}`, 'TRACESTATE_INVALID'],
  ])('rejects %s', (_name, header, code) => {
    const result = TraceState.parse(header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('rejects more than 32 members', () => {
    const members = Array.from({ length: 33 }, (_, i) => `k${i}=v${i}`).join(',');
    const result = TraceState.parse(members);
    expect(!result.ok && result.error.code).toBe('TRACESTATE_TOO_MANY_MEMBERS');
    const ok32 = TraceState.parse(Array.from({ length: 32 }, (_, i) => `k${i}=v${i}`).join(','));
    expect(ok32.ok && ok32.value.size).toBe(32);
  });

  it('moves an updated key to the front and never grows past 32', () => {
    const full = TraceState.parse(Array.from({ length: 32 }, (_, i) => `k${i}=v${i}`).join(','));
    if (!full.ok) throw new Error('setup');
    const updated = full.value.set('k5', 'new');
    expect(updated.ok && updated.value.serialize().startsWith('k5=new,k0=v0,k1=v1')).toBe(true);
    const added = full.value.set('fresh', 'x');
    expect(added.ok && added.value.size).toBe(32);
    expect(added.ok && added.value.get('k31')).toBeUndefined();
    expect(added.ok && added.value.toArray()[0]).toEqual(['fresh', 'x']);
  });

  it('round-trips generated states (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_\-*/]{0,20}$/);
    const value = fc.stringMatching(/^[!-+\--<>-~]{1,20}$/);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { maxLength: 32, selector: ([k]) => k }), (entries) => {
        const header = entries.map(([k, v]) => `${k}=${v}`).join(',');
        const parsed = TraceState.parse(header);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) {
          expect(parsed.value.serialize()).toBe(header);
          expect(parsed.value.toArray()).toEqual(entries);
        }
      }),
    );
  });

  it('never throws on arbitrary strings (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expect(typeof TraceState.parse(text).ok).toBe('boolean')));
  });
});

describe('baggage', () => {
  it('parses values, percent-decoding and properties', () => {
    const result = Baggage.parse('userId=alice, serverNode = DF%2028 ;prop1;p2=v2,isProduction=false');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.get('userId')).toBe('alice');
    expect(result.value.get('serverNode')).toBe('DF 28');
    expect(result.value.getEntry('serverNode')?.properties).toBe('prop1;p2=v2');
    expect(result.value.get('isProduction')).toBe('false');
    expect(result.value.serialize().header).toBe('userId=alice,serverNode=DF%2028;prop1;p2=v2,isProduction=false');
  });

  it('percent-encodes unicode and separators on the way out', () => {
    const set = Baggage.EMPTY.set('city', 'Zürich, CH; "old"');
    if (!set.ok) throw new Error('setup');
    const { header } = set.value.serialize();
    expect(header).toBe(`city=${encodeURIComponent('Zürich, CH; "old"')}`);
    const back = Baggage.parse(header);
    expect(back.ok && back.value.get('city')).toBe('Zürich, CH; "old"');
  });

  it.each([
    ['prototype key __proto__', '__proto__=1', 'BAGGAGE_FORBIDDEN_KEY'],
    ['prototype key constructor', 'a=1,constructor=2', 'BAGGAGE_FORBIDDEN_KEY'],
    ['missing equals', 'abc', 'BAGGAGE_INVALID'],
    ['invalid key', 'a b=1', 'BAGGAGE_INVALID'],
    ['raw unicode value', 'k=héllo', 'BAGGAGE_INVALID'],
    ['malformed percent-encoding', 'k=%E0%A4%A', 'BAGGAGE_INVALID'],
    ['more than 8192 bytes', `k=${'v'.repeat(8200)}`, 'BAGGAGE_TOO_LARGE'],
  ])('rejects %s', (_name, header, code) => {
    const result = Baggage.parse(header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects more than 180 members and accepts exactly 180', () => {
    const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=${i}`).join(',');
    const over = Baggage.parse(members(181));
    expect(!over.ok && over.error.code).toBe('BAGGAGE_TOO_MANY_MEMBERS');
    const exact = Baggage.parse(members(180));
    expect(exact.ok && exact.value.size).toBe(180);
  });

  it('leaves out members past the 8192-byte limit on serialize and counts them', () => {
    let baggage = Baggage.EMPTY;
    for (let i = 0; i < 10; i++) {
      const next = baggage.set(`key${i}`, 'x'.repeat(1000));
      if (next.ok) baggage = next.value;
    }
    const { header, droppedMembers } = baggage.serialize();
    expect(header.length).toBeLessThanOrEqual(8192);
    expect(droppedMembers).toBe(2);
  });

  it('never touches a prototype', () => {
    const parsed = Baggage.parse('toString=1,hasOwnProperty=2');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.get('toString')).toBe('1');
      expect(Object.getPrototypeOf(parsed.value.toRecord())).toBeNull();
    }
    expect(typeof {}.toString).toBe('function');
  });

  it('round-trips arbitrary values (property)', () => {
    const key = fc.stringMatching(/^[A-Za-z0-9!#$&'*+.^_`|~-]{1,16}$/).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.string({ maxLength: 30 })), { maxLength: 10, selector: ([k]) => k }), (entries) => {
        let baggage = Baggage.EMPTY;
        for (const [k, v] of entries) {
          const next = baggage.set(k, v);
          if (next.ok) baggage = next.value;
        }
        const parsed = Baggage.parse(baggage.serialize().header);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value.toRecord()).toEqual(baggage.toRecord());
      }),
    );
  });

  it('never throws on arbitrary strings (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expect(typeof Baggage.parse(text).ok).toBe('boolean')));
  });
});

describe('W3CPropagator', () => {
  const propagator = new W3CPropagator();

  it('injects traceparent, tracestate and baggage and extracts them back', () => {
    const state = TraceState.parse('vendor=value');
    const baggage = Baggage.fromRecord({ user_id: '12345', tenant: 'acme-corp' });
    if (!state.ok || !baggage.ok) throw new Error('setup');
    const context = new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, traceState: state.value, baggage: baggage.value });
    const headers: Record<string, string> = {};
    propagator.inject(context, headers);
    expect(headers).toEqual({ traceparent: VALID, tracestate: 'vendor=value', baggage: 'user_id=12345,tenant=acme-corp' });
    const extracted = propagator.extract(headers);
    expect(extracted.ok).toBe(true);
    if (!extracted.ok) return;
    expect(extracted.value.traceState.get('vendor')).toBe('value');
    expect(extracted.value.baggage.get('tenant')).toBe('acme-corp');
  });

  it('matches header names case-insensitively in objects, Maps and Headers', () => {
    const carriers: unknown[] = [{ TraceParent: VALID }, new Map([['TRACEPARENT', VALID]]), new Headers({ traceparent: VALID })];
    for (const carrier of carriers) {
      const result = propagator.extract(carrier);
      expect(result.ok && result.value.spanId).toBe(SPAN_ID);
    }
  });

  it('accepts the seed baggage-<key> headers and injects them on request', () => {
    const extracted = propagator.extract({ traceparent: VALID, 'baggage-user_id': '12345', 'Baggage-Tenant': 'acme%20corp' });
    expect(extracted.ok && extracted.value.baggage.get('user_id')).toBe('12345');
    expect(extracted.ok && extracted.value.baggage.get('Tenant')).toBe('acme corp');
    const legacy = new W3CPropagator({ injectBaggageItemHeaders: true });
    const headers: Record<string, string> = {};
    if (extracted.ok) legacy.inject(extracted.value, headers);
    expect(headers['baggage-user_id']).toBe('12345');
  });

  it('treats repeated traceparent headers as invalid and joins repeated tracestate headers', () => {
    const repeated = propagator.extract({ traceparent: [VALID, `00-${TRACE_ID}-${'1'.repeat(16)}-01`] });
    expect(!repeated.ok && repeated.error.code).toBe('TRACEPARENT_REPEATED');
    const joined = propagator.extract({ traceparent: VALID, tracestate: ['a=1', 'b=2'] });
    expect(joined.ok && joined.value.traceState.serialize()).toBe('a=1,b=2');
  });

  it('discards an invalid tracestate but keeps the traceparent', () => {
    const result = propagator.extract({ traceparent: VALID, tracestate: 'NOT VALID' });
    expect(result.ok && result.value.traceState.size).toBe(0);
  });

  it('reports a missing header as NO_TRACE_CONTEXT and survives hostile carriers', () => {
    expect(propagator.extract({}).ok).toBe(false);
    const missing = propagator.extract({});
    expect(!missing.ok && missing.error.code).toBe('NO_TRACE_CONTEXT');
    for (const carrier of [null, undefined, 42, 'text', Object.freeze({})]) {
      expect(() => propagator.extract(carrier)).not.toThrow();
      expect(() => propagator.inject(new TraceContext({ traceId: TRACE_ID, spanId: SPAN_ID }), carrier)).not.toThrow();
    }
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(propagator.extract(throwing).ok).toBe(false);
  });
});
