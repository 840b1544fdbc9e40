// Edge cases of the wire readers, through the public decoders.
import { WireError, decodeJaegerThrift, decodeOtlpJson, decodeOtlpProtobuf, decodeZipkinJson, decodeZipkinProtobuf } from '@trace/viewer';

describe('decoders', () => {
  it('pads 64-bit Zipkin trace ids to 32 hex characters and lowercases them', () => {
    const [span] = decodeZipkinJson(
      JSON.stringify([
        {
          traceId: '463AC35C9F6413AD',
          id: '72485A3953BB6124',
          kind: 'SERVER',
          timestamp: 10,
          duration: 5,
          localEndpoint: { serviceName: 'a' },
          tags: { error: 'boom' },
        },
      ]),
    );
    expect(span).toMatchObject({
      traceId: '0000000000000000463ac35c9f6413ad',
      spanId: '72485a3953bb6124',
      kind: 'server',
      status: 'error',
      statusMessage: 'boom',
      startMicros: 10,
      endMicros: 15,
    });
  });

  it('reads OTLP JSON with enum names, snake_case keys and string int64s, as proto3 JSON allows', () => {
    const body = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scope_spans: [
            {
              scope: { name: 'lib', version: '2' },
              spans: [
                {
                  trace_id: '5B8EFFF798038103D269B633813FC60C',
                  span_id: 'EEE19B7EC3C1B174',
                  name: 'op',
                  kind: 'SPAN_KIND_CONSUMER',
                  start_time_unix_nano: '1544712660000000000',
                  end_time_unix_nano: '1544712661000000500',
                  attributes: [
                    { key: 'count', value: { intValue: '42' } },
                    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } } },
                    { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
                },
              ],
            },
          ],
        },
      ],
    };
    const [span] = decodeOtlpJson(JSON.stringify(body));
    expect(span).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      kind: 'consumer',
      service: 'svc',
      startMicros: 1544712660000000,
      endMicros: 1544712661000000.5,
      status: 'error',
      statusMessage: 'bad',
      attributes: { count: 42, list: ['a', true], map: { k: 1.5 } },
      scope: { name: 'lib', version: '2' },
    });
  });

  it('an empty OTLP request is valid and holds no spans', () => {
    expect(decodeOtlpProtobuf(new Uint8Array(0))).toEqual([]);
    expect(decodeOtlpJson('{}')).toEqual([]);
  });

  it('refuses lengths past the end and unknown wire types with a WireError', () => {
    // field 1, length-delimited, length 2^28: far past the 5 bytes there are
    expect(() => decodeOtlpProtobuf(Uint8Array.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(WireError);
    expect(() => decodeZipkinProtobuf(Uint8Array.from([0x0f]))).toThrow(WireError);
    // request { resource_spans { scope_spans { span { name: "a" } } } }: a span without ids
    expect(() => decodeOtlpProtobuf(Uint8Array.from([0x0a, 0x07, 0x12, 0x05, 0x12, 0x03, 0x2a, 0x01, 0x61]))).toThrow(/without a valid trace_id/);
  });

  it('refuses Thrift nested past a fixed depth instead of recursing without bound', () => {
    // Batch { 3: struct { 1: struct { 1: struct ... } } }: 10,000 levels deep, never closed
    const bytes: number[] = [0x0c, 0x00, 0x03];
    for (let i = 0; i < 10_000; i++) bytes.push(0x0c, 0x00, 0x01);
    expect(() => decodeJaegerThrift(Uint8Array.from(bytes))).toThrow(/nested too deeply/);
  });

  it('refuses a Thrift list whose declared size is larger than the body', () => {
    // Batch { 2: list<struct> of 2^31-1 elements } with no elements after it
    expect(() => decodeJaegerThrift(Uint8Array.from([0x0f, 0x00, 0x02, 0x0c, 0x7f, 0xff, 0xff, 0xff]))).toThrow(WireError);
  });
});
