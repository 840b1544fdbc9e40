// The official Zipkin schemas from /work/shared/idl, loaded the way the tests use them: the
// Swagger definitions as a JSON-schema validator (ajv), the proto file through protobufjs.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import yaml from 'js-yaml';
import protobuf from 'protobufjs';

export const IDL_DIR = path.resolve(__dirname, '../../../../../shared/idl');
const ZIPKIN_YAML = path.join(IDL_DIR, 'zipkin-api/zipkin2-api.yaml');
const ZIPKIN_PROTO = path.join(IDL_DIR, 'zipkin-api/zipkin.proto');

/** True when the official schemas are present; otherwise says why in one line. */
export function idlAvailable(): boolean {
  const present = existsSync(ZIPKIN_YAML) && existsSync(ZIPKIN_PROTO);
  if (!present) process.stderr.write(`Zipkin schema tests skipped: official schemas not found under ${IDL_DIR}\n`);
  return present;
}

// jest runs the body of a skipped describe to collect its tests, so the loaders below must not
// touch the files when they are absent; the skipped tests never call what they return.
const absent = (): never => {
  throw new Error(`official Zipkin schemas not found under ${IDL_DIR}`);
};

/** A validator of `ListOfSpans` built from zipkin2-api.yaml's Swagger 2.0 `definitions`. */
export function loadListOfSpansValidator(): ValidateFunction {
  if (!existsSync(ZIPKIN_YAML)) return absent as unknown as ValidateFunction;
  const document = yaml.load(readFileSync(ZIPKIN_YAML, 'utf8')) as { definitions: Record<string, unknown> };
  // Swagger 2.0 definitions are draft-04 JSON schema plus a few extras: `example` is only
  // documentation, and `format` names need validators ajv does not ship.
  const ajv = new Ajv({ allErrors: true });
  ajv.addKeyword('example');
  ajv.addFormat('ipv4', { type: 'string', validate: (value: string) => isIPv4(value) });
  ajv.addFormat('ipv6', { type: 'string', validate: (value: string) => isIPv6(value) });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) });
  return ajv.compile({ definitions: document.definitions, $ref: '#/definitions/ListOfSpans' });
}

/** `zipkin.proto3.ListOfSpans` from the official zipkin.proto. */
export function loadListOfSpansType(): protobuf.Type {
  if (!existsSync(ZIPKIN_PROTO)) return { decode: absent } as unknown as protobuf.Type;
  return protobuf.loadSync(ZIPKIN_PROTO).lookupType('zipkin.proto3.ListOfSpans');
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
