// `baggage-<key>` headers and Baggage.fromRecord cost work linear in the number of items: counted
// carrier reads and Map writes per item stay flat, where building one copy per item (or scanning
// every header name per mixed-case lookup) grows with the item count.
import { Baggage, W3CPropagator } from '@trace/core';

function itemHeaders(count: number, prefix: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < count; i++) headers[`${prefix}k${i}`] = `v${i}`;
  return headers;
}

function countingCarrier(headers: Record<string, string>): { carrier: Record<string, string>; reads: () => number } {
  let reads = 0;
  const carrier = new Proxy(headers, {
    get(target, key, receiver) {
      reads++;
      return Reflect.get(target, key, receiver);
    },
    getOwnPropertyDescriptor(target, key) {
      reads++;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
  return { carrier, reads: () => reads };
}

function countMapSets<T>(fn: () => T): { result: T; sets: number } {
  const original = Map.prototype.set;
  let sets = 0;
  Map.prototype.set = function (this: Map<unknown, unknown>, key: unknown, value: unknown) {
    sets++;
    return original.call(this, key, value);
  };
  try {
    return { result: fn(), sets };
  } finally {
    Map.prototype.set = original;
  }
}

describe('baggage-<key> headers', () => {
  const propagator = new W3CPropagator();

  it.each(['baggage-', 'Baggage-'])('extracts 180 %s items with constant carrier reads and Map writes per item', (prefix) => {
    const { carrier, reads } = countingCarrier(itemHeaders(180, prefix));
    const { result, sets } = countMapSets(() => propagator.extractBaggage(carrier));
    expect(result?.size).toBe(180);
    expect(result?.get('k179')).toBe('v179');
    // one copy per item made ~16,000 Map writes at 180 items; a scan per mixed-case lookup, ~33,000 reads
    expect(sets / 180).toBeLessThan(4);
    expect(reads() / 180).toBeLessThan(12);
  });

  it('stops at 180 members and lets the baggage header win', () => {
    const headers = { ...itemHeaders(400, 'baggage-'), baggage: 'k1=from-header' };
    const baggage = propagator.extractBaggage(headers);
    expect(baggage?.size).toBe(180);
    expect(baggage?.get('k1')).toBe('from-header');
  });
});

describe('Baggage.fromRecord and setAll', () => {
  it('build with Map writes linear in the entries', () => {
    const record: Record<string, string> = {};
    for (let i = 0; i < 180; i++) record[`k${i}`] = `v${i}`;
    const { result, sets } = countMapSets(() => Baggage.fromRecord(record));
    expect(result.ok && result.value.size).toBe(180);
    expect(sets / 180).toBeLessThan(3);
    const { result: added, sets: setAllWrites } = countMapSets(() => Baggage.EMPTY.setAll(Object.entries(record)));
    expect(added.size).toBe(180);
    expect(setAllWrites / 180).toBeLessThan(3);
  });

  it('setAll skips invalid entries, keeps the rest, stops at 180 members and leaves the original unchanged', () => {
    const base = Baggage.fromRecord({ a: '1' });
    if (!base.ok) throw base.error;
    const entries: [string, string][] = [
      ['bad key', 'x'],
      ['b', '2'],
      ['a', 'replaced'],
    ];
    for (let i = 0; i < 300; i++) entries.push([`n${i}`, 'v']);
    const next = base.value.setAll(entries);
    expect(next.get('a')).toBe('replaced');
    expect(next.get('b')).toBe('2');
    expect(next.has('bad key')).toBe(false);
    expect(next.size).toBe(180);
    expect(base.value.size).toBe(1);
    expect(Baggage.EMPTY.setAll([])).toBe(Baggage.EMPTY);
  });
});
