// Carriers are whatever holds headers: a plain object, a Map, or a fetch `Headers`. Header names
// match case-insensitively; values may be repeated (arrays), as Node's IncomingHttpHeaders has them.

/** A fetch-style `Headers` object (or anything with the same three methods). */
export interface HeadersLike {
  get(name: string): string | null;
  set(name: string, value: string): void;
  forEach(callback: (value: string, name: string) => void): void;
}

/** What core's propagators read from and write to. */
export type Carrier = Record<string, string | readonly string[] | undefined> | Map<string, string | readonly string[]> | HeadersLike;

/** Reads and writes one kind of carrier. `@trace/context` adds adapters for more kinds. */
export interface CarrierAdapter<C = Carrier> {
  /** The value of header `name` (lowercase); repeated headers come back as an array. */
  get(carrier: C, name: string): string | readonly string[] | undefined;
  set(carrier: C, name: string, value: string): void;
  /** Every header name in the carrier, as stored. */
  keys(carrier: C): string[];
}

function isHeadersLike(carrier: object): carrier is HeadersLike {
  return typeof (carrier as HeadersLike).get === 'function' && typeof (carrier as HeadersLike).forEach === 'function' && !(carrier instanceof Map);
}

/**
 * A header value as adapters hand it on: a string, or an array of the strings in it. Anything
 * else (numbers, `null`, objects) reads as absent, so parsers only ever see strings.
 */
function headerValue(value: unknown): string | readonly string[] | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      // Rare: copy out the strings only.
      const strings = value.filter((item): item is string => typeof item === 'string');
      return strings.length === 0 ? undefined : strings;
    }
  }
  return value as readonly string[];
}

function getFromRecord(record: Record<string, unknown>, name: string): string | readonly string[] | undefined {
  let value: unknown = Object.hasOwn(record, name) ? record[name] : undefined;
  if (value === undefined) {
    // Slow path only when the exact lowercase name is absent: `Traceparent`, `TRACEPARENT`, ...
    for (const key in record) {
      if (key.length === name.length && key.toLowerCase() === name && Object.hasOwn(record, key)) {
        value = record[key];
        break;
      }
    }
  }
  return headerValue(value);
}

function getFromMap(map: Map<unknown, unknown>, name: string): string | readonly string[] | undefined {
  let value = map.get(name);
  if (value === undefined) {
    for (const [key, entry] of map) {
      if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) {
        value = entry;
        break;
      }
    }
  }
  return headerValue(value);
}

/**
 * The adapter core uses when none is given: plain objects (including Node's
 * `IncomingHttpHeaders`), `Map`s and fetch `Headers`, names case-insensitive. Anything else reads
 * as empty and ignores writes; values that are not strings (or arrays of strings) read as absent;
 * a carrier whose getters or methods throw reads as empty. It never throws.
 */
export const defaultCarrierAdapter: CarrierAdapter<unknown> = Object.freeze<CarrierAdapter<unknown>>({
  get(carrier: unknown, name: string) {
    if (carrier === null || typeof carrier !== 'object' || typeof name !== 'string') return undefined;
    try {
      if (carrier instanceof Map) return getFromMap(carrier, name);
      if (isHeadersLike(carrier)) return headerValue(carrier.get(name) ?? undefined);
      return getFromRecord(carrier as Record<string, unknown>, name);
    } catch {
      return undefined;
    }
  },
  set(carrier: unknown, name: string, value: string) {
    if (carrier === null || typeof carrier !== 'object') return;
    try {
      // Plain header objects, the usual carrier, have no `set` method: one property miss decides,
      // before an `instanceof` and two method probes per header written.
      if (typeof (carrier as { set?: unknown }).set === 'function' && (carrier instanceof Map || isHeadersLike(carrier))) {
        (carrier as HeadersLike).set(name, value);
      } else (carrier as Record<string, unknown>)[name] = value;
    } catch {
      // a frozen object or a Headers that refuses the name: the context is lost, not the app
    }
  },
  keys(carrier: unknown) {
    if (carrier === null || typeof carrier !== 'object') return [];
    try {
      if (carrier instanceof Map) return [...carrier.keys()].filter((key): key is string => typeof key === 'string');
      if (isHeadersLike(carrier)) {
        const names: string[] = [];
        carrier.forEach((_value, name) => {
          if (typeof name === 'string') names.push(name);
        });
        return names;
      }
      return Object.keys(carrier);
    } catch {
      return [];
    }
  },
});
