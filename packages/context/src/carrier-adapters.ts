// One adapter per kind of carrier, so a propagator never guesses. Reads match header names
// case-insensitively (the exact lowercase name first, a scan only when that misses); writes use
// the lowercase name the propagator gives. Bad carriers read as empty and ignore writes: every
// method catches what a carrier throws (a getter, a Proxy trap, a frozen object, a Headers that
// refuses a value), because the carrier belongs to the application and the request must go on.
import type { CarrierAdapter, HeadersLike } from '@trace/core';
import { toHeaderValue } from './header-value.js';

/** A plain object of headers: values are strings or arrays of strings; anything else is ignored. */
export type ObjectCarrier = Record<string, string | readonly string[] | undefined>;
/** A `Map` of headers. */
export type MapCarrier = Map<string, string | readonly string[]>;
/** Node's `IncomingHttpHeaders` (`req.headers`) or a hand-built object of the same shape. */
export type NodeIncomingHeaders = Record<string, string | string[] | undefined>;
/** What `http.ClientRequest` / `http.ServerResponse` offer for headers (`OutgoingMessage`). */
export interface NodeOutgoingHeaders {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: number | string | readonly string[]): unknown;
  getHeaderNames(): string[];
}
/** One Kafka header value: bytes (`Buffer`, `Uint8Array`) or a string, possibly repeated. */
export type KafkaHeaderValue = Buffer | Uint8Array | string | ReadonlyArray<Buffer | Uint8Array | string>;
/** Kafka-style message headers (KafkaJS `IHeaders`): values are `Buffer`s, strings, or arrays of them. */
export type KafkaMessageHeaders = Record<string, KafkaHeaderValue | undefined>;

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

// Every adapter below is wrapped once here, so no method of any of them can throw, whatever the
// carrier does, instead of each method guarding each access.
function neverThrowing<C>(adapter: CarrierAdapter<C>): CarrierAdapter<C> {
  return Object.freeze({
    get(carrier: C, name: string) {
      try {
        return adapter.get(carrier, name);
      } catch {
        return undefined;
      }
    },
    set(carrier: C, name: string, value: string) {
      try {
        adapter.set(carrier, name, value);
      } catch {
        // The carrier refused the header; the request goes on without it.
      }
    },
    keys(carrier: C) {
      try {
        return adapter.keys(carrier);
      } catch {
        return [];
      }
    },
  });
}

// The key of `record` equal to `name` ignoring case (`name` is lowercase), or undefined.
function findKey(record: object, name: string): string | undefined {
  if (Object.hasOwn(record, name)) return name;
  for (const key in record) {
    if (key.length === name.length && Object.hasOwn(record, key) && key.toLowerCase() === name) return key;
  }
  return undefined;
}

function ownKeys(record: object): string[] {
  const keys: string[] = [];
  for (const key in record) if (Object.hasOwn(record, key)) keys.push(key);
  return keys;
}

function setOnRecord(carrier: unknown, name: string, value: unknown): void {
  if (!isObject(carrier) || Object.isFrozen(carrier)) return;
  // Replace a differently-cased copy so the carrier never holds two values for one header.
  const existing = findKey(carrier, name);
  if (existing !== undefined && existing !== name) delete (carrier as Record<string, unknown>)[existing];
  (carrier as Record<string, unknown>)[name] = value;
}

/** Plain object carrier: `{ traceparent: '00-…' }`, values string or string[]. */
export const objectCarrierAdapter: CarrierAdapter<ObjectCarrier> = neverThrowing({
  get(carrier, name) {
    if (!isObject(carrier)) return undefined;
    const key = findKey(carrier, name);
    return key === undefined ? undefined : toHeaderValue((carrier as Record<string, unknown>)[key]);
  },
  set(carrier, name, value) {
    setOnRecord(carrier, name, value);
  },
  keys(carrier) {
    return isObject(carrier) ? ownKeys(carrier) : [];
  },
});

/** `Map<string, string | string[]>` carrier. */
export const mapCarrierAdapter: CarrierAdapter<MapCarrier> = neverThrowing({
  get(carrier, name) {
    if (!(carrier instanceof Map)) return undefined;
    let value: unknown = carrier.get(name);
    if (value === undefined) {
      for (const [key, entry] of carrier) {
        if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) {
          value = entry;
          break;
        }
      }
    }
    return toHeaderValue(value);
  },
  set(carrier, name, value) {
    if (!(carrier instanceof Map)) return;
    for (const key of carrier.keys()) {
      if (key !== name && typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) {
        carrier.delete(key);
        break;
      }
    }
    carrier.set(name, value);
  },
  keys(carrier) {
    if (!(carrier instanceof Map)) return [];
    const keys: string[] = [];
    for (const key of carrier.keys()) if (typeof key === 'string') keys.push(key);
    return keys;
  },
});

/**
 * fetch `Headers` (or anything with `get`/`set`/`forEach`). `Headers` itself is case-insensitive
 * and joins repeated values with `", "`, so a repeated `traceparent` arrives joined and fails to
 * parse, as the W3C spec wants.
 */
export const fetchHeadersCarrierAdapter: CarrierAdapter<HeadersLike> = neverThrowing({
  get(carrier, name) {
    if (!isObject(carrier) || typeof carrier.get !== 'function') return undefined;
    const value = carrier.get(name);
    return typeof value === 'string' ? value : undefined;
  },
  set(carrier, name, value) {
    if (isObject(carrier) && typeof carrier.set === 'function') carrier.set(name, value);
  },
  keys(carrier) {
    if (!isObject(carrier) || typeof carrier.forEach !== 'function') return [];
    const keys: string[] = [];
    carrier.forEach((_value, key: unknown) => {
      if (typeof key === 'string') keys.push(key);
    });
    return keys;
  },
});

/**
 * Node `IncomingHttpHeaders` (`req.headers`): lowercase names from Node, any case from
 * hand-built objects; array values (repeated headers) are passed through for the propagator to
 * judge. Writes go to the object, which suits a headers object you then pass to `http.request`.
 */
export const nodeIncomingHeadersCarrierAdapter: CarrierAdapter<NodeIncomingHeaders> = objectCarrierAdapter as CarrierAdapter<NodeIncomingHeaders>;

/**
 * A Node `OutgoingMessage` (`http.ClientRequest` before its headers are sent, or a
 * `ServerResponse`): reads with `getHeader`, writes with `setHeader`. Writing after the headers
 * went out is ignored (Node would throw).
 */
export const nodeOutgoingMessageCarrierAdapter: CarrierAdapter<NodeOutgoingHeaders> = neverThrowing({
  get(carrier, name) {
    if (!isObject(carrier) || typeof carrier.getHeader !== 'function') return undefined;
    const value = carrier.getHeader(name);
    if (typeof value === 'number') return String(value);
    return toHeaderValue(value);
  },
  set(carrier, name, value) {
    if (!isObject(carrier) || typeof carrier.setHeader !== 'function') return;
    if ((carrier as { headersSent?: boolean }).headersSent === true) return;
    // Node throws on invalid header characters; the propagator never writes those, but a
    // subclass might refuse: the wrapper catches that and the request goes on without it.
    carrier.setHeader(name, value);
  },
  keys(carrier) {
    if (!isObject(carrier) || typeof carrier.getHeaderNames !== 'function') return [];
    const names: unknown = carrier.getHeaderNames();
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
  },
});

function bytesToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return undefined;
}

/**
 * Kafka-style message headers whose values are `Buffer`s (KafkaJS `message.headers`): reads
 * decode UTF-8 (arrays of Buffers become arrays of strings), writes store a `Buffer`. Kafka header
 * names are case-sensitive; reads still match any case so a producer's `Traceparent` is found.
 */
export const kafkaHeadersCarrierAdapter: CarrierAdapter<KafkaMessageHeaders> = neverThrowing({
  get(carrier, name) {
    if (!isObject(carrier)) return undefined;
    const key = findKey(carrier, name);
    if (key === undefined) return undefined;
    const value: unknown = (carrier as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      const values: string[] = [];
      for (let i = 0; i < value.length; i++) {
        const text = bytesToString(value[i]);
        if (text === undefined) return undefined;
        values.push(text);
      }
      return values.length === 1 ? (values[0] as string) : values;
    }
    return bytesToString(value);
  },
  set(carrier, name, value) {
    setOnRecord(carrier, name, Buffer.from(value, 'utf8'));
  },
  keys(carrier) {
    return isObject(carrier) ? ownKeys(carrier) : [];
  },
});
