// Baggage extraction is linear in the number of headers, checked by counting work, not timing it
// (a shared machine makes a time ratio flaky either way):
// - the carrier is a Proxy that counts every property operation, so a read that rescans all keys
//   for each `Uberctx-*` header (N² operations) shows up exactly;
// - `Map.prototype.set` is counted: `new Map(map)` calls it once per entry copied, so building
//   baggage by copying it per member (N²/2 entries) shows up exactly too.
import { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS, Baggage, TraceContext } from '@trace/core';
import { JaegerPropagator, createPropagatorFromNames } from '../src/index.js';

const TRACE_ID_HEADER = '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const jaeger = new JaegerPropagator();

function uberctxCarrier(members: number, prefix: string): Record<string, string> {
  const carrier: Record<string, string> = { 'uber-trace-id': TRACE_ID_HEADER };
  for (let i = 0; i < members; i++) carrier[`${prefix}key${i}`] = `value-${i}`;
  return carrier;
}

// Calls of Map.prototype.set while `fn` runs, per member.
function mapSetsPerMember(fn: () => unknown, members: number): number {
  const spy = jest.spyOn(Map.prototype, 'set');
  try {
    fn();
    return spy.mock.calls.length / members;
  } finally {
    spy.mockRestore();
  }
}

function countingProxy(target: Record<string, string>): { carrier: Record<string, string>; operations: () => number } {
  let operations = 0;
  const carrier = new Proxy(target, {
    get: (object, key) => {
      operations++;
      return Reflect.get(object, key);
    },
    has: (object, key) => {
      operations++;
      return Reflect.has(object, key);
    },
    ownKeys: (object) => {
      const keys = Reflect.ownKeys(object);
      operations += keys.length;
      return keys;
    },
    getOwnPropertyDescriptor: (object, key) => {
      operations++;
      return Reflect.getOwnPropertyDescriptor(object, key);
    },
  });
  return { carrier, operations: () => operations };
}

describe('uberctx- baggage extraction is linear', () => {
  it.each(['uberctx-', 'Uberctx-', 'UBERCTX-'])('touches the carrier O(N) times for %s headers', (prefix) => {
    const perMember: number[] = [];
    for (const members of [18, 180]) {
      const { carrier, operations } = countingProxy(uberctxCarrier(members, prefix));
      const result = jaeger.extract(carrier);
      expect(result.ok && result.value.baggage.size).toBe(members);
      perMember.push(operations() / members);
    }
    // Linear: the operations per member do not grow with the member count (a rescan per header
    // would make them ten times larger at 180 than at 18).
    expect(perMember[1] as number).toBeLessThan((perMember[0] as number) * 2);
  });

  it('builds the baggage once: Map entries written per member do not grow with the member count', () => {
    const small = uberctxCarrier(18, 'uberctx-');
    const large = uberctxCarrier(180, 'uberctx-');
    expect(jaeger.extract(large)).toMatchObject({ ok: true });
    const perMember18 = mapSetsPerMember(() => jaeger.extract(small), 18);
    const perMember180 = mapSetsPerMember(() => jaeger.extract(large), 180);
    // A copy per member would write ~9.5 entries per member at 18 and ~90 at 180.
    expect(perMember180).toBeLessThan(5);
    expect(perMember180).toBeLessThanOrEqual(perMember18 * 1.5);
  });

  it('merges baggage from several formats with one build too', () => {
    const composite = createPropagatorFromNames('tracecontext,baggage,jaeger');
    if (!composite.ok) throw composite.error;
    const propagator = composite.value;
    const carrier = (members: number) => {
      const headers = uberctxCarrier(members / 2, 'uberctx-');
      headers.traceparent = TRACEPARENT;
      const items: string[] = [];
      for (let i = 0; i < members / 2; i++) items.push(`w3c${i}=v${i}`);
      headers.baggage = items.join(',');
      return headers;
    };
    const result = propagator.extract(carrier(180));
    expect(result.ok && result.value.baggage.size).toBe(180);
    const small = carrier(18);
    const large = carrier(180);
    const perMember18 = mapSetsPerMember(() => propagator.extract(small), 18);
    const perMember180 = mapSetsPerMember(() => propagator.extract(large), 180);
    // Each format's members are written a few times over (read, build, merge); a copy per merged
    // key would write ~45 entries per member at 180.
    expect(perMember180).toBeLessThan(8);
    expect(perMember180).toBeLessThanOrEqual(perMember18 * 1.5);
  });
});

describe('uberctx- baggage follows the W3C baggage limits', () => {
  it('keeps at most 180 members, the first ones listed', () => {
    const result = jaeger.extract(uberctxCarrier(400, 'uberctx-'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.baggage.size).toBe(BAGGAGE_MAX_MEMBERS);
    expect(result.value.baggage.get('key0')).toBe('value-0');
    expect(result.value.baggage.get('key179')).toBe('value-179');
    expect(result.value.baggage.get('key180')).toBeUndefined();
  });

  it('keeps at most 8192 bytes as the baggage header would carry them', () => {
    const carrier: Record<string, string> = { 'uber-trace-id': TRACE_ID_HEADER };
    for (let i = 0; i < 10; i++) carrier[`uberctx-big${i}`] = 'x'.repeat(1000);
    carrier['uberctx-huge'] = 'y'.repeat(1_000_000);
    const result = jaeger.extract(carrier);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { header, droppedMembers } = result.value.baggage.serialize();
    expect(header.length).toBeLessThanOrEqual(BAGGAGE_MAX_BYTES);
    expect(droppedMembers).toBe(0);
    expect(result.value.baggage.size).toBe(8);
    expect(result.value.baggage.get('huge')).toBeUndefined();
  });

  it('injects at most 180 uberctx- headers and 8192 bytes of them', () => {
    let baggage = Baggage.EMPTY;
    for (let i = 0; i < 300; i++) {
      const next = baggage.set(`key${i}`, i === 0 ? 'z'.repeat(9000) : `v${i}`);
      if (next.ok) baggage = next.value;
    }
    const context = new TraceContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, baggage });
    const headers: Record<string, string> = {};
    jaeger.inject(context, headers);
    const items = Object.keys(headers).filter((name) => name.startsWith('uberctx-'));
    expect(items.length).toBe(BAGGAGE_MAX_MEMBERS);
    expect(headers['uberctx-key0']).toBeUndefined(); // 9000 bytes on its own: over the limit
    let bytes = 0;
    for (const name of items) bytes += name.length - 'uberctx-'.length + 1 + (headers[name] as string).length;
    expect(bytes).toBeLessThanOrEqual(BAGGAGE_MAX_BYTES);
  });

  it('reads a jaeger-baggage header of many empty items', () => {
    const header = `${','.repeat(8000)}k=v,user=%E2%9C%93, bad key=1,n=%ZZ`;
    expect(jaeger.extractBaggage({ 'jaeger-baggage': header })?.toRecord()).toEqual({ k: 'v', user: '\u2713' });
    expect(jaeger.extractBaggage({ 'jaeger-baggage': `${header},${'x'.repeat(BAGGAGE_MAX_BYTES)}` })).toBeUndefined();
  });
});
