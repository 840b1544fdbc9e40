import type { CarrierAdapter } from '@trace/core';
// Id parsing shared by the B3 and Jaeger propagators. Both formats allow ids shorter than the
// W3C widths (64-bit trace ids, Jaeger's unpadded hex), so everything is normalised here to the
// 32/16 lowercase hex characters a core `TraceContext` holds.

// -1: not a hex digit. Upper case is recorded separately so each format can decide to accept it.
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_DIGIT[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_DIGIT[97 + i] = 10 + i;
  HEX_DIGIT[65 + i] = 10 + i;
}

const ZEROS = '00000000000000000000000000000000';

/**
 * Normalises `text[start, end)` to `width` lowercase hex characters, left-padding with zeros.
 * Returns `undefined` when the slice is empty, longer than `width`, not hex, upper case where
 * `allowUpperCase` is false, or (unless `allowZero`) all zeros.
 */
export function normalizeHexId(text: string, start: number, end: number, width: 16 | 32, allowUpperCase: boolean, allowZero: boolean): string | undefined {
  const length = end - start;
  if (length <= 0 || length > width) return undefined;
  let nonZero = false;
  let upper = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (HEX_DIGIT[code] as number) < 0) return undefined;
    if (code >= 65 && code <= 70) {
      if (!allowUpperCase) return undefined;
      upper = true;
    }
    if (code !== 48) nonZero = true;
  }
  if (!nonZero && !allowZero) return undefined;
  let id = text.slice(start, end);
  if (upper) id = id.toLowerCase();
  return length === width ? id : ZEROS.slice(0, width - length) + id;
}

/** Parses one or two hex digits of `text[start, end)` as a byte; `undefined` if not hex. */
export function parseHexByte(text: string, start: number, end: number): number | undefined {
  const length = end - start;
  if (length < 1 || length > 2) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (HEX_DIGIT[code] as number) : -1;
    if (digit < 0) return undefined;
    value = (value << 4) | digit;
  }
  return value;
}

/** Marks a header that was sent more than once with different values: ambiguous, so invalid. */
export const REPEATED = Symbol('repeated header');

/**
 * The one value of a header. Repeated identical values (a proxy that appended a copy) collapse
 * to one; repeated different values give {@link REPEATED}.
 */
/**
 * The one value of header `name`, read through `adapter`: `undefined` when absent or when the
 * carrier throws, {@link REPEATED} when it was sent more than once with different values.
 */
export function readSingleHeader(carrier: unknown, adapter: CarrierAdapter<unknown>, name: string): string | undefined | typeof REPEATED {
  try {
    return singleValue(adapter.get(carrier, name));
  } catch {
    return undefined;
  }
}

export function singleValue(value: string | readonly string[] | undefined): string | undefined | typeof REPEATED {
  if (value === undefined || typeof value === 'string') return value;
  if (value.length === 0) return undefined;
  const first = value[0] as string;
  for (let i = 1; i < value.length; i++) if (value[i] !== first) return REPEATED;
  return first;
}
