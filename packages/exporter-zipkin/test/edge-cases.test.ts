// Properties of the encoders over generated input: any string survives JSON escaping, a batch is
// exactly its spans encoded one by one (what the JSON encoder copies from earlier spans is right),
// any IP literal lands in the right endpoint field with the right bytes, anything else is left out.
import { isIP } from 'node:net';
import { type Span, type SpanKind, type TagValue, Tracer } from '@trace/core';
import { JsonBytesWriter } from '@trace/core/encoding';
import fc from 'fast-check';
import { encodeZipkinJson, encodeZipkinJsonBytes, encodeZipkinJsonInto, encodeZipkinProto } from '../src/index';
import { type DecodedSpan, decodeProtoSpans, ipv6Text, loadListOfSpansType } from './support/idl';

const tracer = new Tracer({ serviceName: 'svc' });
const utf16String = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 });

function spanWith(tags: Record<string, string | number>, name = 'op') {
  const span = tracer.startSpan(name, { parent: null, kind: 'client', tags });
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

test('spans and events given invalid times still encode to valid JSON and protobuf', () => {
  const spans = [Number.NaN, Number.POSITIVE_INFINITY, -5, new Date('not a date')].map((time) => {
    const span = tracer.startSpan('t', { parent: null, startTime: time });
    span.addEvent('e', undefined, time);
    span.end(time);
    return span;
  });
  const decoded = JSON.parse(encodeZipkinJson(spans)) as DecodedSpan[];
  for (const span of decoded) {
    expect(Number.isSafeInteger(span.timestamp)).toBe(true);
    expect(Number.isSafeInteger(span.annotations?.[0]?.timestamp)).toBe(true);
  }
  expect(encodeZipkinProto(spans).length).toBeGreaterThan(0);
});

describe('a batch is its spans encoded one by one', () => {
  // Small pools, so that generated batches repeat trace ids, parents, names, tag keys and values,
  // pairs and event names the way real batches do (the JSON encoder copies those from earlier
  // spans), with escapes, non-ASCII text and the tags that have roles mixed in.
  const text = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('GET', 'SELECT 1', 'rows fetched', 'a', '', 'héllo', 'x"y\\z', 'line\nbreak', '😀', 'tab\tin') },
    { weight: 1, arbitrary: utf16String },
  );
  const tagKey = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('http.method', 'db.statement', 'count', 'ratio', 'ok', 'ünïcode', 'quote"key') },
    { weight: 1, arbitrary: fc.constantFrom('span.kind', 'error', 'peer.service', 'net.peer.ip', 'server.port') },
  );
  const tagValue: fc.Arbitrary<TagValue> = fc.oneof(text, fc.constantFrom(200, 0.75, -1, 1e21, true, false), fc.constantFrom<TagValue>(['a', 'b'], [1, 2.5]));
  const spanSpec = fc.record({
    parent: fc.nat(6),
    newTrace: fc.boolean(),
    name: text,
    kind: fc.constantFrom<SpanKind>('internal', 'server', 'client', 'producer', 'consumer'),
    tags: fc.array(fc.tuple(tagKey, tagValue), { maxLength: 7 }),
    // Most spans of a real batch carry the tags of the span before, some values changed.
    sameTagsAsPrevious: fc.boolean(),
    changedTag: fc.nat(6),
    // Batches hold spans in the order they finished, children before their parents, interleaved.
    finishRank: fc.nat(12),
    // Epoch µs whose first 8 digits change (every 100 s) or not.
    startOffsetMs: fc.constantFrom(0, 1, 99_999, 100_000, 250_000),
    events: fc.array(fc.constantFrom('rows fetched', 'retry', 'ünï'), { maxLength: 3 }),
    status: fc.constantFrom('unset', 'ok', 'error'),
    message: fc.constantFrom('', 'boom', 'bäd "x"'),
  });

  type SpanSpec = typeof spanSpec extends fc.Arbitrary<infer T> ? T : never;

  function buildBatch(specs: SpanSpec[]): Span[] {
    const spans: Span[] = [];
    let previousTags: [string, TagValue][] = [];
    for (const spec of specs) {
      const tags = spec.sameTagsAsPrevious
        ? previousTags.map(([key, value], i): [string, TagValue] => [key, i === spec.changedTag ? `${spans.length}` : value])
        : spec.tags;
      previousTags = tags;
      const parent = spec.newTrace || spans.length === 0 ? null : (spans[spec.parent % spans.length] as Span);
      const startTime = 1_700_000_000_000 + spec.startOffsetMs + spans.length;
      const span = tracer.startSpan(spec.name, { parent, kind: spec.kind, startTime });
      for (const [key, value] of tags) span.setTag(key, value);
      for (const name of spec.events) span.addEvent(name, undefined, startTime + 0.5);
      if (spec.status !== 'unset') span.setStatus(spec.status as 'ok' | 'error', spec.message);
      span.end(startTime + 100);
      spans.push(span);
    }
    const ranks = new Map(spans.map((span, i) => [span, (specs[i] as SpanSpec).finishRank]));
    return spans.slice().sort((a, b) => (ranks.get(a) as number) - (ranks.get(b) as number));
  }

  test('the whole batch equals the single-span encodings joined, byte for byte', () => {
    fc.assert(
      fc.property(fc.array(spanSpec, { minLength: 1, maxLength: 12 }), (specs) => {
        const spans = buildBatch(specs);
        const oneByOne = spans.map((span) => encodeZipkinJson([span]).slice(1, -1));
        expect(encodeZipkinJson(spans)).toBe(`[${oneByOne.join(',')}]`);
      }),
      { numRuns: 400 },
    );
  });

  test('a writer that starts tiny and grows mid-batch gives the same bytes, without a copy', () => {
    fc.assert(
      fc.property(fc.array(spanSpec, { minLength: 1, maxLength: 12 }), (specs) => {
        const spans = buildBatch(specs);
        const writer = new JsonBytesWriter({ initialCapacity: 16 });
        const body = encodeZipkinJsonInto(writer, spans);
        expect(Buffer.from(body)).toEqual(Buffer.from(encodeZipkinJsonBytes(spans)));
        expect(body.buffer).toBe(writer.written().buffer);
      }),
      { numRuns: 100 },
    );
  });
});

describe('peer addresses', () => {
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
