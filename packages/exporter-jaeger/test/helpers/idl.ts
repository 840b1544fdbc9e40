// Test-only: where the official schemas live, and loaders for the Jaeger ones. Every suite runs
// on any clone: jaeger.thrift comes from ../shared/idl or from the jaeger-client package; the
// api_v2 protos from ../shared/idl or, where that is absent, from wire-schema.ts, which
// official-schema.test.ts proves equal to the official files wherever those are present (CI).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { type ThriftIdl, ThriftIdlReader, parseThriftIdl } from './thrift-idl';
import { loadJaegerWireSchema } from './wire-schema';

/**
 * `shared/idl` beside the repository: absent in a user's fresh clone.
 * `TRACE_TEST_IGNORE_SHARED_IDL=1` pretends it is absent, to run the fresh-clone path in place.
 */
export const IDL_DIR = path.resolve(__dirname, '../../../../../shared/idl');
export const JAEGER_PROTO_DIR = path.join(IDL_DIR, 'jaeger-idl/proto/api_v2');
const IGNORE_SHARED = process.env.TRACE_TEST_IGNORE_SHARED_IDL === '1';

/** True when the official model.proto and collector.proto are there to be read. */
export const OFFICIAL_PROTOS_PRESENT =
  !IGNORE_SHARED && existsSync(path.join(JAEGER_PROTO_DIR, 'model.proto')) && existsSync(path.join(JAEGER_PROTO_DIR, 'collector.proto'));

/**
 * The official jaeger.thrift: from `shared/idl` when it is there, else the copy of the jaeger-idl
 * repository's file that Jaeger's own Node client (`jaeger-client`, a devDependency) ships. That
 * copy predates `Batch.seqNo` and `Batch.stats`, which the exporter never writes, so a user's clone
 * runs the Thrift suites against the same wire definitions.
 */
export const JAEGER_THRIFT_IDL = ((): string => {
  const shared = path.join(IDL_DIR, 'jaeger-idl/thrift/jaeger.thrift');
  if (!IGNORE_SHARED && existsSync(shared)) return shared;
  return path.join(path.dirname(require.resolve('jaeger-client/package.json')), 'dist/src/jaeger-idl/thrift/jaeger.thrift');
})();

/**
 * `describe` for the checks that need the official protos themselves. Without them the suite is
 * skipped with one line saying why, except under CI=true, where it fails: CI always has them.
 */
export function describeWithOfficialProtos(name: string, body: () => void): void {
  if (OFFICIAL_PROTOS_PRESENT) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('needs the official protos', () => {
        throw new Error(`CI must have the official Jaeger protos under ${JAEGER_PROTO_DIR}`);
      });
    });
  } else {
    const why = IGNORE_SHARED ? 'TRACE_TEST_IGNORE_SHARED_IDL=1' : `no ${JAEGER_PROTO_DIR}`;
    process.stderr.write(`${name}: skipped, it needs the official Jaeger protos (${why}); CI runs it\n`);
    describe.skip(name, body);
  }
}

let thriftIdl: ThriftIdl | undefined;

/** Decodes a Thrift `Batch` body with the official jaeger.thrift. */
// biome-ignore lint/suspicious/noExplicitAny: decoded test data is walked dynamically
export function decodeThriftBatch(body: Uint8Array): any {
  thriftIdl ??= parseThriftIdl(readFileSync(JAEGER_THRIFT_IDL, 'utf8'));
  return new ThriftIdlReader(thriftIdl, body).readWhole('Batch');
}

/** `jaeger.api_v2`: from the official protos when present, else from wire-schema.ts. */
export function loadJaegerProto(): protobuf.Root {
  return OFFICIAL_PROTOS_PRESENT ? loadOfficialJaegerProto() : loadJaegerWireSchema();
}

/**
 * Loads `jaeger.api_v2` from the official model.proto + collector.proto. Their gogoproto and
 * google.api imports only carry code-generation and REST options, so a temporary copy drops
 * them; google/protobuf/timestamp and duration come bundled with protobufjs.
 */
export function loadOfficialJaegerProto(): protobuf.Root {
  const dir = mkdtempSync(path.join(tmpdir(), 'jaeger-proto-'));
  try {
    for (const file of ['model.proto', 'collector.proto']) {
      const source = readFileSync(path.join(JAEGER_PROTO_DIR, file), 'utf8')
        .replace(/^\s*import\s+"(gogoproto\/gogo|google\/api\/annotations)\.proto"\s*;\s*$/gm, '')
        .replace(/^\s*option\s+\(gogoproto\.[^;]*;\s*$/gm, '')
        .replace(/\[\s*\(gogoproto\.[^\]]*\]/g, '')
        .replace(/option\s+\(google\.api\.http\)\s*=\s*\{[^}]*\}\s*;/g, '');
      writeFileSync(path.join(dir, file), source);
    }
    const root = new protobuf.Root();
    root.loadSync(path.join(dir, 'collector.proto'), { keepCase: false });
    root.resolveAll();
    return root;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 32/16 hex characters → the signed i64 halves Jaeger Thrift uses. */
export function hexToSignedI64(hex: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** One message, enum or service of a protobufjs root, in the terms the wire depends on. */
export type WireShape =
  | { kind: 'enum'; values: Record<string, number> }
  | { kind: 'message'; fields: { id: number; name: string; type: string; rule: string; keyType: string }[] }
  | { kind: 'service'; methods: { name: string; request: string; response: string; streaming: boolean }[] };

/**
 * Every message, enum and service defined under `root`, by full name (no leading dot), with what
 * decides the wire format: field numbers, names, types (by full name once resolved), repetition
 * and map keys; method names and message types. Options and comments do not change the bytes.
 */
export function wireShapes(root: protobuf.Root): Map<string, WireShape> {
  root.resolveAll();
  const shapes = new Map<string, WireShape>();
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const child of namespace.nestedArray) {
      const name = child.fullName.slice(1);
      if (child instanceof protobuf.Enum) {
        shapes.set(name, { kind: 'enum', values: { ...child.values } });
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
        shapes.set(name, { kind: 'message', fields });
      } else if (child instanceof protobuf.Service) {
        const methods = child.methodsArray.map((method) => ({
          name: method.name,
          request: method.resolvedRequestType?.fullName.slice(1) ?? method.requestType,
          response: method.resolvedResponseType?.fullName.slice(1) ?? method.responseType,
          streaming: method.requestStream === true || method.responseStream === true,
        }));
        shapes.set(name, { kind: 'service', methods });
      }
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) visit(child);
    }
  };
  visit(root);
  return shapes;
}
