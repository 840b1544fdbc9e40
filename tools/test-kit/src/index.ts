// The official OTLP message types for tests that decode what an exporter sent.
//
// CI has the official protos beside the clone (`../shared/idl`) and loads them with protobufjs. A
// user's fresh clone has no `../shared`; there the types come from the protobufjs classes the
// OpenTelemetry project generates from the same protos and ships in
// `@opentelemetry/otlp-transformer`. Either way the decoder is one nobody here wrote.
// `TRACE_TEST_IGNORE_SHARED_IDL=1` forces the second, to check it where `../shared/idl` exists.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import protobuf from 'protobufjs';

/** `../shared/idl` beside the repository, where CI keeps the official wire schemas. */
export const IDL_ROOT = path.resolve(__dirname, '../../../../shared/idl');
const OTLP_ROOT = path.join(IDL_ROOT, 'opentelemetry-proto');
const SERVICE_PROTOS = ['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto'];

/** Whether the OTLP types come from the official protos in `../shared/idl` (else from the generated classes). */
export const HAVE_OTLP_IDL = existsSync(path.join(OTLP_ROOT, SERVICE_PROTOS[0] as string)) && process.env.TRACE_TEST_IGNORE_SHARED_IDL !== '1';

let root: protobuf.Root | undefined;

function officialType(name: string): protobuf.Type {
  if (root === undefined) {
    const loaded = new protobuf.Root();
    loaded.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(OTLP_ROOT, target));
    loaded.loadSync(SERVICE_PROTOS);
    root = loaded;
  }
  return root.lookupType(name);
}

function generatedType(name: string): protobuf.Type {
  const dir = path.dirname(require.resolve('@opentelemetry/otlp-transformer/package.json'));
  // biome-ignore lint/suspicious/noExplicitAny: a generated module walked by its dotted names
  let node: any = require(path.join(dir, 'build/src/generated/root.js'));
  for (const part of name.split('.')) node = node?.[part];
  if (typeof node?.decode !== 'function') throw new Error(`${name} is not in @opentelemetry/otlp-transformer's generated protos`);
  return node as protobuf.Type;
}

/** An OTLP message type by its full name (`opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`). */
export function otlpMessageType(name: string): protobuf.Type {
  return HAVE_OTLP_IDL ? officialType(name) : generatedType(name);
}

/** `ExportTraceServiceRequest`, the body of every OTLP trace export. */
export function otlpTraceRequestType(): protobuf.Type {
  return otlpMessageType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

export { type GrpcPeerCase, describeGrpcPeerLoading } from './grpc-peer.js';
