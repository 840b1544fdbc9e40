// The one place where a header value read from a carrier is trusted or not. A carrier is
// whatever the application hands in (Node's `req.headers`, a Map, fetch `Headers`, a KafkaJS
// message, a hand-built object), and an adapter is whatever the caller wrote, so a value can be
// anything: a number, `[42]`, `[null]`, a getter that throws, a Proxy. Every propagator and every
// adapter here reads through these functions, so "never throws, odd values read as absent" is
// true in one place instead of being re-checked (or forgotten) per format.
import type { CarrierAdapter } from '@trace/core';

/** Marks a header that was sent more than once with different values: ambiguous, so invalid. */
export const REPEATED = Symbol('repeated header');

/** One header as a propagator sees it: its value, absent, or repeated with different values. */
export type HeaderRead = string | undefined | typeof REPEATED;

/**
 * A raw carrier value as a header value: a string, or an array holding only strings (a repeated
 * header, as Node delivers it). Anything else, including an array with one non-string element,
 * is `undefined`: a header we cannot read is a header we did not get. Never throws (an array
 * Proxy whose traps throw reads as absent).
 */
export function toHeaderValue(raw: unknown): string | readonly string[] | undefined {
  if (typeof raw === 'string') return raw;
  try {
    if (!Array.isArray(raw)) return undefined;
    const length = raw.length;
    for (let i = 0; i < length; i++) if (typeof raw[i] !== 'string') return undefined;
    return raw as readonly string[];
  } catch {
    return undefined;
  }
}

/**
 * The one value of a raw header: repeated identical values (a proxy that appended a copy)
 * collapse to one; repeated different values give {@link REPEATED}; anything that is not a
 * string or an array of strings reads as absent. Never throws.
 */
export function singleHeaderValue(raw: unknown): HeaderRead {
  if (typeof raw === 'string') return raw;
  try {
    if (!Array.isArray(raw)) return undefined;
    const length = raw.length;
    if (length === 0) return undefined;
    const first: unknown = raw[0];
    if (typeof first !== 'string') return undefined;
    let repeated = false;
    for (let i = 1; i < length; i++) {
      const value: unknown = raw[i];
      if (typeof value !== 'string') return undefined;
      if (value !== first) repeated = true;
    }
    return repeated ? REPEATED : first;
  } catch {
    return undefined;
  }
}

/**
 * The one value of header `name`, read through `adapter`: `undefined` when absent, unreadable,
 * or when the carrier or adapter throws; {@link REPEATED} when it was sent more than once with
 * different values.
 */
export function readHeader(carrier: unknown, adapter: CarrierAdapter<unknown>, name: string): HeaderRead {
  try {
    return singleHeaderValue(adapter.get(carrier, name));
  } catch {
    return undefined;
  }
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * The header names `adapter` lists for `carrier`, keeping only strings; empty when the adapter
 * or the carrier throws or returns something that is not an array.
 */
export function readHeaderNames(carrier: unknown, adapter: CarrierAdapter<unknown>): readonly string[] {
  try {
    const names: unknown = adapter.keys(carrier);
    if (!Array.isArray(names)) return NO_NAMES;
    for (let i = 0; i < names.length; i++) {
      if (typeof names[i] !== 'string') return names.filter((name): name is string => typeof name === 'string');
    }
    return names as readonly string[];
  } catch {
    return NO_NAMES;
  }
}
