// OTLP partial success: a backend that accepted a request but refused part of it says so in the
// response's `partial_success` (field 1) {rejected_spans | rejected_data_points: int64 = 1,
// error_message: string = 2}, in protobuf or JSON as the request was.
import { ProtoReader } from '@trace/core/encoding';

/** What a response said about refused items; `rejected` 0 and no message when all was accepted. */
export interface PartialSuccess {
  rejected: number;
  message: string | undefined;
}

const NONE: PartialSuccess = Object.freeze({ rejected: 0, message: undefined }) as PartialSuccess;
// A message from a backend is kept short: it lands in statistics and logs.
const MAX_MESSAGE_LENGTH = 512;

function clip(message: string): string | undefined {
  if (message === '') return undefined;
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

function toCount(value: unknown): number {
  const count = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : 0;
  return Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
}

/** Counts past 2^53 are not real (an int64 below zero reads as one at least 2^63): none. */
function varintCount(value: number): number {
  return value <= Number.MAX_SAFE_INTEGER ? value : 0;
}

/** Decodes a protobuf `Export*ServiceResponse`; an unreadable body counts as full success. */
export function decodeProtobufPartialSuccess(body: Uint8Array): PartialSuccess {
  if (body.length === 0) return NONE;
  const reader = new ProtoReader(body);
  let rejected = 0;
  let message = '';
  while (reader.next()) {
    if (reader.fieldNumber !== 1 || reader.wireType !== 2) {
      reader.skip();
      continue;
    }
    const inner = reader.message();
    while (inner.next()) {
      if (inner.fieldNumber === 1 && inner.wireType === 0) rejected = varintCount(inner.varint());
      else if (inner.fieldNumber === 2 && inner.wireType === 2) message = inner.string();
      else inner.skip();
    }
    if (inner.malformed) return NONE;
  }
  if (reader.malformed || (rejected === 0 && message === '')) return NONE;
  return { rejected, message: clip(message) };
}

/** Decodes an OTLP/JSON `Export*ServiceResponse`; an unreadable body counts as full success. */
export function decodeJsonPartialSuccess(body: Uint8Array, countKey: 'rejectedSpans' | 'rejectedDataPoints'): PartialSuccess {
  if (body.length === 0) return NONE;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof parsed !== 'object' || parsed === null) return NONE;
    const partial = (parsed as Record<string, unknown>)['partialSuccess'] ?? (parsed as Record<string, unknown>)['partial_success'];
    if (typeof partial !== 'object' || partial === null) return NONE;
    const fields = partial as Record<string, unknown>;
    const snake = countKey === 'rejectedSpans' ? 'rejected_spans' : 'rejected_data_points';
    const rejected = toCount(fields[countKey] ?? fields[snake]);
    const rawMessage = fields['errorMessage'] ?? fields['error_message'];
    const message = typeof rawMessage === 'string' ? rawMessage : '';
    if (rejected === 0 && message === '') return NONE;
    return { rejected, message: clip(message) };
  } catch {
    return NONE;
  }
}
