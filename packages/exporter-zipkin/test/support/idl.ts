// The Zipkin schemas the tests decode with: the official files from ../shared/idl when they are
// there (CI), else the same schemas written out in wire-schema.ts (a user's fresh clone), which
// official-schema.test.ts proves equal to the official files wherever those are present. JSON is
// validated with ajv, protobuf decoded with protobufjs: decoders nobody here wrote.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import protobuf from 'protobufjs';
import { ZIPKIN_JSON_DEFINITIONS, loadZipkinWireSchema } from './wire-schema';

/**
 * `shared/idl` beside the repository: absent in a user's fresh clone.
 * `TRACE_TEST_IGNORE_SHARED_IDL=1` pretends it is absent, to run the fresh-clone path in place.
 */
export const IDL_DIR = path.resolve(__dirname, '../../../../../shared/idl');
const ZIPKIN_YAML = path.join(IDL_DIR, 'zipkin-api/zipkin2-api.yaml');
const ZIPKIN_PROTO = path.join(IDL_DIR, 'zipkin-api/zipkin.proto');

/** True when zipkin2-api.yaml and zipkin.proto are there to be read. */
export const OFFICIAL_SCHEMAS_PRESENT = process.env.TRACE_TEST_IGNORE_SHARED_IDL !== '1' && existsSync(ZIPKIN_YAML) && existsSync(ZIPKIN_PROTO);

/**
 * `describe` for the checks that need the official files themselves. Without them the suite is
 * skipped with one line saying why, except under CI=true, where it fails: CI always has them.
 */
export function describeWithOfficialSchemas(name: string, body: () => void): void {
  if (OFFICIAL_SCHEMAS_PRESENT) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('needs the official schemas', () => {
        throw new Error(`CI must have the official Zipkin schemas under ${IDL_DIR}`);
      });
    });
  } else {
    const why = process.env.TRACE_TEST_IGNORE_SHARED_IDL === '1' ? 'TRACE_TEST_IGNORE_SHARED_IDL=1' : `no ${IDL_DIR}`;
    process.stderr.write(`${name}: skipped, it needs the official Zipkin schemas (${why}); CI runs it\n`);
    describe.skip(name, body);
  }
}

/** zipkin2-api.yaml's Swagger 2.0 `definitions` (official files only). */
export function readOfficialJsonDefinitions(): Record<string, unknown> {
  return (yaml.load(readFileSync(ZIPKIN_YAML, 'utf8')) as { definitions: Record<string, unknown> }).definitions;
}

/** zipkin.proto loaded with protobufjs (official files only). */
export function loadOfficialProto(): protobuf.Root {
  return protobuf.loadSync(ZIPKIN_PROTO);
}

/** A validator of `ListOfSpans` built from the given Swagger 2.0 definitions. */
export function compileListOfSpansValidator(definitions: Record<string, unknown>): ValidateFunction {
  // Swagger 2.0 definitions are draft-04 JSON schema plus a few extras: `example` is only
  // documentation, and `format` names need validators ajv does not ship.
  const ajv = new Ajv({ allErrors: true });
  ajv.addKeyword('example');
  ajv.addFormat('ipv4', { type: 'string', validate: (value: string) => isIPv4(value) });
  ajv.addFormat('ipv6', { type: 'string', validate: (value: string) => isIPv6(value) });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) });
  return ajv.compile({ definitions, $ref: '#/definitions/ListOfSpans' });
}

/** A validator of `ListOfSpans`: the official definitions when present, else wire-schema.ts's. */
export function loadListOfSpansValidator(): ValidateFunction {
  return compileListOfSpansValidator(OFFICIAL_SCHEMAS_PRESENT ? readOfficialJsonDefinitions() : ZIPKIN_JSON_DEFINITIONS);
}

/** `zipkin.proto3.ListOfSpans`: from the official zipkin.proto when present, else wire-schema.ts. */
export function loadListOfSpansType(): protobuf.Type {
  const root = OFFICIAL_SCHEMAS_PRESENT ? loadOfficialProto() : loadZipkinWireSchema();
  return root.lookupType('zipkin.proto3.ListOfSpans');
}

export interface DecodedEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface DecodedSpan {
  traceId: string;
  parentId?: string;
  id: string;
  kind?: string;
  name?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: DecodedEndpoint;
  remoteEndpoint?: DecodedEndpoint;
  annotations?: { timestamp: number; value: string }[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

/**
 * Decodes a protobuf body with the official schema and reshapes it like the JSON form (hex ids,
 * text IPs, kind names, absent defaults), so one set of assertions checks both formats.
 */
export function decodeProtoSpans(type: protobuf.Type, body: Uint8Array): DecodedSpan[] {
  const message = type.decode(body);
  const plain = type.toObject(message, { longs: Number, enums: String, bytes: Array, defaults: false }) as {
    spans?: Record<string, unknown>[];
  };
  return (plain.spans ?? []).map((span) => {
    const out: DecodedSpan = { traceId: hex(span.traceId), id: hex(span.id) };
    if (span.parentId !== undefined) out.parentId = hex(span.parentId);
    if (span.kind !== undefined && span.kind !== 'SPAN_KIND_UNSPECIFIED') out.kind = span.kind as string;
    if (span.name !== undefined) out.name = span.name as string;
    if (span.timestamp !== undefined) out.timestamp = span.timestamp as number;
    if (span.duration !== undefined) out.duration = span.duration as number;
    if (span.localEndpoint !== undefined) out.localEndpoint = endpoint(span.localEndpoint as Record<string, unknown>);
    if (span.remoteEndpoint !== undefined) out.remoteEndpoint = endpoint(span.remoteEndpoint as Record<string, unknown>);
    if (span.annotations !== undefined) out.annotations = span.annotations as { timestamp: number; value: string }[];
    if (span.tags !== undefined) out.tags = span.tags as Record<string, string>;
    if (span.debug !== undefined) out.debug = span.debug as boolean;
    if (span.shared !== undefined) out.shared = span.shared as boolean;
    return out;
  });
}

function hex(bytes: unknown): string {
  return Buffer.from(bytes as number[]).toString('hex');
}

function endpoint(value: Record<string, unknown>): DecodedEndpoint {
  const out: DecodedEndpoint = {};
  if (value.serviceName !== undefined) out.serviceName = value.serviceName as string;
  if (value.ipv4 !== undefined) out.ipv4 = (value.ipv4 as number[]).join('.');
  if (value.ipv6 !== undefined) out.ipv6 = ipv6Text(value.ipv6 as number[]);
  if (value.port !== undefined) out.port = value.port as number;
  return out;
}

/** Full (uncompressed) IPv6 text of 16 bytes; tests compare through this form. */
export function ipv6Text(bytes: readonly number[] | Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':');
}

/** One message or enum of a protobufjs root, in the terms the wire depends on. */
export type WireShape =
  | { kind: 'enum'; values: Record<string, number> }
  | { kind: 'message'; fields: { id: number; name: string; type: string; rule: string; keyType: string }[] };

/**
 * Every message and enum defined under `root`, by full name (no leading dot), with what decides the wire format:
 * field numbers, names, types (by full name once resolved), repetition and map keys. Options and
 * comments do not change the bytes, so they are left out.
 */
export function wireShapes(root: protobuf.Root): Map<string, WireShape> {
  root.resolveAll();
  const shapes = new Map<string, WireShape>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const child of namespace.nestedArray) {
      if (child instanceof protobuf.Enum) {
        shapes.set(child.fullName.slice(1), { kind: 'enum', values: { ...child.values } });
      } else if (child instanceof protobuf.Type) {
        const fields = child.fieldsArray
          .map((field) => ({
            id: field.id,
            name: field.name,
            type: field.resolvedType?.fullName.slice(1) ?? field.type,
            rule: field.repeated ? 'repeated' : field.map ? 'map' : 'single',
            keyType: field instanceof protobuf.MapField ? field.keyType : '',
          }))
          .sort((a, b) => a.id - b.id);
        shapes.set(child.fullName.slice(1), { kind: 'message', fields });
      }
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) visit(child);
    }
  };
  visit(root);
  return shapes;
}
