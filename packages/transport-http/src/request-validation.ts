// Checks a request before anything is sent, so that a bad URL, method or header is an
// `invalid-request` error with a message that names what is wrong but never a header value.
import { TransportError } from '@trace/core';

/** A request URL that passed validation, and how to name it in messages. */
export interface CheckedTarget {
  url: URL;
  /** `origin + pathname`: no credentials, no query string (both can carry secrets). */
  display: string;
}

/** Parses `url`; only absolute `http:` and `https:` URLs are accepted. */
export function checkTarget(url: unknown): CheckedTarget | TransportError {
  if (typeof url !== 'string' || url.length === 0) {
    return new TransportError('invalid-request', 'request URL must be a non-empty string', false);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The input may hold credentials, so it is not echoed back.
    return new TransportError('invalid-request', 'request URL is not a valid absolute URL', false);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return new TransportError('invalid-request', `request URL scheme "${parsed.protocol}" is not supported; use http: or https:`, false);
  }
  return { url: parsed, display: parsed.origin + parsed.pathname };
}

// RFC 9110 token characters, for methods and header names.
function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const alphanumeric = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(value[i] as string) === -1) return false;
  }
  return true;
}

// RFC 9110 field-value: visible ASCII, space, tab and obs-text; no CR, LF or NUL.
function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** `undefined` when `method` is a valid HTTP method token. */
export function checkMethod(method: string): TransportError | undefined {
  return isToken(method) ? undefined : new TransportError('invalid-request', `"${method.slice(0, 32)}" is not a valid HTTP method`, false);
}

/** `undefined` when every header name and value is valid. The error names the header, never its value. */
export function checkHeaders(headers: Readonly<Record<string, string>>): TransportError | undefined {
  for (const name in headers) {
    if (!isToken(name)) return new TransportError('invalid-request', `header name "${name.slice(0, 64)}" is not a valid HTTP token`, false);
    const value = headers[name];
    if (typeof value !== 'string' || !isFieldValue(value)) {
      return new TransportError('invalid-request', `header "${name}" has a value that is not a string of printable characters`, false);
    }
  }
  return undefined;
}
