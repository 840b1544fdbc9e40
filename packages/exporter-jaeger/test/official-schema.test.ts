// Checks that need the official Jaeger schemas from ../shared/idl, so they run where those are (CI;
// a user's clone skips the protobuf part with one line saying why): the protobuf golden payloads
// decoded with model.proto + collector.proto and each field asserted, wire-schema.ts (what the
// other suites decode with when the official protos are absent) shown equal to them, and the
// jaeger.thrift copy in jaeger-client (the Thrift suites' fallback) shown to agree with the
// official file on every field it has.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type protobuf from 'protobufjs';
import {
  FIXTURE_FACTS,
  PROTO_GOLDEN,
  PROTO_TWO_SERVICES_GOLDEN,
  TWO_SERVICES_FACTS,
  protoRequestFacts,
  protoSpanProcesses,
  readGolden,
} from './helpers/goldens';
import { IDL_DIR, describeWithOfficialProtos, loadOfficialJaegerProto, wireShapes } from './helpers/idl';
import { parseThriftIdl } from './helpers/thrift-idl';
import { loadJaegerWireSchema } from './helpers/wire-schema';

const AS_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: Array, defaults: true };

describeWithOfficialProtos('golden payloads and wire-schema.ts against the official Jaeger protos', () => {
  let PostSpansRequest: protobuf.Type;
  beforeAll(() => {
    PostSpansRequest = loadOfficialJaegerProto().lookupType('jaeger.api_v2.PostSpansRequest');
  });

  test(`${PROTO_GOLDEN.file} decodes to the fixture's facts`, () => {
    const bytes = readGolden(PROTO_GOLDEN);
    const request = PostSpansRequest.toObject(PostSpansRequest.decode(bytes), AS_OBJECT);
    expect(protoRequestFacts(request)).toEqual(FIXTURE_FACTS);
    expect(protoSpanProcesses(request)).toEqual([null, null, null]);
    // protobufjs writes fields in number order, as the encoder does: equal bytes mean no field,
    // length or wire type differs from what the official schema says.
    expect(Buffer.from(PostSpansRequest.encode(PostSpansRequest.decode(bytes)).finish()).toString('hex')).toBe(bytes.toString('hex'));
  });

  test(`${PROTO_TWO_SERVICES_GOLDEN.file} gives the other service's span its own process`, () => {
    const request = PostSpansRequest.toObject(PostSpansRequest.decode(readGolden(PROTO_TWO_SERVICES_GOLDEN)), AS_OBJECT);
    const { spanProcesses, ...facts } = TWO_SERVICES_FACTS;
    expect(protoRequestFacts(request)).toEqual(facts);
    expect(protoSpanProcesses(request)).toEqual(spanProcesses);
  });

  test("wire-schema.ts's descriptor is model.proto + collector.proto's, field for field", () => {
    const official = wireShapes(loadOfficialJaegerProto());
    const ours = wireShapes(loadJaegerWireSchema());
    // Everything PostSpans reaches is there (Trace and DependencyLink are for queries, not export).
    expect([...ours.keys()].sort()).toEqual([
      'google.protobuf.Duration',
      'google.protobuf.Timestamp',
      'jaeger.api_v2.Batch',
      'jaeger.api_v2.CollectorService',
      'jaeger.api_v2.KeyValue',
      'jaeger.api_v2.Log',
      'jaeger.api_v2.PostSpansRequest',
      'jaeger.api_v2.PostSpansResponse',
      'jaeger.api_v2.Process',
      'jaeger.api_v2.Span',
      'jaeger.api_v2.SpanRef',
      'jaeger.api_v2.SpanRefType',
      'jaeger.api_v2.ValueType',
    ]);
    for (const [name, shape] of ours) expect({ name, shape }).toEqual({ name, shape: official.get(name) });
  });

  test("jaeger-client's jaeger.thrift agrees with the official one on every field it has", () => {
    const officialFile = path.join(IDL_DIR, 'jaeger-idl/thrift/jaeger.thrift');
    expect(existsSync(officialFile)).toBe(true);
    const official = parseThriftIdl(readFileSync(officialFile, 'utf8'));
    const fallback = parseThriftIdl(
      readFileSync(path.join(path.dirname(require.resolve('jaeger-client/package.json')), 'dist/src/jaeger-idl/thrift/jaeger.thrift'), 'utf8'),
    );
    expect(fallback.structs.size).toBeGreaterThan(0);
    for (const [name, fields] of fallback.structs) {
      const officialFields = official.structs.get(name);
      expect({ name, fields }).toEqual({ name, fields: officialFields?.filter((field) => fields.some((ours) => ours.id === field.id)) });
    }
    for (const [name, values] of fallback.enums) {
      const officialValues = official.enums.get(name);
      expect({ name, values: [...values] }).toEqual({ name, values: [...(officialValues ?? [])].filter(([id]) => values.has(id)) });
    }
    // The structs the exporter writes have every official field in the fallback too.
    for (const name of ['Span', 'Process', 'Tag', 'Log', 'SpanRef']) {
      expect({ name, ids: fallback.structs.get(name)?.map((field) => field.id) }).toEqual({ name, ids: official.structs.get(name)?.map((field) => field.id) });
    }
  });
});
