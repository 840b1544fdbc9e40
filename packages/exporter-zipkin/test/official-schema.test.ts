// Checks that need the official schemas from ../shared/idl, so they run where those are (CI; a
// user's clone skips this file with one line saying why): every golden payload decoded with them
// and each field asserted, and wire-schema.ts, which the other suites decode with when the official
// files are absent, shown equal to them field for field.
import { GOLDENS, expectedFor, readGolden } from './support/goldens';
import {
  compileListOfSpansValidator,
  decodeProtoSpans,
  describeWithOfficialSchemas,
  loadOfficialProto,
  readOfficialJsonDefinitions,
  wireShapes,
} from './support/idl';
import { ZIPKIN_JSON_DEFINITIONS, loadZipkinWireSchema } from './support/wire-schema';

describeWithOfficialSchemas('golden payloads against the official schemas', () => {
  test.each(GOLDENS.filter((golden) => golden.format === 'json'))('$file is a valid ListOfSpans and holds the mapping table', (golden) => {
    const validate = compileListOfSpansValidator(readOfficialJsonDefinitions());
    const body = JSON.parse(readGolden(golden).toString('utf8'));
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(body).toEqual(expectedFor(golden));
  });

  test.each(GOLDENS.filter((golden) => golden.format === 'proto'))('$file decodes with zipkin.proto to the mapping table', (golden) => {
    const ListOfSpans = loadOfficialProto().lookupType('zipkin.proto3.ListOfSpans');
    const bytes = readGolden(golden);
    expect(decodeProtoSpans(ListOfSpans, bytes)).toEqual(expectedFor(golden));
    // protobufjs writes fields in number order, as the encoder does: equal bytes mean no field,
    // length or wire type differs from what the official schema says.
    expect(Buffer.from(ListOfSpans.encode(ListOfSpans.decode(bytes)).finish()).toString('hex')).toBe(bytes.toString('hex'));
  });

  test("wire-schema.ts's JSON definitions are zipkin2-api.yaml's, prose aside", () => {
    const official = readOfficialJsonDefinitions();
    const prose = new Set(['description', 'example', 'title']);
    const withoutProse = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(withoutProse);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => !prose.has(key))
          .map(([key, inner]) => [key, withoutProse(inner)]),
      );
    };
    for (const name of Object.keys(ZIPKIN_JSON_DEFINITIONS)) {
      expect({ name, schema: ZIPKIN_JSON_DEFINITIONS[name] }).toEqual({ name, schema: withoutProse(official[name]) });
    }
    // Every definition a span body reaches is there.
    expect(Object.keys(ZIPKIN_JSON_DEFINITIONS).sort()).toEqual(['Annotation', 'Endpoint', 'ListOfSpans', 'Span', 'Tags']);
  });

  test("wire-schema.ts's protobuf descriptor is zipkin.proto's, field for field", () => {
    const official = wireShapes(loadOfficialProto());
    const ours = wireShapes(loadZipkinWireSchema());
    expect([...ours.keys()].sort()).toEqual([
      'zipkin.proto3.Annotation',
      'zipkin.proto3.Endpoint',
      'zipkin.proto3.ListOfSpans',
      'zipkin.proto3.Span',
      'zipkin.proto3.Span.Kind',
    ]);
    for (const [name, shape] of ours) expect({ name, shape }).toEqual({ name, shape: official.get(name) });
  });
});
