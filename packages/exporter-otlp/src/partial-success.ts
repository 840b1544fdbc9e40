// OTLP partial success: a backend that accepted a request but refused part of it says so in the
// response's `partial_success` (field 1) {rejected_spans | rejected_data_points: int64 = 1,
// error_message: string = 2}, in protobuf or JSON as the request was.
import protobuf from 'protobufjs/minimal.js';

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

/** Decodes a protobuf `Export*ServiceResponse`; an unreadable body counts as full success. */
export function decodeProtobufPartialSuccess(body: Uint8Array): PartialSuccess {
  if (body.length === 0) return NONE;
  try {
    const reader = protobuf.Reader.create(body);
    let rejected = 0;
    let message = '';
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
        reader.skipType(tag & 7);
        continue;
      }
      const end = reader.uint32() + reader.pos;
      while (reader.pos < end) {
        const inner = reader.uint32();
        if (inner === 0x08) rejected = toCount(reader.int64().toString());
        else if (inner === 0x12) message = reader.string();
        else reader.skipType(inner & 7);
      }
    }
    if (rejected === 0 && message === '') return NONE;
    return { rejected, message: clip(message) };
  } catch {
    return NONE;
  }
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
