// gRPC status codes and the OTLP retry rules applied to them.
// https://opentelemetry.io/docs/specs/otlp/#failures (table "Retryable gRPC status codes")
import { readWireFields } from './protobuf-wire.js';

/** Canonical gRPC status names, indexed by code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const STATUS_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** gRPC status codes this package refers to by name. */
export const GrpcStatusCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** The canonical name of a gRPC status code (`14` → `'UNAVAILABLE'`); unknown codes read `STATUS_<code>`. */
export function grpcStatusName(code: number): string {
  return STATUS_NAMES[code] ?? `STATUS_${code}`;
}

/** How the retry policy should treat a non-OK status. */
export interface GrpcStatusClassification {
  retryable: boolean;
  /** The delay the server asked for (google.rpc.RetryInfo), in ms. */
  retryAfterMs: number | undefined;
}

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * Reads the retry delay from a `grpc-status-details-bin` trailer: a `google.rpc.Status`
 * (`details` = field 3, repeated `google.protobuf.Any`) holding a `google.rpc.RetryInfo`
 * (`retry_delay` = field 1, a `google.protobuf.Duration` of `seconds` = 1, `nanos` = 2).
 * Returns the delay in ms, or `undefined` when the trailer is absent, malformed or carries no
 * RetryInfo.
 */
export function decodeRetryDelay(statusDetails: Uint8Array | undefined): number | undefined {
  if (statusDetails === undefined) return undefined;
  const status = readWireFields(statusDetails);
  if (status === undefined) return undefined;
  for (const detail of status) {
    if (detail.fieldNumber !== 3 || detail.bytes === undefined) continue;
    const any = readWireFields(detail.bytes);
    if (any === undefined) continue;
    let typeUrl: string | undefined;
    let value: Uint8Array | undefined;
    for (const field of any) {
      if (field.bytes === undefined) continue;
      if (field.fieldNumber === 1) typeUrl = Buffer.from(field.bytes.buffer, field.bytes.byteOffset, field.bytes.byteLength).toString('utf8');
      else if (field.fieldNumber === 2) value = field.bytes;
    }
    if (typeUrl !== RETRY_INFO_TYPE_URL) continue;
    // An empty RetryInfo (or one without retry_delay) still says "retry", with no delay.
    const retryInfo = readWireFields(value ?? new Uint8Array());
    if (retryInfo === undefined) return undefined;
    let delayMs = 0;
    for (const field of retryInfo) {
      if (field.fieldNumber !== 1 || field.bytes === undefined) continue;
      const duration = readWireFields(field.bytes);
      if (duration === undefined) return undefined;
      let seconds = 0;
      let nanos = 0;
      for (const part of duration) {
        if (part.fieldNumber === 1) seconds = part.varint;
        else if (part.fieldNumber === 2) nanos = part.varint;
      }
      // Negative values arrive as huge two's-complement varints: a negative delay means "now".
      if (seconds >= 2 ** 63 || nanos >= 2 ** 31) return 0;
      delayMs = seconds * 1000 + Math.floor(nanos / 1e6);
    }
    return delayMs;
  }
  return undefined;
}

/**
 * Classifies a gRPC status per the OTLP specification: `CANCELLED`, `DEADLINE_EXCEEDED`,
 * `ABORTED`, `OUT_OF_RANGE`, `UNAVAILABLE` and `DATA_LOSS` are retryable; `RESOURCE_EXHAUSTED`
 * only when the server sent RetryInfo in `grpc-status-details-bin` (its delay is returned);
 * every other status is not.
 *
 * @param code the gRPC status code
 * @param statusDetails the raw `grpc-status-details-bin` trailer, when the server sent one
 */
export function classifyGrpcStatus(code: number, statusDetails?: Uint8Array): GrpcStatusClassification {
  const retryAfterMs = decodeRetryDelay(statusDetails);
  switch (code) {
    case GrpcStatusCode.CANCELLED:
    case GrpcStatusCode.DEADLINE_EXCEEDED:
    case GrpcStatusCode.ABORTED:
    case GrpcStatusCode.OUT_OF_RANGE:
    case GrpcStatusCode.UNAVAILABLE:
    case GrpcStatusCode.DATA_LOSS:
      return { retryable: true, retryAfterMs };
    case GrpcStatusCode.RESOURCE_EXHAUSTED:
      return { retryable: retryAfterMs !== undefined, retryAfterMs };
    default:
      return { retryable: false, retryAfterMs: undefined };
  }
}
