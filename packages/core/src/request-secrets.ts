// What every exporter does with the parts of its configuration that may hold a credential: custom
// headers (an `Authorization` value, an API key) and the endpoint URL (userinfo, a `?token=`
// query). One rule for which headers are accepted, and one way to show a URL or header set without
// its secrets, so that no error message, statistic, log line or `util.inspect` output carries one.
import { ConfigError } from './result.js';

/** RFC 9110 `token`: the characters an HTTP header name (and a gRPC metadata key) may use. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Characters a header value must not hold: they would end or split the header. */
const HEADER_VALUE_BREAK = /[\r\n\0]/;
/** The leading token characters of a malformed name, which are shown (never what follows). */
const NAME_PREFIX = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{0,40}/;

/**
 * `util.inspect`'s hook (`util.inspect.custom`): a class that keeps credentials defines a method
 * under this key to show itself without them. The registered symbol needs no `node:util` import.
 */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * Checks custom request headers once, at set-up, and returns a plain copy: every name an HTTP
 * token (so also a valid gRPC metadata key once lowercased), every value a string without CR, LF
 * or NUL. The rule is the same for every exporter and transport kind.
 *
 * Error messages name the header, never its value; a malformed name is shown only up to its
 * first character that is not allowed, because a common mistake (`Authorization: Bearer x` as
 * one name) puts the credential in the name.
 *
 * @param owner what the headers configure, for the message (e.g. `ZipkinExporter`).
 * @throws {ConfigError} for a non-object, a malformed name or a value that is not such a string.
 */
export function validateHeaders(headers: unknown, owner: string): Record<string, string> {
  const clean: Record<string, string> = {};
  if (headers === undefined) return clean;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigError(`${owner} headers must be an object of header name to string value`);
  }
  const source = headers as Record<string, unknown>;
  for (const name of Object.keys(source)) {
    if (!HEADER_NAME.test(name)) {
      const shown = (NAME_PREFIX.exec(name) as RegExpExecArray)[0];
      throw new ConfigError(
        `${owner} header name ${shown === '' ? '(empty)' : `"${shown}…"`} is not a valid HTTP header name (only letters, digits and !#$%&'*+-.^_\`|~; the rest of it is not shown)`,
      );
    }
    const value = source[name];
    if (typeof value !== 'string' || HEADER_VALUE_BREAK.test(value)) {
      throw new ConfigError(`${owner} header "${name}" must have a string value without CR, LF or NUL (the value is not shown)`);
    }
    clean[name] = value;
  }
  return clean;
}

/**
 * A URL as it may be shown: without userinfo, and with each query parameter's value replaced by
 * `REDACTED` (names are kept: they say which parameter it was). Text that is not a `scheme://`
 * URL (a gRPC `host:port`) loses anything up to an `@` and everything after a `?` the same way.
 */
export function redactUrl(text: string): string {
  let url: URL | undefined;
  try {
    if (text.includes('://')) url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    const at = text.lastIndexOf('@');
    const rest = at === -1 ? text : text.slice(at + 1);
    const query = rest.indexOf('?');
    return query === -1 ? rest : `${rest.slice(0, query)}?REDACTED`;
  }
  let shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.search !== '') {
    const names: string[] = [];
    for (const name of url.searchParams.keys()) names.push(`${encodeURIComponent(name)}=REDACTED`);
    shown += `?${names.join('&')}`;
  }
  return shown;
}
