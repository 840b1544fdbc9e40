import {
  BAGGAGE_ITEM_PREFIX,
  Baggage,
  type Result,
  TraceContext,
  TraceError,
  TraceState,
  Tracer,
  W3CPropagator,
  defaultCarrierAdapter,
  encodeBaggageValue,
  isValidBaggageKey,
  isValidTraceStateKey,
  isValidTraceStateValue,
  parseTraceparent,
} from '@trace/core';
import fc from 'fast-check';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const NAMES = [
  'traceparent',
  'tracestate',
  'baggage',
  'Traceparent',
  'TRACESTATE',
  'Baggage',
  `${BAGGAGE_ITEM_PREFIX}user_id`,
  'baggage-',
  'baggage-__proto__',
];

// Header text that is often close to valid, so the parsers get past their first checks.
const headerText = fc.oneof(
  fc.string(),
  fc.constantFrom(VALID, ` ${VALID} `, `ff${VALID.slice(2)}`, `01${VALID.slice(2)}-extra`, 'rojo=1,congo=2', 'foo@=1,bar=2', 'a=1;p, b=%41'),
  fc.string({ unit: fc.constantFrom('0', 'a', 'f', '-', '=', ',', ';', '@', '%', ' ', '\t', 'Z', '\u00e9') }),
  fc
    .tuple(fc.constantFrom(VALID, 'rojo=1', 'k=v'), fc.nat(60), fc.string({ maxLength: 3 }))
    .map(([text, at, insert]) => text.slice(0, at) + insert + text.slice(at)),
);

// What a carrier may hold under a header name: strings, arrays of anything, anything.
const headerValue = fc.oneof(
  headerText,
  fc.array(fc.oneof(headerText, fc.anything())),
  fc.anything(),
  fc.constantFrom([42], [null], [undefined], [Symbol('s')], [{}]),
);

function throwingGetters(names: string[]): object {
  const carrier: Record<string, unknown> = {};
  for (const name of names) {
    Object.defineProperty(carrier, name, {
      enumerable: true,
      get() {
        throw new Error('getter throws');
      },
    });
  }
  return carrier;
}

const hostileProxy = new Proxy(
  {},
  {
    get() {
      throw new Error('get trap');
    },
    has(_target, key) {
      // fast-check asks whether a generated value can clone itself; every other question throws
      if (typeof key === 'symbol') return false;
      throw new Error('has trap');
    },
    ownKeys() {
      throw new Error('ownKeys trap');
    },
    getOwnPropertyDescriptor() {
      throw new Error('descriptor trap');
    },
    getPrototypeOf() {
      throw new Error('prototype trap');
    },
  },
);

const headersLike = (value: unknown, throws: boolean) => ({
  get: () => {
    if (throws) throw new Error('Headers.get throws');
    return value;
  },
  set: () => {
    if (throws) throw new Error('Headers.set throws');
  },
  forEach: (callback: (value: unknown, name: unknown) => void) => {
    if (throws) throw new Error('Headers.forEach throws');
    callback(value, 'baggage-user_id');
    callback(value, 42);
  },
});

const carrier = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.constantFrom(...NAMES), headerValue),
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.anything()), headerValue)).map((entries) => new Map(entries)),
  fc.subarray(NAMES).map(throwingGetters),
  fc.constant(hostileProxy),
  fc.tuple(headerValue, fc.boolean()).map(([value, throws]) => headersLike(value, throws)),
);

function isResult(value: unknown): boolean {
  const result = value as Result<unknown>;
  if (typeof result !== 'object' || result === null) return false;
  return result.ok === true ? 'value' in result : result.ok === false && result.error instanceof TraceError;
}

const RUNS = { numRuns: 2000 };

describe('property: core propagation never throws, whatever the carrier', () => {
  const propagators = [
    new W3CPropagator(),
    new W3CPropagator({ injectBaggageItemHeaders: true, extractBaggageItemHeaders: true }),
    new W3CPropagator({ baggage: false }),
  ];
  const tracer = new Tracer();

  it('W3CPropagator.extract and extractBaggage return a Result / a Baggage or undefined', () => {
    fc.assert(
      fc.property(carrier, (value) => {
        for (const propagator of propagators) {
          expect(isResult(propagator.extract(value))).toBe(true);
          const baggage = propagator.extractBaggage(value);
          expect(baggage === undefined || baggage instanceof Baggage).toBe(true);
        }
        expect(isResult(tracer.extractContextFromCarrier(value))).toBe(true);
      }),
      RUNS,
    );
  });

  it('the default carrier adapter reads only strings (or arrays of strings) and never throws', () => {
    fc.assert(
      fc.property(carrier, fc.constantFrom(...NAMES), (value, name) => {
        const read = defaultCarrierAdapter.get(value, name.toLowerCase());
        expect(read === undefined || typeof read === 'string' || (Array.isArray(read) && read.every((item) => typeof item === 'string'))).toBe(true);
        const keys = defaultCarrierAdapter.keys(value);
        expect(Array.isArray(keys)).toBe(true);
        defaultCarrierAdapter.set(value, name, 'x');
      }),
      RUNS,
    );
  });

  it('injecting into any carrier never throws', () => {
    const context = new TraceContext({ traceId: VALID.slice(3, 35), spanId: VALID.slice(36, 52) });
    const span = tracer.startSpan('inject', { parent: null });
    span.setBaggage('user_id', '12345');
    fc.assert(
      fc.property(carrier, (value) => {
        for (const propagator of propagators) {
          propagator.inject(context, value);
          propagator.injectSpan(span, value);
        }
        tracer.injectContext(span, value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('property: every core parser returns a Result for any input', () => {
  const anyInput = fc.oneof(headerText, fc.anything());

  it('traceparent, tracestate and baggage parsers', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expect(isResult(parseTraceparent(input as string))).toBe(true);
        expect(isResult(TraceContext.fromW3CTraceparent(input as string))).toBe(true);
        expect(isResult(TraceState.parse(input as string))).toBe(true);
        expect(isResult(Baggage.parse(input as string))).toBe(true);
        expect(typeof isValidTraceStateKey(input as string)).toBe('boolean');
        expect(typeof isValidTraceStateValue(input as string)).toBe('boolean');
        expect(typeof isValidBaggageKey(input as string)).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('Baggage.fromRecord, TraceContext.create and the set methods', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.subarray(['a', 'b']).map(throwingGetters)), anyInput, anyInput, (record, key, value) => {
        expect(isResult(Baggage.fromRecord(record as Record<string, string>))).toBe(true);
        expect(isResult(TraceContext.create(record as never))).toBe(true);
        expect(isResult(Baggage.EMPTY.set(key as string, value as string))).toBe(true);
        expect(isResult(TraceState.EMPTY.set(key as string, value as string))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('encodeBaggageValue', () => {
  it('keeps baggage-octets verbatim and percent-encodes the rest, so the header parses back to the value', () => {
    expect(encodeBaggageValue('abc-123_~!')).toBe('abc-123_~!');
    expect(encodeBaggageValue('a b,c;d"e\\f%')).toBe('a%20b%2Cc%3Bd%22e%5Cf%25');
    expect(encodeBaggageValue('caf\u00e9')).toBe('caf%C3%A9');
    expect(encodeBaggageValue('\ud800')).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const encoded = encodeBaggageValue(value);
        if (encoded === undefined) return;
        const parsed = Baggage.parse(`k=${encoded}`);
        expect(parsed.ok && parsed.value.get('k')).toBe(value);
      }),
    );
  });
});

describe('the carriers that used to throw', () => {
  const propagator = new W3CPropagator();
  it.each([
    ['array holding a number', { traceparent: [42] }],
    ['array holding null', { traceparent: [null] }],
    ['tracestate array holding a symbol', { traceparent: VALID, tracestate: [Symbol('s')] }],
    ['baggage array holding an object', { traceparent: VALID, baggage: [{ toString: () => 'a=1' }] }],
    ['Map to an array of a number', new Map([['traceparent', [42]]])],
    ['getter that throws', throwingGetters(['traceparent'])],
    ['proxy whose every trap throws', hostileProxy],
  ])('%s', (_name, value) => {
    expect(() => propagator.extract(value)).not.toThrow();
    expect(isResult(propagator.extract(value))).toBe(true);
  });

  it('a non-string array element is skipped, the strings are still read', () => {
    const extracted = propagator.extract({ traceparent: [VALID], tracestate: [42, 'rojo=1'], baggage: [null, 'a=1'] });
    expect(extracted.ok && extracted.value.traceState.get('rojo')).toBe('1');
    expect(extracted.ok && extracted.value.baggage.a).toBe('1');
    // the default adapter reads a value that is not a string as absent
    expect(propagator.extract({ traceparent: [42] })).toMatchObject({ ok: false, error: { code: 'NO_TRACE_CONTEXT' } });
    // an adapter that hands on whatever it finds gets an error that says so
    const raw = { get: (carrier: Record<string, unknown>, name: string) => carrier[name] as string, set: () => {}, keys: () => [] };
    expect(propagator.extract({ traceparent: [42] }, raw)).toMatchObject({ ok: false, error: { code: 'TRACEPARENT_INVALID' } });
    expect(propagator.extract({ traceparent: 42 }, raw)).toMatchObject({ ok: false, error: { code: 'TRACEPARENT_INVALID' } });
  });
});

describe('tracestate follows the Trace Context Level 2 key grammar', () => {
  const accept = (header: string) => {
    const parsed = TraceState.parse(header);
    if (!parsed.ok) throw parsed.error;
    return parsed.value;
  };

  it('a repeated key keeps its first occurrence instead of discarding the header', () => {
    expect(accept('foo=1,foo=1').serialize()).toBe('foo=1');
    expect(accept('foo=1,bar=2,foo=3').serialize()).toBe('foo=1,bar=2');
  });

  it('"@" is an ordinary key character after the first', () => {
    const state = accept('foo@=1,bar=2');
    expect([state.get('foo@'), state.get('bar')]).toEqual(['1', '2']);
    expect(accept('foo@@bar=1,bar=2').get('foo@@bar')).toBe('1');
    expect(accept('foo@bar@baz=1,bar=2').get('foo@bar@baz')).toBe('1');
    expect(TraceState.parse('@foo=1,bar=2').ok).toBe(false);
  });

  it('keys are limited to 256 characters in all, with no separate tenant or system limit', () => {
    const longTenant = `${'t'.repeat(242)}@v`;
    const longSystem = `t@${'v'.repeat(15)}`;
    expect(accept(`foo=1,${longTenant}=1`).get(longTenant)).toBe('1');
    expect(accept(`foo=1,${longSystem}=1`).get(longSystem)).toBe('1');
    expect(isValidTraceStateKey(longTenant)).toBe(true);
    expect(isValidTraceStateKey(longSystem)).toBe(true);
    expect(accept(`foo=1,${'z'.repeat(256)}=1`).size).toBe(2);
    expect(TraceState.parse(`foo=1,${'z'.repeat(257)}=1`).ok).toBe(false);
    expect(isValidTraceStateKey('1abc')).toBe(true);
  });

  it('the propagator keeps such a tracestate with the traceparent', () => {
    const extracted = new W3CPropagator().extract({ traceparent: VALID, tracestate: 'foo=1,foo=1' });
    expect(extracted.ok && extracted.value.traceState.serialize()).toBe('foo=1');
  });
});
