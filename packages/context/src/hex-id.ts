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
