// W3C Trace Context §3.3 `tracestate`: an ordered list of at most 32 vendor entries.
// https://www.w3.org/TR/trace-context/#tracestate-header
import { type Result, fail, ok } from './result.js';

/** Most members a `tracestate` may carry (W3C §3.3.1.1). */
export const TRACE_STATE_MAX_MEMBERS = 32;
// Trace Context Level 2: a key is at most 256 characters, a value at most 256.
const MAX_KEY_LENGTH = 256;
const MAX_VALUE_LENGTH = 256;

function isLowerAlpha(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}
function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
function isKeyChar(code: number): boolean {
  // lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
  return isLowerAlpha(code) || isDigit(code) || code === 0x5f || code === 0x2d || code === 0x2a || code === 0x2f || code === 0x40;
}

function isKeyAt(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length <= 0 || length > MAX_KEY_LENGTH) return false;
  const first = text.charCodeAt(start);
  if (!isLowerAlpha(first) && !isDigit(first)) return false;
  for (let i = start + 1; i < end; i++) if (!isKeyChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * True when `key` is a valid `tracestate` key under Trace Context Level 2: a lowercase letter or
 * digit, then up to 255 of `a-z 0-9 _ - * / @`. The Level 1 `tenant@system` split (and its
 * 241 / 14 character limits) is gone: `@` is an ordinary key character, so `foo@`, `t@vvv...`
 * and vendor keys with a long tenant are all valid.
 */
export function isValidTraceStateKey(key: string): boolean {
  return typeof key === 'string' && isKeyAt(key, 0, key.length);
}

/** True when `value` is 1–256 printable ASCII characters without `,` or `=`, not ending in a space. */
export function isValidTraceStateValue(value: string): boolean {
  if (typeof value !== 'string') return false;
  const length = value.length;
  if (length === 0 || length > MAX_VALUE_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x2c || code === 0x3d) return false;
  }
  return value.charCodeAt(length - 1) !== 0x20;
}

function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Immutable `tracestate`. Updating a key moves it to the front (W3C §3.5 "mutating the tracestate
 * field"); the list never exceeds 32 members (the oldest, at the end, is dropped).
 */
export class TraceState {
  // A private field, not a property: a frozen TraceState has nothing reachable to mutate.
  readonly #entries: readonly (readonly [string, string])[];

  private constructor(entries: readonly (readonly [string, string])[]) {
    this.#entries = entries;
    Object.freeze(this);
  }

  /** The empty state every span without a `tracestate` shares; frozen like every TraceState. */
  static readonly EMPTY = new TraceState([]);

  /**
   * Parses a `tracestate` header value. Empty members are skipped; a repeated key keeps its
   * first occurrence (later ones are dropped, as the W3C test suite expects); an invalid member
   * or more than 32 members makes the whole value invalid, as the Recommendation requires.
   */
  static parse(header: string): Result<TraceState> {
    if (typeof header !== 'string') return fail('TRACESTATE_INVALID', 'tracestate must be a string');
    // 32 members of at most 512 characters each, plus separators: anything longer cannot be valid.
    if (header.length > TRACE_STATE_MAX_MEMBERS * (MAX_KEY_LENGTH + MAX_VALUE_LENGTH + 4)) {
      return fail('TRACESTATE_TOO_LONG', `tracestate is ${header.length} characters, longer than any valid value`);
    }
    const entries: [string, string][] = [];
    let start = 0;
    const length = header.length;
    while (start <= length) {
      let end = header.indexOf(',', start);
      if (end === -1) end = length;
      let memberStart = start;
      let memberEnd = end;
      while (memberStart < memberEnd && isOptionalWhitespace(header.charCodeAt(memberStart))) memberStart++;
      while (memberEnd > memberStart && isOptionalWhitespace(header.charCodeAt(memberEnd - 1))) memberEnd--;
      if (memberEnd > memberStart) {
        const equals = header.indexOf('=', memberStart);
        if (equals === -1 || equals >= memberEnd) {
          return fail('TRACESTATE_INVALID', `tracestate member ${entries.length + 1} has no "="`);
        }
        if (!isKeyAt(header, memberStart, equals)) {
          return fail('TRACESTATE_INVALID', `tracestate member ${entries.length + 1} has an invalid key`);
        }
        const key = header.slice(memberStart, equals);
        const value = header.slice(equals + 1, memberEnd);
        if (!isValidTraceStateValue(value)) {
          return fail('TRACESTATE_INVALID', `tracestate value for ${JSON.stringify(key)} is not valid`);
        }
        let repeated = false;
        for (const entry of entries) {
          if (entry[0] === key) {
            repeated = true;
            break;
          }
        }
        if (repeated) {
          start = end + 1;
          continue;
        }
        if (entries.length === TRACE_STATE_MAX_MEMBERS) {
          return fail('TRACESTATE_TOO_MANY_MEMBERS', `tracestate has more than ${TRACE_STATE_MAX_MEMBERS} members`);
        }
        entries.push([key, value]);
      }
      start = end + 1;
    }
    return ok(entries.length === 0 ? TraceState.EMPTY : new TraceState(entries));
  }

  get size(): number {
    return this.#entries.length;
  }

  get(key: string): string | undefined {
    for (const entry of this.#entries) if (entry[0] === key) return entry[1];
    return undefined;
  }

  /** A new state with `key` set and moved to the front; invalid keys or values give an error. */
  set(key: string, value: string): Result<TraceState> {
    if (!isValidTraceStateKey(key)) return fail('TRACESTATE_INVALID', `tracestate key ${JSON.stringify(key)} is not valid`);
    if (!isValidTraceStateValue(value)) return fail('TRACESTATE_INVALID', `tracestate value for ${JSON.stringify(key)} is not valid`);
    const entries: (readonly [string, string])[] = [[key, value]];
    for (const entry of this.#entries) {
      if (entry[0] !== key && entries.length < TRACE_STATE_MAX_MEMBERS) entries.push(entry);
    }
    return ok(new TraceState(entries));
  }

  /** A new state without `key`. */
  unset(key: string): TraceState {
    const entries = this.#entries.filter((entry) => entry[0] !== key);
    return entries.length === this.#entries.length ? this : new TraceState(entries);
  }

  /** Entries in header order. */
  toArray(): [string, string][] {
    return this.#entries.map((entry) => [entry[0], entry[1]]);
  }

  /** The header value: `key=value` members joined by `,` (empty string for an empty state). */
  serialize(): string {
    let header = '';
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as readonly [string, string];
      header += `${i === 0 ? '' : ','}${entry[0]}=${entry[1]}`;
    }
    return header;
  }

  toString(): string {
    return this.serialize();
  }
}
