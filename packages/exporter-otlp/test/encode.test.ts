import { type Span, TraceContext, TraceState, Tracer } from '@trace/core';
import { InMemoryExporter } from '@trace/core/testing';
import { encodeOtlpTraceJson, encodeOtlpTraceProtobuf, microsToNanosString } from '../src/index';
import { PLAIN, jsonBodyText, jsonTraceBodyToPlain, memoryTracer, protobufTraceBodyToPlain, testResource, traceRequestType, type Plain } from './helpers';

const START_MS = 1_700_000_000_123.456;

/** A small trace covering every mapped field: kinds, tags of each type, events, links, status, parent. */
async function sampleSpans(): Promise<Span[]> {
  const { tracer, memory } = memoryTracer({ instrumentationScope: { name: 'shop-lib', version: '4.5.6' } });
  const state = TraceState.parse('vendor=abc,other=1');
  if (!state.ok) throw state.error;
  const remote = new TraceContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    traceState: state.value,
    isRemote: true,
  });
  const linked = new TraceContext({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 0,
    traceState: state.value,
    isRemote: true,
  });
  const root = tracer.startSpanFromContext(remote, 'GET /cart', {
    kind: 'server',
    startTime: START_MS,
    tags: {
      'http.method': 'GET',
      'http.status_code': 200,
      ratio: 0.25,
      cached: false,
      negative: -42,
      big: 2 ** 40,
      names: ['a', 'b'],
      codes: [1, 2.5],
      flags: [true, false],
    },
    links: [linked],
  });
  root.addEvent('cache.miss', { key: 'cart:1', attempt: 2 }, START_MS + 1);
  const child = tracer.startChildSpan(root, 'db.query', { startTime: START_MS + 2, tags: { 'span.kind': 'client', 'db.system': 'postgres' } });
  child.recordException(new TypeError('connection reset'), START_MS + 3);
  child.end(START_MS + 4.5);
  const flagged = tracer.startChildSpan(root, 'legacy', { startTime: START_MS + 5, tags: { error: true, 'error.message': 'timeout', 'unicode.é': 'ü → 😀' } });
  flagged.end(START_MS + 6);
  root.setStatus('ok');
  root.end(START_MS + 10);
  return memory.waitForSpans(3);
}

function hex(bytes: unknown): string {
  return Buffer.from(String(bytes), 'base64').toString('hex');
}

describe('microsToNanosString', () => {
  it('is exact where µs × 1000 as a double is not', () => {
    // At 1.7e15 a double steps by 0.25 µs: .75 is carried exactly, and must come out exactly.
    expect(microsToNanosString(1_700_000_000_123_456 + 0.75)).toBe('1700000000123456750');
    expect(microsToNanosString(1_700_000_000_123_457)).toBe('1700000000123457000');
    expect(microsToNanosString(1.5)).toBe('1500');
    expect(microsToNanosString(0.9999)).toBe('1000');
    expect(microsToNanosString(-5)).toBe('0');
    expect(microsToNanosString(Number.NaN)).toBe('0');
    // Double arithmetic would lose the last digits here.
    expect(String((1_700_000_000_123_456 + 0.75) * 1000)).not.toBe('1700000000123456750');
  });
});

describe('OTLP trace encoding, decoded with the official protos', () => {
  it('maps every span field, the resource and the scope (protobuf)', async () => {
    const spans = await sampleSpans();
    const resource = { ...testResource('checkout'), schemaUrl: 'https://opentelemetry.io/schemas/1.26.0', droppedAttributesCount: 2 };
    const decoded = protobufTraceBodyToPlain(encodeOtlpTraceProtobuf(spans, resource)) as Plain;
    expect(decoded.resourceSpans).toHaveLength(1);
    const rs = decoded.resourceSpans[0];
    expect(rs.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(rs.resource.droppedAttributesCount).toBe(2);
    expect(Object.fromEntries(rs.resource.attributes.map((kv: Plain) => [kv.key, kv.value.stringValue]))).toEqual({
      'service.name': 'checkout',
      'service.version': '1.2.3',
      'telemetry.sdk.language': 'nodejs',
    });
    expect(rs.scopeSpans).toHaveLength(1);
    expect(rs.scopeSpans[0].scope).toMatchObject({ name: 'shop-lib', version: '4.5.6' });
    const byName = new Map<string, Plain>(rs.scopeSpans[0].spans.map((s: Plain) => [s.name, s]));
    const source = new Map(spans.map((s) => [s.operationName, s]));

    const root = byName.get('GET /cart') as Plain;
    const rootSpan = source.get('GET /cart') as Span;
    expect(hex(root.traceId)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(hex(root.spanId)).toBe(rootSpan.spanId);
    expect(hex(root.parentSpanId)).toBe('b7ad6b7169203331');
    expect(root.traceState).toBe('vendor=abc,other=1');
    expect(root.kind).toBe(2);
    expect(root.flags).toBe(0x301); // sampled + has-is-remote + is-remote
    expect(root.startTimeUnixNano).toBe(microsToNanosString(rootSpan.startTime));
    expect(root.startTimeUnixNano).toBe('1700000000123456000');
    expect(root.endTimeUnixNano).toBe('1700000000133456000');
    expect(root.status).toEqual({ code: 1, message: '' });
    const attrs = Object.fromEntries(root.attributes.map((kv: Plain) => [kv.key, kv.value]));
    expect(attrs['http.method']).toMatchObject({ stringValue: 'GET' });
    expect(attrs['http.status_code']).toMatchObject({ intValue: '200', value: 'intValue' });
    expect(attrs.ratio).toMatchObject({ doubleValue: 0.25, value: 'doubleValue' });
    expect(attrs.cached).toMatchObject({ boolValue: false, value: 'boolValue' });
    expect(attrs.negative).toMatchObject({ intValue: '-42' });
    expect(attrs.big).toMatchObject({ intValue: String(2 ** 40) });
    expect(attrs.names.arrayValue.values.map((v: Plain) => v.stringValue)).toEqual(['a', 'b']);
    expect(attrs.codes.arrayValue.values.map((v: Plain) => v.value)).toEqual(['intValue', 'doubleValue']);
    expect(attrs.flags.arrayValue.values.map((v: Plain) => v.boolValue)).toEqual([true, false]);
    expect(root.events).toHaveLength(1);
    expect(root.events[0].name).toBe('cache.miss');
    expect(root.events[0].timeUnixNano).toBe('1700000000124456000');
    expect(root.events[0].attributes.map((kv: Plain) => kv.key)).toEqual(['key', 'attempt']);
    expect(root.links).toHaveLength(1);
    expect(hex(root.links[0].traceId)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(hex(root.links[0].spanId)).toBe('00f067aa0ba902b7');
    expect(root.links[0].traceState).toBe('vendor=abc,other=1');
    expect(root.links[0].flags).toBe(0x300);

    const child = byName.get('db.query') as Plain;
    expect(hex(child.parentSpanId)).toBe(rootSpan.spanId);
    expect(child.kind).toBe(3); // from the span.kind tag
    expect(child.flags).toBe(0x101);
    expect(child.status).toEqual({ code: 2, message: 'connection reset' });
    const childKeys = child.attributes.map((kv: Plain) => kv.key);
    expect(childKeys).toContain('db.system');
    expect(childKeys).toContain('error.type');
    expect(childKeys).not.toContain('span.kind');
    expect(childKeys).not.toContain('error');
    expect(childKeys).not.toContain('error.message');
    expect(child.events[0].name).toBe('exception');
    expect(child.endTimeUnixNano).toBe('1700000000127956000');

    const flagged = byName.get('legacy') as Plain;
    expect(flagged.status).toEqual({ code: 2, message: 'timeout' });
    expect(flagged.kind).toBe(1);
    expect(flagged.attributes.map((kv: Plain) => [kv.key, kv.value.stringValue])).toEqual([['unicode.é', 'ü → 😀']]);
  });

  it('JSON body, turned back into a message by the OTLP/JSON rules, equals the protobuf body', async () => {
    const spans = await sampleSpans();
    const resource = testResource('checkout', { 'deployment.environment': 'test', weight: 1.5 });
    const text = jsonBodyText(encodeOtlpTraceJson(spans, resource));
    const fromJson = jsonTraceBodyToPlain(text);
    const fromProtobuf = protobufTraceBodyToPlain(encodeOtlpTraceProtobuf(spans, resource));
    expect(fromJson).toEqual(fromProtobuf);
    // The JSON itself follows the mapping: hex ids, integer enums, string int64, camelCase.
    const parsed = JSON.parse(text);
    const span = parsed.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof span.kind).toBe('number');
    expect(typeof span.startTimeUnixNano).toBe('string');
    expect(text).not.toMatch(/_[a-z]+":/);
  });

  it('groups spans per resource (service) and per instrumentation scope', async () => {
    const memory = new InMemoryExporter();
    const settings = { batchSize: 1, flushInterval: 1 };
    const a = new Tracer({ serviceName: 'checkout', instrumentationScope: { name: 'lib-a', version: '1' }, exporters: [memory], exportSettings: settings });
    const b = new Tracer({ serviceName: 'checkout', instrumentationScope: { name: 'lib-b' }, exporters: [memory], exportSettings: settings });
    a.startSpan('a1').end();
    b.startSpan('b1').end();
    a.startSpan('a2').end();
    a.startSpan('other-service', { serviceName: 'payments' }).end();
    const spans = await memory.waitForSpans(4);
    const resource = testResource('checkout');
    for (const plain of [
      protobufTraceBodyToPlain(encodeOtlpTraceProtobuf(spans, resource)),
      jsonTraceBodyToPlain(encodeOtlpTraceJson(spans, resource)),
    ] as Plain[]) {
      expect(plain.resourceSpans).toHaveLength(2);
      const services = plain.resourceSpans.map((rs: Plain) => rs.resource.attributes.find((kv: Plain) => kv.key === 'service.name').value.stringValue);
      expect(services).toEqual(['checkout', 'payments']);
      const checkout = plain.resourceSpans[0];
      expect(checkout.scopeSpans.map((ss: Plain) => [ss.scope.name, ss.scope.version, ss.spans.map((s: Plain) => s.name)])).toEqual([
        ['lib-a', '1', ['a1', 'a2']],
        ['lib-b', '', ['b1']],
      ]);
      // The other service keeps the rest of the resource.
      expect(plain.resourceSpans[1].resource.attributes.find((kv: Plain) => kv.key === 'service.version').value.stringValue).toBe('1.2.3');
      expect(plain.resourceSpans[1].scopeSpans[0].spans[0].name).toBe('other-service');
    }
    await Promise.all([a.shutdown(), b.shutdown()]);
  });

  it('encodes an empty batch as an empty request', () => {
    const type = traceRequestType();
    expect(type.toObject(type.decode(encodeOtlpTraceProtobuf([], testResource())), PLAIN)).toEqual({ resourceSpans: [] });
    expect(JSON.parse(jsonBodyText(encodeOtlpTraceJson([], testResource())))).toEqual({ resourceSpans: [] });
  });

  it('handles long and non-ASCII strings whose length prefix needs more bytes', async () => {
    const { tracer, memory } = memoryTracer();
    const long = 'x'.repeat(300) + 'é'.repeat(100);
    tracer.startSpan('é'.repeat(70), { tags: { long } }).end();
    const spans = await memory.waitForSpans(1);
    const plain = protobufTraceBodyToPlain(encodeOtlpTraceProtobuf(spans, testResource())) as Plain;
    const span = plain.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.name).toBe('é'.repeat(70));
    expect(span.attributes[0].value.stringValue).toBe(long);
    expect(jsonTraceBodyToPlain(encodeOtlpTraceJson(spans, testResource()))).toEqual(plain);
  });
});

describe('OTLP/JSON bytes', () => {
  const TRICKY = [
    'quote " and backslash \\ and slash /',
    'controls \b\f\n\r\t \u0000 \u0001 \u001f \u007f',
    'two-byte é ß, three-byte → 中文, four-byte 😀 𝄞',
    'lone high \ud800 end',
    'lone low \udc00 start',
    'high at end \udbff',
    '',
  ];

  it('escapes strings exactly as JSON.stringify does and encodes them as UTF-8', async () => {
    const { tracer, memory } = memoryTracer();
    const tags: Record<string, string> = {};
    for (let i = 0; i < TRICKY.length; i++) tags[`key ${TRICKY[i]} ${i}`] = TRICKY[i] as string;
    tracer.startSpan(TRICKY.join('|'), { tags }).addEvent('event "é"\n', { nested: '\\"' }).end();
    const spans = await memory.waitForSpans(1);
    const body = encodeOtlpTraceJson(spans, testResource());
    const text = jsonBodyText(body);
    // Byte for byte what JSON.stringify + UTF-8 would give for each string.
    for (const value of TRICKY) expect(text).toContain(`{"stringValue":${JSON.stringify(value)}}`);
    expect(text).toContain(`"name":${JSON.stringify(TRICKY.join('|'))}`);
    const span = JSON.parse(text).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.name).toBe(TRICKY.join('|'));
    expect(span.attributes.map((kv: Plain) => [kv.key, kv.value.stringValue])).toEqual(Object.entries(tags));
    expect(span.events[0].name).toBe('event "é"\n');
    expect(span.events[0].attributes[0].value.stringValue).toBe('\\"');
    // Round trip through the OTLP/JSON rules still equals the protobuf message for well-formed text.
    const { tracer: plainTracer, memory: plainMemory } = memoryTracer();
    const wellFormed = TRICKY.slice(0, 3);
    plainTracer.startSpan(wellFormed.join('|'), { tags: { a: wellFormed[0] as string, b: wellFormed[1] as string, c: wellFormed[2] as string } }).end();
    const plainSpans = await plainMemory.waitForSpans(1);
    expect(jsonTraceBodyToPlain(encodeOtlpTraceJson(plainSpans, testResource()))).toEqual(
      protobufTraceBodyToPlain(encodeOtlpTraceProtobuf(plainSpans, testResource())),
    );
  });

  it('writes times and integers with the same digits as microsToNanosString and String()', async () => {
    const { tracer, memory } = memoryTracer();
    const startsMs = [1, 1.5, 999.999, 100_000_000.000_001, 1_700_000_000_000, 1_700_000_000_123.456, 4_102_444_800_000.25, 1_234_567_890_123.999];
    const ints = [0, -1, 7, 99_999_999, 100_000_000, 100_000_001, -1_000_000_007, 2 ** 40, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < startsMs.length; i++) {
      const start = startsMs[i] as number;
      tracer.startSpan(`t${i}`, { startTime: start, tags: { n: ints[i] as number, m: ints[i + 2] as number } }).end(start + 0.0015 * i);
    }
    const spans = await memory.waitForSpans(startsMs.length);
    const parsed = JSON.parse(jsonBodyText(encodeOtlpTraceJson(spans, testResource())));
    const byName = new Map<string, Plain>(parsed.resourceSpans[0].scopeSpans[0].spans.map((s: Plain) => [s.name, s]));
    for (const span of spans) {
      const json = byName.get(span.operationName) as Plain;
      expect(json.startTimeUnixNano).toBe(microsToNanosString(span.startTime));
      expect(json.endTimeUnixNano).toBe(microsToNanosString(span.startTime + span.duration));
      const tags = span.tags;
      expect(json.attributes.map((kv: Plain) => kv.value.intValue)).toEqual([String(tags['n']), String(tags['m'])]);
    }
  });
});
