// Both encoders, checked against the Zipkin schemas (support/idl.ts): JSON validated with
// zipkin2-api.yaml's definitions, protobuf decoded with zipkin.proto, and every row of the mapping
// asserted on what was decoded.
import { Tracer } from '@trace/core';
import { encodeZipkinJson, encodeZipkinProto } from '../src/index';
import { buildFixture, protoExpectation } from './support/fixture';
import { type DecodedSpan, decodeProtoSpans, loadListOfSpansType, loadListOfSpansValidator } from './support/idl';

describe('encodeZipkinJson', () => {
  const validate = loadListOfSpansValidator();

  test('every span is valid against the official ListOfSpans schema', () => {
    const { spans } = buildFixture();
    const body = JSON.parse(encodeZipkinJson(spans));
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the schema validator rejects what Zipkin would reject (it is not vacuous)', () => {
    const { spans } = buildFixture();
    const body = JSON.parse(encodeZipkinJson(spans));
    expect(validate([{ ...body[0], kind: 'INTERNAL' }])).toBe(false);
    expect(validate([{ ...body[0], duration: 0 }])).toBe(false);
    expect(validate([{ ...body[0], id: 'ABCDEF0123456789' }])).toBe(false);
    expect(validate([{ ...body[0], tags: { n: 1 } }])).toBe(false);
    expect(validate([{ ...body[0], remoteEndpoint: { ipv4: '999.1.1.1' } }])).toBe(false);
  });

  test('maps every field as the mapping table says', () => {
    const { spans, expected } = buildFixture();
    const decoded = JSON.parse(encodeZipkinJson(spans)) as DecodedSpan[];
    expect(decoded).toHaveLength(expected.length);
    for (let i = 0; i < expected.length; i++) expect({ index: i, span: decoded[i] }).toEqual({ index: i, span: expected[i] });
  });

  test('timestamps and durations are integers, ids lowercase hex', () => {
    const text = encodeZipkinJson(buildFixture().spans);
    for (const span of JSON.parse(text) as DecodedSpan[]) {
      expect(Number.isInteger(span.timestamp)).toBe(true);
      expect(Number.isInteger(span.duration)).toBe(true);
      expect(span.duration).toBeGreaterThanOrEqual(1);
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.id).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(text).not.toMatch(/"(timestamp|duration)":\d+\.\d/);
  });

  test('serviceName and localEndpoint options fill localEndpoint', () => {
    const { spans } = buildFixture();
    const decoded = JSON.parse(
      encodeZipkinJson(spans, { serviceName: 'gateway', localEndpoint: { ipv4: '192.168.99.1', ipv6: '2001:db8::1', port: 8080 } }),
    ) as DecodedSpan[];
    for (const span of decoded) expect(span.localEndpoint).toEqual({ serviceName: 'gateway', ipv4: '192.168.99.1', ipv6: '2001:db8::1', port: 8080 });
    expect(validate(decoded)).toBe(true);
  });

  test('an empty batch is an empty array', () => {
    expect(encodeZipkinJson([])).toBe('[]');
  });
});

describe('encodeZipkinProto', () => {
  const ListOfSpans = loadListOfSpansType();

  test('decodes with the official zipkin.proto to the same mapping', () => {
    const { spans, expected } = buildFixture();
    const decoded = decodeProtoSpans(ListOfSpans, encodeZipkinProto(spans));
    const want = protoExpectation(expected);
    expect(decoded).toHaveLength(want.length);
    for (let i = 0; i < want.length; i++) expect({ index: i, span: decoded[i] }).toEqual({ index: i, span: want[i] });
  });

  test('is byte for byte what protobufjs encodes from the official schema', () => {
    // The reflection-based encoder of the official schema writes fields in field-number order,
    // as ours does; equal bytes mean no field, length or wire type differs.
    const { spans } = buildFixture();
    const ours = encodeZipkinProto(spans);
    const reference = ListOfSpans.encode(ListOfSpans.decode(ours)).finish();
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(reference).toString('hex'));
  });

  test('serviceName and localEndpoint options fill local_endpoint with raw address bytes', () => {
    const { spans } = buildFixture();
    const decoded = decodeProtoSpans(
      ListOfSpans,
      encodeZipkinProto(spans, { serviceName: 'gateway', localEndpoint: { ipv4: '192.168.99.1', ipv6: '2001:db8::1', port: 8080 } }),
    );
    for (const span of decoded) expect(span.localEndpoint).toEqual({ serviceName: 'gateway', ipv4: '192.168.99.1', ipv6: '2001:db8:0:0:0:0:0:1', port: 8080 });
  });

  test('timestamps beyond 2^32 and durations beyond 2^32 µs survive', () => {
    const tracer = new Tracer();
    const span = tracer.startSpan('long', { serviceName: 'svc', parent: null, startTime: 1_700_000_000_000 });
    span.end(1_700_000_000_000 + 5_000_000); // 5e9 µs > 2^32
    const [decoded] = decodeProtoSpans(ListOfSpans, encodeZipkinProto([span]));
    expect(decoded?.timestamp).toBe(1_700_000_000_000_000);
    expect(decoded?.duration).toBe(5_000_000_000);
  });

  test('an empty batch is an empty message', () => {
    expect(encodeZipkinProto([])).toHaveLength(0);
  });
});

describe('span status (OpenTelemetry mapping to Zipkin)', () => {
  const validate = loadListOfSpansValidator();
  const ListOfSpans = loadListOfSpansType();

  function statusSpans() {
    const tracer = new Tracer({ serviceName: 'svc' });
    const ok = tracer.startSpan('ok', { parent: null, tags: { 'otel.status_code': 'stale' } });
    ok.setStatus('ok');
    ok.end();
    const failed = tracer.startSpan('failed', { parent: null, tags: { error: false } });
    failed.setStatus('error', 'disk full');
    failed.end();
    const unset = tracer.startSpan('unset', { parent: null, tags: { 'otel.status_code': 'kept as is' } });
    unset.end();
    return [ok, failed, unset];
  }

  const want = [{ 'otel.status_code': 'OK' }, { error: 'disk full', 'otel.status_code': 'ERROR' }, { 'otel.status_code': 'kept as is' }];

  test('JSON: ok and error reach Zipkin as otel.status_code, the description as error, each tag once', () => {
    const text = encodeZipkinJson(statusSpans());
    const decoded = JSON.parse(text) as DecodedSpan[];
    expect(validate(decoded)).toBe(true);
    expect(decoded.map((span) => span.tags)).toEqual(want);
    expect(text.match(/"otel\.status_code"/g)).toHaveLength(3);
  });

  test('protobuf: the same tags, decoded with the official zipkin.proto', () => {
    const decoded = decodeProtoSpans(ListOfSpans, encodeZipkinProto(statusSpans()));
    expect(decoded.map((span) => span.tags)).toEqual(want);
  });
});
