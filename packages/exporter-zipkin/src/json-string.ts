// JSON string literals for the hand-written Zipkin JSON encoder (RFC 8259 §7).

const HEX = '0123456789abcdef';

/**
 * The inside of a JSON string literal for `value` (without the quotes), so callers can merge the
 * quotes into their constant text. Most strings (ids, tag keys, operation names) need no
 * escaping, so one scan that finds nothing to escape returns the input itself; only a
 * string that needs it takes the slow path. Lone surrogates are written as `\udxxx`, as the
 * well-formed `JSON.stringify` does, so the body is always valid UTF-8.
 */
export function jsonText(value: string): string {
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return escapeFrom(value, i);
  }
  return value;
}

/** Escapes `value` from index `start` on (everything before it needs no escaping). */
function escapeFrom(value: string, start: number): string {
  let out = value.slice(0, start);
  let runStart = start;
  const length = value.length;
  for (let i = start; i < length; i++) {
    const code = value.charCodeAt(i);
    let replacement: string | undefined;
    if (code < 0x20) {
      replacement = shortEscape(code);
    } else if (code === 0x22) {
      replacement = '\\"';
    } else if (code === 0x5c) {
      replacement = '\\\\';
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        // A well-formed pair: keep both halves as they are.
        i++;
        continue;
      }
      replacement = unicodeEscape(code);
    }
    if (replacement !== undefined) {
      out += value.slice(runStart, i) + replacement;
      runStart = i + 1;
    }
  }
  return out + value.slice(runStart);
}

function shortEscape(code: number): string {
  switch (code) {
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    default:
      return unicodeEscape(code);
  }
}

function unicodeEscape(code: number): string {
  return `\\u${HEX[(code >> 12) & 15]}${HEX[(code >> 8) & 15]}${HEX[(code >> 4) & 15]}${HEX[code & 15]}`;
}
