import { inspect } from 'node:util';
import { ConfigError } from '@trace/core';
import { INSPECT_CUSTOM, redactUrl, validateHeaders } from '@trace/core/encoding';

describe('validateHeaders', () => {
  it('returns a plain copy of valid headers', () => {
    const given = { Authorization: 'Bearer x', 'x-tenant': 'blue' };
    const clean = validateHeaders(given, 'Test');
    expect(clean).toEqual(given);
    expect(clean).not.toBe(given);
    expect(validateHeaders(undefined, 'Test')).toEqual({});
  });

  it.each([
    [null, /must be an object/],
    [['a'], /must be an object/],
    [{ '': 'x' }, /\(empty\)/],
    [{ 'bad name': 'x' }, /"bad…"/],
    [{ 'X-Key': 'a\nb' }, /"X-Key" must have a string value without CR, LF or NUL/],
    [{ 'X-Key': 'a\0b' }, /without CR, LF or NUL/],
    [{ 'X-Key': 1 }, /string value/],
  ])('rejects %j with a ConfigError', (headers, message) => {
    expect(() => validateHeaders(headers, 'Test')).toThrow(ConfigError);
    expect(() => validateHeaders(headers, 'Test')).toThrow(message);
  });

  it('never shows a value, nor what follows the first bad character of a name', () => {
    const messages: string[] = [];
    for (const headers of [{ 'Authorization: Bearer tok-1234': 'x' }, { Authorization: 'Bearer tok-1234\r\n' }]) {
      try {
        validateHeaders(headers, 'Test');
      } catch (error) {
        messages.push((error as Error).message);
      }
    }
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).not.toContain('tok-1234');
    expect(messages[0]).toContain('"Authorization…"');
  });
});

describe('redactUrl', () => {
  it.each([
    ['http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
    ['https://user:pw@collector/v1/traces?api_key=tok&x=1', 'https://collector/v1/traces?api_key=REDACTED&x=REDACTED'],
    ['collector:4317', 'collector:4317'],
    ['user:tok@collector:4317', 'collector:4317'],
    ['collector:4317?token=tok', 'collector:4317?REDACTED'],
    ['http://[::1?token=tok', 'http://[::1?REDACTED'],
  ])('%s is shown as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

it('INSPECT_CUSTOM is the symbol util.inspect calls', () => {
  expect(INSPECT_CUSTOM).toBe(inspect.custom);
});
