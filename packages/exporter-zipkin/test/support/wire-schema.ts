// Test-only: the Zipkin v2 wire schemas written out from their facts (field names, numbers and
// types; the JSON types, patterns and required fields), for a clone without ../shared/idl. They
// are not trusted on their word: official-schema.test.ts checks in CI, where ../shared/idl is
// present, that each equals the official file field for field, so a suite that decodes with these
// decodes with what the official schema says.
import protobuf from 'protobufjs';

const hexId16 = { type: 'string', pattern: '[a-f0-9]{16}', maxLength: 16, minLength: 16 };
const int64 = { type: 'integer', format: 'int64' };

/** The JSON schema definitions a `ListOfSpans` body refers to, as in zipkin2-api.yaml. */
export const ZIPKIN_JSON_DEFINITIONS: Record<string, unknown> = {
  Endpoint: {
    type: 'object',
    properties: {
      serviceName: { type: 'string' },
      ipv4: { type: 'string', format: 'ipv4' },
      ipv6: { type: 'string', format: 'ipv6' },
      port: { type: 'integer' },
    },
  },
  Annotation: {
    type: 'object',
    required: ['timestamp', 'value'],
    properties: { timestamp: int64, value: { type: 'string' } },
  },
  Tags: { type: 'object', additionalProperties: { type: 'string' } },
  ListOfSpans: { type: 'array', items: { $ref: '#/definitions/Span' } },
  Span: {
    type: 'object',
    required: ['traceId', 'id'],
    properties: {
      traceId: { type: 'string', maxLength: 32, minLength: 16, pattern: '[a-f0-9]{16,32}' },
      name: { type: 'string' },
      parentId: hexId16,
      id: hexId16,
      kind: { type: 'string', enum: ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] },
      timestamp: int64,
      duration: { ...int64, minimum: 1 },
      debug: { type: 'boolean' },
      shared: { type: 'boolean' },
      localEndpoint: { $ref: '#/definitions/Endpoint' },
      remoteEndpoint: { $ref: '#/definitions/Endpoint' },
      annotations: { type: 'array', uniqueItems: true, items: { $ref: '#/definitions/Annotation' } },
      tags: { $ref: '#/definitions/Tags' },
    },
  },
};

/** `zipkin.proto3` as a protobufjs descriptor: the messages a span report uses. */
const ZIPKIN_PROTO_DESCRIPTOR = {
  nested: {
    zipkin: {
      nested: {
        proto3: {
          nested: {
            Span: {
              fields: {
                traceId: { type: 'bytes', id: 1 },
                parentId: { type: 'bytes', id: 2 },
                id: { type: 'bytes', id: 3 },
                kind: { type: 'Kind', id: 4 },
                name: { type: 'string', id: 5 },
                timestamp: { type: 'fixed64', id: 6 },
                duration: { type: 'uint64', id: 7 },
                localEndpoint: { type: 'Endpoint', id: 8 },
                remoteEndpoint: { type: 'Endpoint', id: 9 },
                annotations: { rule: 'repeated', type: 'Annotation', id: 10 },
                tags: { keyType: 'string', type: 'string', id: 11 },
                debug: { type: 'bool', id: 12 },
                shared: { type: 'bool', id: 13 },
              },
              nested: {
                Kind: { values: { SPAN_KIND_UNSPECIFIED: 0, CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 } },
              },
            },
            Endpoint: {
              fields: {
                serviceName: { type: 'string', id: 1 },
                ipv4: { type: 'bytes', id: 2 },
                ipv6: { type: 'bytes', id: 3 },
                port: { type: 'int32', id: 4 },
              },
            },
            Annotation: {
              fields: {
                timestamp: { type: 'fixed64', id: 1 },
                value: { type: 'string', id: 2 },
              },
            },
            ListOfSpans: {
              fields: { spans: { rule: 'repeated', type: 'Span', id: 1 } },
            },
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
export function loadZipkinWireSchema(): protobuf.Root {
  return protobuf.Root.fromJSON(ZIPKIN_PROTO_DESCRIPTOR as protobuf.INamespace);
}
