// Property tests: every propagator and parser in this package, called directly, never throws for
// any carrier, adapter or context, and what one propagator writes, the same propagator reads back.
// A carrier is the application's object (or a hostile peer's headers in it), so anything goes:
// numbers, `[42]`, `[null]`, getters and Proxy traps that throw, frozen objects, Maps with odd
// keys and values, Headers-like objects whose methods throw.
import { Baggage, type CarrierAdapter, type Propagator, TRACE_FLAG_SAMPLED, TraceContext, W3CPropagator, defaultCarrierAdapter } from '@trace/core';
import fc from 'fast-check';
import {
  B3MultiPropagator,
  B3SinglePropagator,
  CompositePropagator,
  JaegerPropagator,
  type PropagatorName,
  type PropagatorNamesOptions,
  RequestContext,
  createPropagatorFromEnv,
  createPropagatorFromNames,
  fetchHeadersCarrierAdapter,
  kafkaHeadersCarrierAdapter,
  mapCarrierAdapter,
  nodeIncomingHeadersCarrierAdapter,
  nodeOutgoingMessageCarrierAdapter,
  objectCarrierAdapter,
  parseB3SingleHeader,
  parseUberTraceId,
} from '../src/index.js';

const RUNS = { numRuns: 100 };
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const PARENT = 'a2fb4a1d1a96d312';

// Headers every propagator here (and core's W3C one, inside composites) looks at.
const HEADER_NAMES = [
  'traceparent',
  'tracestate',
  'baggage',
  'baggage-user',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'uber-trace-id',
  'uberctx-user',
  'uberctx-__proto__',
  'uberctx-',
  'jaeger-baggage',
];

// Values that parse, so a generated carrier gets past the "absent" branch of each format.
const VALID_VALUES = [
  `00-${TRACE}-${SPAN}-01`,
  'vendor=opaque',
  'user=alice,tenant=acme;ttl=3',
  `${TRACE}-${SPAN}-1-${PARENT}`,
  `${TRACE}-${SPAN}-d`,
  TRACE,
  SPAN,
  PARENT,
  '1',
  '0',
  `${TRACE}:${SPAN}:0:1`,
  `${TRACE}%3A${SPAN}%3A0%3A3`,
  'jo%20doe',
  '%E0%A4%A',
  'k1=v1, k2=v2',
];

function mixCase(name: string, seed: number): string {
  let out = '';
  for (let i = 0; i < name.length; i++) out += (seed >> (i % 16)) & 1 ? (name[i] as string).toUpperCase() : (name[i] as string);
  return out;
}

const headerName = fc.oneof(
  fc.constantFrom(...HEADER_NAMES),
  fc.tuple(fc.constantFrom(...HEADER_NAMES), fc.integer({ min: 0, max: 0xffff })).map(([name, seed]) => mixCase(name, seed)),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'get', 'forEach', 'getHeader', 'length'),
  fc.string({ maxLength: 20 }),
);

const oddValue = fc.constantFrom<unknown>(
  42,
  null,
  undefined,
  Number.NaN,
  true,
  [42],
  [null],
  [undefined],
  [],
  [[]],
  [{}],
  10n,
  Symbol('header'),
  () => 'x',
  new Date(0),
  Buffer.from('b3'),
  new Uint8Array([0xff]),
);

const headerValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...VALID_VALUES),
  oddValue,
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(fc.oneof(fc.constantFrom<unknown>(...VALID_VALUES), oddValue, fc.string({ maxLength: 10 })), { maxLength: 4 }),
  fc.anything({ maxDepth: 2 }),
);

const entries = fc.array(fc.tuple(headerName, headerValue), { maxLength: 10 });

// An object that owns exactly these keys, even `__proto__` (an assignment would set the prototype).
function ownRecord(pairs: ReadonlyArray<readonly [string, unknown]>, prototype: object | null = Object.prototype): Record<string, unknown> {
  const record = Object.create(prototype) as Record<string, unknown>;
  for (const [name, value] of pairs) Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  return record;
}

function thrower(): never {
  throw new Error('carrier refuses');
}

// Symbol-keyed reads are let through: fast-check looks for its own symbols on generated values.
const throwingProxy = new Proxy(
  {},
  {
    get: (target, key) => (typeof key === 'symbol' ? Reflect.get(target, key) : thrower()),
    has: (target, key) => (typeof key === 'symbol' ? Reflect.has(target, key) : thrower()),
    ownKeys: thrower,
    getOwnPropertyDescriptor: (target, key) => (typeof key === 'symbol' ? Reflect.getOwnPropertyDescriptor(target, key) : thrower()),
    set: thrower,
    defineProperty: thrower,
    deleteProperty: thrower,
    getPrototypeOf: thrower,
  },
);
// An array whose elements read fine but whose length throws (Array.isArray sees through a Proxy).
const throwingArray = new Proxy(['x'], { get: (target, key) => (key === 'length' ? thrower() : Reflect.get(target, key)) });

/** Turns generated header entries into one of the carrier shapes an application may hand in. */
const carrier: fc.Arbitrary<unknown> = fc.oneof(
  entries.map((pairs) => ownRecord(pairs)),
  entries.map((pairs) => ownRecord(pairs, null)),
  entries.map((pairs) => Object.freeze(ownRecord(pairs))),
  entries.map((pairs) => Object.seal(ownRecord(pairs))),
  entries.map((pairs) => new Map<unknown, unknown>([...pairs, [42, 'x'], [Symbol('k'), [42]]])),
  entries.map((pairs) => {
    const record = ownRecord(pairs);
    for (const [name] of pairs.slice(0, 2)) Object.defineProperty(record, name, { get: thrower, enumerable: true, configurable: true });
    Object.defineProperty(record, 'b3', { get: thrower, enumerable: true, configurable: true });
    Object.defineProperty(record, 'uberctx-boom', { get: thrower, enumerable: true, configurable: true });
    return record;
  }),
  entries.map((pairs) => ({
    // Headers-like: what `get` returns is whatever the generator made.
    get: (name: string) => ownRecord(pairs)[name],
    set: thrower,
    forEach: (callback: (value: unknown, name: unknown) => void) => {
      for (const [name, value] of pairs) callback(value, name);
      callback('x', 42);
    },
  })),
  entries.map((pairs) => ({
    getHeader: (name: string) => ownRecord(pairs)[name],
    setHeader: thrower,
    getHeaderNames: () => [...pairs.map(([name]) => name), 42, null],
  })),
  fc.constantFrom<unknown>(
    throwingProxy,
    { get: thrower, set: thrower, forEach: thrower },
    { getHeader: thrower, setHeader: thrower, getHeaderNames: thrower },
    { getHeader: () => [42], setHeader: () => undefined, getHeaderNames: () => 'not an array' },
    { traceparent: throwingArray, b3: throwingArray, 'uber-trace-id': throwingArray, 'uberctx-a': throwingArray },
    new Map([['b3', [42]]]),
    { traceparent: [42] },
    { traceparent: [null] },
    { b3: [42] },
    { 'uber-trace-id': [42] },
    { 'uber-trace-id': `${TRACE}:${SPAN}:0:1`, 'uberctx-a': [42], 'uberctx-b': [null], 'jaeger-baggage': [42] },
    new Headers({ b3: `${TRACE}-${SPAN}-1`, 'uberctx-a': 'b' }),
  ),
  fc.anything({ maxDepth: 2 }),
);

const garbageAdapter: CarrierAdapter<unknown> = {
  get: () => [42] as unknown as string,
  set: () => undefined,
  keys: () => [42, null, 'uberctx-a', 'UBERCTX-B'] as unknown as string[],
};
const lyingAdapter: CarrierAdapter<unknown> = {
  get: () => ({ length: 1, 0: 'x' }) as unknown as string,
  set: () => undefined,
  keys: () => 'uberctx-a' as unknown as string[],
};
const throwingAdapter: CarrierAdapter<unknown> = { get: thrower, set: thrower, keys: thrower };

const ADAPTERS: Array<[string, CarrierAdapter<unknown> | undefined]> = [
  ['(none)', undefined],
  ['default', defaultCarrierAdapter],
  ['object', objectCarrierAdapter as CarrierAdapter<unknown>],
  ['map', mapCarrierAdapter as CarrierAdapter<unknown>],
  ['fetch Headers', fetchHeadersCarrierAdapter as CarrierAdapter<unknown>],
  ['node incoming', nodeIncomingHeadersCarrierAdapter as CarrierAdapter<unknown>],
  ['node outgoing', nodeOutgoingMessageCarrierAdapter as CarrierAdapter<unknown>],
  ['kafka', kafkaHeadersCarrierAdapter as CarrierAdapter<unknown>],
  ['garbage', garbageAdapter],
  ['lying', lyingAdapter],
  ['throwing', throwingAdapter],
];

const NAMES: PropagatorName[] = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'];

// Every non-empty selection of names, as OTEL_PROPAGATORS would spell it.
function nameLists(): string[] {
  const lists: string[] = [];
  for (let mask = 1; mask < 1 << NAMES.length; mask++) lists.push(NAMES.filter((_, i) => mask & (1 << i)).join(','));
  return lists;
}

const PROPAGATORS: Array<[string, Propagator]> = [
  ['B3SinglePropagator', new B3SinglePropagator()],
  ['B3MultiPropagator', new B3MultiPropagator()],
  ['JaegerPropagator', new JaegerPropagator()],
  ['JaegerPropagator without baggage', new JaegerPropagator({ injectBaggage: false, extractBaggage: false })],
  ['CompositePropagator', new CompositePropagator([new W3CPropagator(), new B3SinglePropagator(), new B3MultiPropagator(), new JaegerPropagator()])],
  [
    'CompositePropagator of a throwing propagator',
    new CompositePropagator([{ fields: () => [], inject: thrower, extract: thrower, extractBaggage: thrower }, new B3SinglePropagator()]),
  ],
];
for (const names of [...nameLists(), 'none']) {
  const result = createPropagatorFromNames(names);
  if (!result.ok) throw result.error;
  // `tracecontext` or `baggage` alone is core's own W3CPropagator, covered by core's property test.
  if (result.value instanceof W3CPropagator) continue;
  PROPAGATORS.push([`createPropagatorFromNames(${JSON.stringify(names)})`, result.value]);
}

function isResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

describe('every propagator, called directly, never throws', () => {
  it('covers every selection of names that is not core W3C alone', () => {
    // 31 selections minus `tracecontext` and `baggage` alone, plus `none`, plus the six above.
    expect(PROPAGATORS.length).toBe(6 + 31 - 2 + 1);
  });

  it.each([
    [{ traceparent: [42] }],
    [{ traceparent: [null] }],
    [{ b3: [42] }],
    [new Map([['b3', [42]]])],
    [{ 'uber-trace-id': [42] }],
    [{ 'x-b3-traceid': [42], 'x-b3-spanid': [SPAN] }],
    [{ 'uber-trace-id': `${TRACE}:${SPAN}:0:1`, 'uberctx-a': [42] }],
  ])('extract reads odd header arrays as absent, not as a crash: %p', (input) => {
    for (const [, propagator] of PROPAGATORS) {
      for (const [, adapter] of ADAPTERS) {
        const result = propagator.extract(input, adapter);
        expect(isResult(result)).toBe(true);
      }
    }
    expect(new B3SinglePropagator().extract({ b3: [42] })).toMatchObject({ ok: false, error: { code: 'NO_TRACE_CONTEXT' } });
    expect(new JaegerPropagator().extract({ 'uber-trace-id': [42] })).toMatchObject({ ok: false, error: { code: 'NO_TRACE_CONTEXT' } });
  });

  it('extract and extractBaggage never throw, whatever the carrier and adapter', () => {
    fc.assert(
      fc.property(carrier, (input) => {
        // Plain checks in the loop (an `expect` per call costs more than the call), one assertion.
        const wrong: string[] = [];
        for (const [name, propagator] of PROPAGATORS) {
          for (const [adapterName, adapter] of ADAPTERS) {
            if (!isResult(propagator.extract(input, adapter))) wrong.push(`${name} extract, ${adapterName} adapter`);
            const baggage = propagator.extractBaggage?.(input, adapter);
            if (baggage !== undefined && !(baggage instanceof Baggage)) wrong.push(`${name} extractBaggage, ${adapterName} adapter`);
          }
        }
        expect(wrong).toEqual([]);
      }),
      RUNS,
    );
  });

  const baggageEntries = fc.dictionary(
    fc.stringMatching(/^[a-z0-9_-]{1,12}$/),
    fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 10 })),
    {
      maxKeys: 8,
      noNullPrototype: true,
    },
  );
  const context = fc
    .record({
      traceId: fc.stringMatching(/^[0-9a-f]{32}$/),
      spanId: fc.stringMatching(/^[0-9a-f]{16}$/),
      sampled: fc.boolean(),
      debug: fc.boolean(),
      baggage: baggageEntries,
    })
    .filter(({ traceId, spanId }) => !/^0+$/.test(traceId) && !/^0+$/.test(spanId))
    .map(({ traceId, spanId, sampled, debug, baggage }) => {
      let bag = Baggage.EMPTY;
      for (const key of Object.keys(baggage)) {
        const next = bag.set(key, baggage[key] as string);
        if (next.ok) bag = next.value;
      }
      return new TraceContext({ traceId, spanId, traceFlags: sampled ? TRACE_FLAG_SAMPLED : 0, debug, parentSpanId: PARENT, baggage: bag });
    });

  it('inject never throws, whatever the carrier, adapter or context', () => {
    fc.assert(
      fc.property(fc.oneof(context, fc.anything({ maxDepth: 1 })), carrier, (value, input) => {
        for (const [, propagator] of PROPAGATORS) {
          for (const [, adapter] of ADAPTERS) propagator.inject(value as TraceContext, input, adapter);
        }
      }),
      RUNS,
    );
  });

  it('every carrier adapter never throws', () => {
    fc.assert(
      fc.property(carrier, headerName, fc.string({ maxLength: 20 }), (input, name, value) => {
        for (const [, adapter] of ADAPTERS.slice(2, 8) as Array<[string, CarrierAdapter<unknown>]>) {
          adapter.get(input, name.toLowerCase());
          adapter.get(input, name);
          adapter.set(input, name.toLowerCase(), value);
          const keys: unknown = adapter.keys(input);
          expect(Array.isArray(keys) && keys.every((key) => typeof key === 'string')).toBe(true);
        }
      }),
      RUNS,
    );
  });

  // What one propagator writes, it reads back: ids, sampling, and where the format carries them
  // debug, the parent span id and baggage.
  it.each([
    ['b3', new B3SinglePropagator(), { debug: true, parent: true, baggage: false }],
    ['b3multi', new B3MultiPropagator(), { debug: true, parent: true, baggage: false }],
    ['jaeger', new JaegerPropagator(), { debug: true, parent: true, baggage: true }],
    ['composite b3multi,jaeger', new CompositePropagator([new B3MultiPropagator(), new JaegerPropagator()]), { debug: true, parent: true, baggage: true }],
    [
      'composite tracecontext,baggage,b3',
      new CompositePropagator([new W3CPropagator(), new B3SinglePropagator()]),
      { debug: false, parent: false, baggage: true },
    ],
  ] as const)('%s round-trips a valid context through every carrier kind', (_name, propagator, carries) => {
    const carriers: Array<[() => unknown, CarrierAdapter<unknown> | undefined]> = [
      [() => ({}), undefined],
      [() => new Map(), mapCarrierAdapter as CarrierAdapter<unknown>],
      [() => new Headers(), fetchHeadersCarrierAdapter as CarrierAdapter<unknown>],
      [() => ({}), kafkaHeadersCarrierAdapter as CarrierAdapter<unknown>],
    ];
    fc.assert(
      fc.property(context, (sent) => {
        for (const [make, adapter] of carriers) {
          const input = make();
          propagator.inject(sent, input, adapter);
          const result = propagator.extract(input, adapter);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const got = result.value;
          expect([got.traceId, got.spanId]).toEqual([sent.traceId, sent.spanId]);
          expect(got.sampled).toBe(sent.sampled || (carries.debug && sent.debug));
          if (carries.debug) expect(got.debug).toBe(sent.debug);
          if (carries.parent) expect(got.parentSpanId).toBe(PARENT);
          if (carries.baggage) expect(got.baggage.toRecord()).toEqual(sent.baggage.toRecord());
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('every parser never throws', () => {
  it('parseB3SingleHeader and parseUberTraceId return a Result for any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...VALID_VALUES)),
        (input) => {
          expect(isResult(parseB3SingleHeader(input as string))).toBe(true);
          expect(isResult(parseUberTraceId(input as string))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`)).filter((id) => !/^0+$/.test(id));

  it('parseB3SingleHeader round-trips every valid header', () => {
    fc.assert(
      fc.property(fc.oneof(hex(16), hex(32)), hex(16), fc.constantFrom('', '-0', '-1', '-d'), fc.option(hex(16)), (traceId, spanId, state, parent) => {
        const header = `${traceId}-${spanId}${state}${state !== '' && parent !== null ? `-${parent}` : ''}`;
        const result = parseB3SingleHeader(header);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.value.traceId).toBe(traceId.padStart(32, '0'));
        expect(result.value.spanId).toBe(spanId);
        expect(result.value.debug).toBe(state === '-d');
        expect(result.value.sampled).toBe(state === '-1' || state === '-d');
        expect(result.value.parentSpanId).toBe(state !== '' && parent !== null ? parent : '');
      }),
      { numRuns: 500 },
    );
  });

  it('parseUberTraceId round-trips every valid header, in any case and percent-encoded', () => {
    fc.assert(
      fc.property(
        hex(32),
        hex(16),
        fc.option(hex(16)),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        fc.boolean(),
        (traceId, spanId, parent, flags, upper, encoded) => {
          let header = `${traceId}:${spanId}:${parent ?? '0'}:${flags.toString(16)}`;
          if (upper) header = header.toUpperCase();
          if (encoded) header = header.replaceAll(':', '%3A');
          const result = parseUberTraceId(header);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect([result.value.traceId, result.value.spanId, result.value.parentSpanId]).toEqual([traceId, spanId, parent ?? '']);
          expect(result.value.debug).toBe((flags & 2) !== 0);
          expect(result.value.sampled).toBe((flags & 3) !== 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('set-up and request context never throw', () => {
  const hostile = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom<unknown>(throwingProxy, Object.defineProperty({}, 'onWarning', { get: thrower }), { onWarning: 42 }, { onWarning: thrower, strict: false }),
  );

  it('createPropagatorFromNames and createPropagatorFromEnv return a Result for any input', () => {
    // Unknown names warn through process.emitWarning when the options name no sink: silenced here.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      fc.assert(
        fc.property(
          fc.oneof(hostile, fc.string({ maxLength: 60 }), fc.array(fc.oneof(fc.string({ maxLength: 12 }), hostile), { maxLength: 6 })),
          hostile,
          (names, options) => {
            expect(isResult(createPropagatorFromNames(names as string, options as PropagatorNamesOptions))).toBe(true);
            expect(isResult(createPropagatorFromEnv(names as Record<string, string>, options as PropagatorNamesOptions))).toBe(true);
          },
        ),
        RUNS,
      );
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('quotes at most ten unknown names, each at most 40 characters', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `unknown-${i}-${'x'.repeat(100)}`);
    const warnings: string[] = [];
    const result = createPropagatorFromNames([...names, 'b3'], { onWarning: (message) => warnings.push(message) });
    expect(result.ok).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('and 4990 more');
    expect((warnings[0] as string).length).toBeLessThan(1000);
    const empty = createPropagatorFromNames(names, { onWarning: () => {} });
    expect(!empty.ok && empty.error.code).toBe('PROPAGATOR_EMPTY');
    expect(!empty.ok && empty.error.message.length).toBeLessThan(1000);
  });

  it('RequestContext.run reads a hostile init as empty fields', () => {
    const toStringThrows = { toString: thrower };
    const inits: unknown[] = [
      throwingProxy,
      { requestId: toStringThrows, correlationId: Symbol('id'), tags: throwingProxy },
      Object.defineProperty({ requestId: 'r1' }, 'tags', { get: thrower, enumerable: true }),
      { requestId: 'r2', tags: Object.defineProperty({ a: 'x' }, 'b', { get: thrower, enumerable: true }) },
      null,
      42,
    ];
    for (const init of inits) {
      const seen = RequestContext.run(init as Parameters<typeof RequestContext.run>[0], () => RequestContext.capture());
      expect(seen).toMatchObject({ traceId: '', spanId: '', traceFlags: 0 });
    }
    expect(RequestContext.run(inits[2] as { requestId: string }, () => RequestContext.current()?.requestId)).toBe('r1');
    expect(RequestContext.run(inits[3] as { requestId: string }, () => RequestContext.capture()?.tags)).toEqual({ a: 'x' });
  });
});
