// W3C Baggage: https://www.w3.org/TR/baggage/ — list-members `key=value;property`, percent-encoded
// values, at most 180 members and 8192 bytes.
import { type Result, TraceError, err, fail, ok } from './result.js';

/** Most list-members in one `baggage` header (W3C Baggage §3.3.1). */
export const BAGGAGE_MAX_MEMBERS = 180;
/** Most bytes in one `baggage` header (W3C Baggage §3.3.1). */
export const BAGGAGE_MAX_BYTES = 8192;

/** One baggage value and its properties (the raw `;name=value` text after the value, if any). */
export interface BaggageEntry {
  readonly value: string;
  readonly properties?: string;
}

// Keys that would reach a prototype if a caller copied baggage into a plain object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// RFC 7230 tchar: the characters of a baggage key.
const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN_CHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN_CHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN_CHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN_CHAR[c] = 1;

function isToken(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || TOKEN_CHAR[code] === 0) return false;
  }
  return true;
}

// baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (no space, '"', ',', ';', '\')
function isBaggageOctet(code: number): boolean {
  return code >= 0x21 && code <= 0x7e && code !== 0x22 && code !== 0x2c && code !== 0x3b && code !== 0x5c;
}

function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** True when `key` may be used as a baggage key (an RFC 7230 token, not a prototype name). */
export function isValidBaggageKey(key: string): boolean {
  return typeof key === 'string' && isToken(key, 0, key.length) && !FORBIDDEN_KEYS.has(key);
}

/**
 * A value as a `baggage` header carries it: verbatim when every character may appear there, else
 * percent-encoded as UTF-8. `undefined` for a string with no UTF-8 form (a lone surrogate).
 */
export function encodeBaggageValue(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isBaggageOctet(code) || code === 0x25) {
      try {
        return encodeURIComponent(value);
      } catch {
        return undefined; // a lone surrogate cannot be encoded as UTF-8
      }
    }
  }
  return value;
}

/** Map-style reads of baggage values: `ctx.baggage.user_id` (see {@link Baggage}). */
export type BaggageItems = { readonly [key: string]: string | undefined };

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Immutable W3C baggage. Keys are RFC 7230 tokens; values are any string (percent-encoded on the
 * wire). Entries live in a private `Map`, so hostile keys never reach an object prototype.
 * `baggage.user_id` reads like a map, for every key that is not a member of the class or of
 * `Object.prototype` (`size`, `get`, `toString`, ...: read those with `get(key)`); it is served
 * by one shared lookup behind the class's prototype, so making a Baggage costs nothing per key.
 * Every instance is frozen: nothing one span or request holds can be changed by another.
 */
class BaggageValue {
  // Private fields are not properties: a frozen Baggage has nothing reachable to mutate. Values
  // and properties are kept apart so that parsing allocates no object per member.
  readonly #values: ReadonlyMap<string, string>;
  readonly #properties: ReadonlyMap<string, string> | undefined;
  // Immutable, and shared by every span of a request: its header is worth computing once.
  #serialized: { readonly header: string; readonly droppedMembers: number } | undefined;

  private constructor(values: ReadonlyMap<string, string>, properties: ReadonlyMap<string, string> | undefined) {
    this.#values = values;
    this.#properties = properties === undefined || properties.size === 0 ? undefined : properties;
    Object.freeze(this);
  }

  static {
    // Map-style reads: a property found neither on the instance (it has none) nor on this
    // prototype reaches this proxy, which answers from the receiving Baggage's values. One proxy
    // for the process, off every hot path: methods resolve on the prototype before it.
    const base = Object.getPrototypeOf(BaggageValue.prototype) as object;
    const items = new Proxy(base, {
      get(target, key, receiver) {
        if (typeof key === 'string' && !(key in target) && typeof receiver === 'object' && receiver !== null && #values in receiver) {
          return (receiver as BaggageValue).#values.get(key);
        }
        return Reflect.get(target, key, receiver);
      },
    });
    Object.setPrototypeOf(BaggageValue.prototype, items);
  }

  /** The empty baggage every span without baggage shares; frozen like every Baggage. */
  static readonly EMPTY: Baggage = new BaggageValue(new Map(), undefined) as Baggage;

  private static from(values: ReadonlyMap<string, string>, properties: ReadonlyMap<string, string> | undefined): Baggage {
    return (values.size === 0 ? BaggageValue.EMPTY : new BaggageValue(values, properties)) as Baggage;
  }

  /** Baggage from a plain record of values; invalid keys or values give an error naming them. */
  static fromRecord(record: Readonly<Record<string, string>>): Result<Baggage> {
    if (record === null || typeof record !== 'object') return fail('BAGGAGE_INVALID', 'baggage record must be an object');
    let keys: string[];
    try {
      keys = Object.keys(record);
    } catch {
      return fail('BAGGAGE_INVALID', 'baggage record cannot be read');
    }
    // Checked one by one (the error names the entry), then built with one copy.
    const values = new Map<string, string>();
    for (const key of keys) {
      let value: unknown;
      try {
        value = record[key];
      } catch {
        return fail('BAGGAGE_INVALID_VALUE', `baggage value for ${JSON.stringify(key)} cannot be read`);
      }
      if (!isValidBaggageKey(key)) return fail('BAGGAGE_INVALID_KEY', 'baggage key is not a valid token');
      if (typeof value !== 'string') return fail('BAGGAGE_INVALID_VALUE', `baggage value for ${JSON.stringify(key)} must be a string`);
      if (encodeBaggageValue(value) === undefined) return fail('BAGGAGE_INVALID_VALUE', `baggage value for ${JSON.stringify(key)} is not valid UTF-16`);
      values.set(key, value);
    }
    return ok(BaggageValue.from(values, undefined));
  }

  /**
   * Parses a `baggage` header. Malformed members, more than 180 members, more than 8192 bytes or a
   * prototype key (`__proto__`, `constructor`, `prototype`) make the result an error that says why.
   */
  static parse(header: string): Result<Baggage> {
    if (typeof header !== 'string') return fail('BAGGAGE_INVALID', 'baggage must be a string');
    if (header.length > BAGGAGE_MAX_BYTES) {
      return fail('BAGGAGE_TOO_LARGE', `baggage is ${header.length} bytes, more than ${BAGGAGE_MAX_BYTES}`);
    }
    const values = new Map<string, string>();
    let properties: Map<string, string> | undefined;
    const length = header.length;
    let members = 0;
    let start = 0;
    while (start <= length) {
      let end = header.indexOf(',', start);
      if (end === -1) end = length;
      let memberStart = start;
      let memberEnd = end;
      while (memberStart < memberEnd && isOptionalWhitespace(header.charCodeAt(memberStart))) memberStart++;
      while (memberEnd > memberStart && isOptionalWhitespace(header.charCodeAt(memberEnd - 1))) memberEnd--;
      if (memberEnd > memberStart) {
        if (++members > BAGGAGE_MAX_MEMBERS) {
          return fail('BAGGAGE_TOO_MANY_MEMBERS', `baggage has more than ${BAGGAGE_MAX_MEMBERS} members`);
        }
        const parsed = parseMember(header, memberStart, memberEnd, members);
        if (!parsed.ok) return parsed;
        const member = parsed.value;
        const key = member[0];
        const memberProperties = member[2];
        values.set(key, member[1]);
        if (memberProperties !== undefined) {
          properties ??= new Map();
          properties.set(key, memberProperties);
        } else {
          properties?.delete(key);
        }
      }
      start = end + 1;
    }
    return ok(BaggageValue.from(values, properties));
  }

  get size(): number {
    return this.#values.size;
  }

  get(key: string): string | undefined {
    return this.#values.get(key);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  /** The value and its properties (a new frozen object per call). */
  getEntry(key: string): BaggageEntry | undefined {
    const value = this.#values.get(key);
    if (value === undefined) return undefined;
    const properties = this.#properties?.get(key);
    return Object.freeze(properties === undefined ? { value } : { value, properties });
  }

  keys(): string[] {
    return [...this.#values.keys()];
  }

  /** A new baggage with `key` set. `properties` is the raw `name=value;flag` property text. */
  set(key: string, value: string, properties?: string): Result<Baggage> {
    if (!isValidBaggageKey(key)) return fail('BAGGAGE_INVALID_KEY', 'baggage key is not a valid token');
    if (typeof value !== 'string') return fail('BAGGAGE_INVALID_VALUE', `baggage value for ${JSON.stringify(key)} must be a string`);
    if (encodeBaggageValue(value) === undefined) return fail('BAGGAGE_INVALID_VALUE', `baggage value for ${JSON.stringify(key)} is not valid UTF-16`);
    if (properties !== undefined && typeof properties !== 'string') {
      return fail('BAGGAGE_INVALID_VALUE', `baggage properties for ${JSON.stringify(key)} must be a string`);
    }
    const values = new Map(this.#values);
    values.set(key, value);
    let nextProperties = this.#properties;
    if (properties !== undefined && properties !== '') {
      const copy = new Map(nextProperties);
      copy.set(key, properties);
      nextProperties = copy;
    } else if (nextProperties?.has(key)) {
      const copy = new Map(nextProperties);
      copy.delete(key);
      nextProperties = copy;
    }
    return ok(new BaggageValue(values, nextProperties) as Baggage);
  }

  /**
   * A new baggage with `entries` set (later ones win), made with one copy however many there are:
   * an entry whose key or value {@link set} would refuse is skipped, and adding stops at
   * {@link BAGGAGE_MAX_MEMBERS} members. Properties of a replaced key are dropped.
   */
  setAll(entries: Iterable<readonly [string, string]>): Baggage {
    let values: Map<string, string> | undefined;
    let properties = this.#properties;
    try {
      for (const entry of entries) {
        const key = entry[0];
        const value = entry[1];
        if (!isValidBaggageKey(key) || typeof value !== 'string' || encodeBaggageValue(value) === undefined) continue;
        values ??= new Map(this.#values);
        if (!values.has(key) && values.size >= BAGGAGE_MAX_MEMBERS) break;
        values.set(key, value);
        if (properties?.has(key)) {
          const copy = new Map(properties);
          copy.delete(key);
          properties = copy;
        }
      }
    } catch {
      // an iterable that throws: what was read so far is kept
    }
    return values === undefined ? (this as unknown as Baggage) : BaggageValue.from(values, properties);
  }

  /** A new baggage without `key`. */
  delete(key: string): Baggage {
    if (!this.#values.has(key)) return this as unknown as Baggage;
    const values = new Map(this.#values);
    values.delete(key);
    let properties = this.#properties;
    if (properties?.has(key)) {
      const copy = new Map(properties);
      copy.delete(key);
      properties = copy;
    }
    return BaggageValue.from(values, properties);
  }

  /** Values as a null-prototype record (properties left out); a copy the caller may change. */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = Object.create(null);
    for (const [key, value] of this.#values) record[key] = value;
    return record;
  }

  /**
   * The `baggage` header value. Members that would take the header past 180 members or 8192
   * bytes are left out; `droppedMembers` says how many.
   */
  serialize(): { readonly header: string; readonly droppedMembers: number } {
    this.#serialized ??= Object.freeze(this.buildHeader());
    return this.#serialized;
  }

  // Values may be personal data: inspection shows the keys only.
  [INSPECT](): string {
    return `Baggage(${this.#values.size}) [${[...this.#values.keys()].join(', ')}]`;
  }

  private buildHeader(): { header: string; droppedMembers: number } {
    let header = '';
    let bytes = 0;
    let members = 0;
    let droppedMembers = 0;
    const allProperties = this.#properties;
    for (const [key, value] of this.#values) {
      const encoded = encodeBaggageValue(value);
      const properties = allProperties?.get(key);
      const member = properties === undefined ? `${key}=${encoded}` : `${key}=${encoded};${properties}`;
      const added = member.length + (members === 0 ? 0 : 1);
      if (encoded === undefined || members === BAGGAGE_MAX_MEMBERS || bytes + added > BAGGAGE_MAX_BYTES) {
        droppedMembers++;
        continue;
      }
      header += members === 0 ? member : `,${member}`;
      bytes += added;
      members++;
    }
    return { header, droppedMembers };
  }
}

/**
 * Immutable W3C baggage: the class's methods plus map-style reads of its values
 * (`baggage.user_id`), all frozen.
 */
export type Baggage = BaggageValue & BaggageItems;
/** W3C baggage values: `Baggage.parse`, `Baggage.fromRecord`, `Baggage.EMPTY`. */
export const Baggage = BaggageValue;

function parseMember(header: string, start: number, end: number, index: number): Result<[string, string, string | undefined]> {
  const equals = header.indexOf('=', start);
  if (equals === -1 || equals >= end) return fail('BAGGAGE_INVALID', `baggage member ${index} has no "="`);
  let keyEnd = equals;
  while (keyEnd > start && isOptionalWhitespace(header.charCodeAt(keyEnd - 1))) keyEnd--;
  if (!isToken(header, start, keyEnd)) return fail('BAGGAGE_INVALID', `baggage member ${index} has an invalid key`);
  const key = header.slice(start, keyEnd);
  if (FORBIDDEN_KEYS.has(key)) return fail('BAGGAGE_FORBIDDEN_KEY', `baggage key ${JSON.stringify(key)} is not allowed`);

  let valueStart = equals + 1;
  while (valueStart < end && isOptionalWhitespace(header.charCodeAt(valueStart))) valueStart++;
  let semicolon = header.indexOf(';', valueStart);
  if (semicolon === -1 || semicolon > end) semicolon = end;
  let valueEnd = semicolon;
  while (valueEnd > valueStart && isOptionalWhitespace(header.charCodeAt(valueEnd - 1))) valueEnd--;
  let hasPercent = false;
  for (let i = valueStart; i < valueEnd; i++) {
    const code = header.charCodeAt(i);
    if (!isBaggageOctet(code)) return fail('BAGGAGE_INVALID', `baggage value of ${JSON.stringify(key)} has a character that must be percent-encoded`);
    if (code === 0x25) hasPercent = true;
  }
  let value = header.slice(valueStart, valueEnd);
  if (hasPercent) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return err(new TraceError('BAGGAGE_INVALID', `baggage value of ${JSON.stringify(key)} has a malformed percent-encoding`));
    }
  }
  if (semicolon === end) return ok([key, value, undefined]);

  // Properties: `;name` or `;name=value`, kept verbatim (without optional whitespace) for re-injection.
  let properties = '';
  let cursor = semicolon + 1;
  while (cursor <= end) {
    let next = header.indexOf(';', cursor);
    if (next === -1 || next > end) next = end;
    let propertyStart = cursor;
    let propertyEnd = next;
    while (propertyStart < propertyEnd && isOptionalWhitespace(header.charCodeAt(propertyStart))) propertyStart++;
    while (propertyEnd > propertyStart && isOptionalWhitespace(header.charCodeAt(propertyEnd - 1))) propertyEnd--;
    const propertyEquals = header.indexOf('=', propertyStart);
    if (propertyEquals === -1 || propertyEquals >= propertyEnd) {
      if (!isToken(header, propertyStart, propertyEnd)) return fail('BAGGAGE_INVALID', `baggage member ${index} has an invalid property`);
      properties += (properties === '' ? '' : ';') + header.slice(propertyStart, propertyEnd);
    } else {
      let nameEnd = propertyEquals;
      while (nameEnd > propertyStart && isOptionalWhitespace(header.charCodeAt(nameEnd - 1))) nameEnd--;
      let propertyValueStart = propertyEquals + 1;
      while (propertyValueStart < propertyEnd && isOptionalWhitespace(header.charCodeAt(propertyValueStart))) propertyValueStart++;
      if (!isToken(header, propertyStart, nameEnd)) return fail('BAGGAGE_INVALID', `baggage member ${index} has an invalid property`);
      for (let i = propertyValueStart; i < propertyEnd; i++) {
        if (!isBaggageOctet(header.charCodeAt(i))) return fail('BAGGAGE_INVALID', `baggage member ${index} has an invalid property value`);
      }
      properties += `${properties === '' ? '' : ';'}${header.slice(propertyStart, nameEnd)}=${header.slice(propertyValueStart, propertyEnd)}`;
    }
    cursor = next + 1;
  }
  return ok([key, value, properties]);
}
