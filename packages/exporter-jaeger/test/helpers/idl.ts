// Test-only: where the official schemas live, and loaders for the Jaeger ones.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import protobuf from 'protobufjs';
import { type ThriftIdl, ThriftIdlReader, parseThriftIdl } from './thrift-idl';

/** `shared/idl` beside the repository (absent in a user's fresh clone). */
export const IDL_DIR = path.resolve(__dirname, '../../../../../shared/idl');
export const JAEGER_PROTO_DIR = path.join(IDL_DIR, 'jaeger-idl/proto/api_v2');

/**
 * The official jaeger.thrift: from `shared/idl` when it is there, else the copy of the jaeger-idl
 * repository's file that Jaeger's own Node client (`jaeger-client`, a devDependency) ships. That
 * copy predates `Batch.seqNo` and `Batch.stats`, which the exporter never writes, so a user's clone
 * runs the Thrift suites against the same wire definitions.
 */
export const JAEGER_THRIFT_IDL = ((): string => {
  const shared = path.join(IDL_DIR, 'jaeger-idl/thrift/jaeger.thrift');
  if (existsSync(shared)) return shared;
  return path.join(path.dirname(require.resolve('jaeger-client/package.json')), 'dist/src/jaeger-idl/thrift/jaeger.thrift');
})();

/** True when jaeger.thrift was found (it always is once dependencies are installed). */
export function thriftIdlAvailable(suite: string): boolean {
  if (existsSync(JAEGER_THRIFT_IDL)) return true;
  process.stderr.write(`${suite}: skipped, jaeger.thrift was found neither in ${IDL_DIR} nor in jaeger-client\n`);
  return false;
}

/** True when the official Jaeger protos are there (only in `shared/idl`: no package ships them). */
export function protoIdlAvailable(suite: string): boolean {
  if (existsSync(path.join(JAEGER_PROTO_DIR, 'model.proto'))) return true;
  process.stderr.write(`${suite}: skipped, the official Jaeger protos were not found at ${JAEGER_PROTO_DIR}\n`);
  return false;
}

let thriftIdl: ThriftIdl | undefined;

/** Decodes a Thrift `Batch` body with the official jaeger.thrift. */
// biome-ignore lint/suspicious/noExplicitAny: decoded test data is walked dynamically
export function decodeThriftBatch(body: Uint8Array): any {
  thriftIdl ??= parseThriftIdl(readFileSync(JAEGER_THRIFT_IDL, 'utf8'));
  return new ThriftIdlReader(thriftIdl, body).readWhole('Batch');
}

/**
 * Loads `jaeger.api_v2` from the official model.proto + collector.proto. Their gogoproto and
 * google.api imports only carry code-generation and REST options, so a temporary copy drops
 * them; google/protobuf/timestamp and duration come bundled with protobufjs.
 */
export function loadJaegerProto(): protobuf.Root {
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
