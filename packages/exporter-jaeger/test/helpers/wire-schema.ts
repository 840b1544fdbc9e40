// Test-only: the Jaeger api_v2 protobuf schema written out from its facts (field names, numbers and
// types), for a clone without ../shared/idl: no npm package ships model.proto or collector.proto.
// It is not trusted on its word: official-schema.test.ts checks in CI, where ../shared/idl is
// present, that it equals the official files field for field, so a suite that decodes with it
// decodes with what the official schema says.
import protobuf from 'protobufjs';

const keyValues = { rule: 'repeated', type: 'KeyValue' } as const;
const seconds = { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } };

/** `jaeger.api_v2` (the PostSpans call and what it carries) and the two well-known types it uses. */
const JAEGER_PROTO_DESCRIPTOR = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Timestamp: { fields: seconds },
            Duration: { fields: seconds },
          },
        },
      },
    },
    jaeger: {
      nested: {
        api_v2: {
          nested: {
            ValueType: { values: { STRING: 0, BOOL: 1, INT64: 2, FLOAT64: 3, BINARY: 4 } },
            KeyValue: {
              fields: {
                key: { type: 'string', id: 1 },
                vType: { type: 'ValueType', id: 2 },
                vStr: { type: 'string', id: 3 },
                vBool: { type: 'bool', id: 4 },
                vInt64: { type: 'int64', id: 5 },
                vFloat64: { type: 'double', id: 6 },
                vBinary: { type: 'bytes', id: 7 },
              },
            },
            Log: {
              fields: {
                timestamp: { type: 'google.protobuf.Timestamp', id: 1 },
                fields: { ...keyValues, id: 2 },
              },
            },
            SpanRefType: { values: { CHILD_OF: 0, FOLLOWS_FROM: 1 } },
            SpanRef: {
              fields: {
                traceId: { type: 'bytes', id: 1 },
                spanId: { type: 'bytes', id: 2 },
                refType: { type: 'SpanRefType', id: 3 },
              },
            },
            Process: {
              fields: {
                serviceName: { type: 'string', id: 1 },
                tags: { ...keyValues, id: 2 },
              },
            },
            Span: {
              fields: {
                traceId: { type: 'bytes', id: 1 },
                spanId: { type: 'bytes', id: 2 },
                operationName: { type: 'string', id: 3 },
                references: { rule: 'repeated', type: 'SpanRef', id: 4 },
                flags: { type: 'uint32', id: 5 },
                startTime: { type: 'google.protobuf.Timestamp', id: 6 },
                duration: { type: 'google.protobuf.Duration', id: 7 },
                tags: { ...keyValues, id: 8 },
                logs: { rule: 'repeated', type: 'Log', id: 9 },
                process: { type: 'Process', id: 10 },
                processId: { type: 'string', id: 11 },
                warnings: { rule: 'repeated', type: 'string', id: 12 },
              },
            },
            Batch: {
              fields: {
                spans: { rule: 'repeated', type: 'Span', id: 1 },
                process: { type: 'Process', id: 2 },
              },
            },
            PostSpansRequest: { fields: { batch: { type: 'Batch', id: 1 } } },
            PostSpansResponse: { fields: {} },
            CollectorService: { methods: { PostSpans: { requestType: 'PostSpansRequest', responseType: 'PostSpansResponse' } } },
          },
        },
      },
    },
  },
};

/**
 * The descriptor above as a protobufjs root. It is protobufjs's own JSON form; the typings of that
 * form ask for what loading does not need (a method's comment) and type map fields apart, hence the cast.
 */
export function loadJaegerWireSchema(): protobuf.Root {
  return protobuf.Root.fromJSON(JAEGER_PROTO_DESCRIPTOR as protobuf.INamespace);
}
