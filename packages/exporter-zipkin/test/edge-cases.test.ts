// Properties of the encoders over generated input: any string survives JSON escaping, any IP
// literal lands in the right endpoint field with the right bytes, anything else is left out.
import { isIP } from 'node:net';
import { Tracer } from '@trace/core';
import fc from 'fast-check';
import { encodeZipkinJson, encodeZipkinProto } from '../src/index';
import { type DecodedSpan, decodeProtoSpans, idlAvailable, ipv6Text, loadListOfSpansType } from './support/idl';

const tracer = new Tracer({ serviceName: 'svc' });
const utf16String = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 });

function spanWith(tags: Record<string, string | number>, name = 'op') {
  const span = tracer.startSpan(name, undefined, { parent: null, kind: 'client', tags });
  span.end();
  return span;
}

test('any string (controls, quotes, lone surrogates) round-trips through the JSON encoder', () => {
  fc.assert(
    fc.property(utf16String, utf16String, (key, value) => {
      fc.pre(key !== '' && key !== '__proto__' && key !== 'span.kind');
      const span = spanWith({ [key]: value }, value);
      const text = encodeZipkinJson([span]);
      const [decoded] = JSON.parse(text) as DecodedSpan[];
      expect(decoded?.tags?.[key]).toBe(value);
      expect(decoded?.name).toBe(value === '' ? undefined : value);
      // Valid UTF-8 on the wire: a lone surrogate is escaped, never written raw.
      expect((text as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
    }),
    { numRuns: 300 },
  );
});

(idlAvailable() ? describe : describe.skip)('peer addresses', () => {
  const ListOfSpans = loadListOfSpansType();

  /** Full IPv6 text via the WHATWG URL parser, as an independent reference. */
  function referenceIpv6(address: string): string {
    const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
    const [head = '', tail = ''] = host.split('::');
    const left = head === '' ? [] : head.split(':');
    const right = tail === '' ? [] : tail.split(':');
    return [...left, ...new Array(8 - left.length - right.length).fill('0'), ...right].map((group) => Number.parseInt(group, 16).toString(16)).join(':');
  }

  test('IPv6 literals go to ipv6 (mapped IPv4 to ipv4) with the right 16 bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const span = spanWith({ 'net.peer.ip': address, 'net.peer.port': 443 });
        const [json] = JSON.parse(encodeZipkinJson([span])) as DecodedSpan[];
        const [proto] = decodeProtoSpans(ListOfSpans, encodeZipkinProto([span]));
        const full = referenceIpv6(address);
        if (full.startsWith('0:0:0:0:0:ffff:')) {
          expect(json?.remoteEndpoint?.ipv6).toBeUndefined();
          expect(isIP(json?.remoteEndpoint?.ipv4 ?? '')).toBe(4);
          expect(proto?.remoteEndpoint?.ipv4).toBe(json?.remoteEndpoint?.ipv4);
        } else {
          expect(json?.remoteEndpoint?.ipv6).toBe(address.toLowerCase());
          expect(proto?.remoteEndpoint?.ipv6).toBe(full);
        }
        expect(proto?.remoteEndpoint?.port).toBe(443);
      }),
      { numRuns: 300 },
    );
  });

  test('IPv4 literals go to ipv4 as text and as 4 bytes', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const span = spanWith({ 'server.address': address });
        const [json] = JSON.parse(encodeZipkinJson([span])) as DecodedSpan[];
        const [proto] = decodeProtoSpans(ListOfSpans, encodeZipkinProto([span]));
        expect(json?.remoteEndpoint).toEqual({ ipv4: address });
        expect(proto?.remoteEndpoint).toEqual({ ipv4: address });
      }),
    );
  });

  test('strings that are not IP literals never become an address', () => {
    fc.assert(
      fc.property(
        fc.oneof(utf16String, fc.ipV4Extended(), fc.constantFrom('1.2.3', '01.2.3.4', '1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '[::1', 'fe80::1%')),
        (text) => {
          fc.pre(isIP(text) === 0);
          const span = spanWith({ 'net.peer.ip': text });
          const [json] = JSON.parse(encodeZipkinJson([span])) as DecodedSpan[];
          expect(json?.remoteEndpoint).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  test('zone ids are dropped and bracketed forms accepted', () => {
    const [json] = JSON.parse(encodeZipkinJson([spanWith({ 'net.peer.ip': 'fe80::1%eth0' }), spanWith({ 'net.peer.ip': '[::1]' })])) as DecodedSpan[];
    expect(json?.remoteEndpoint).toEqual({ ipv6: 'fe80::1' });
    const [, bracketed] = decodeProtoSpans(ListOfSpans, encodeZipkinProto([spanWith({ 'net.peer.ip': 'fe80::1%eth0' }), spanWith({ 'net.peer.ip': '[::1]' })]));
    expect(bracketed?.remoteEndpoint).toEqual({ ipv6: ipv6Text([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) });
  });
});
