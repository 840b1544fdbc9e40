import protobuf from 'protobufjs';
import { GrpcStatusCode, classifyGrpcStatus, decodeRetryDelay, grpcStatusName } from '../src/index.js';

// google.rpc.Status and friends, from their published field numbers, encoded by protobufjs.
const root = protobuf.Root.fromJSON({
  nested: {
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    RetryInfo: { fields: { retryDelay: { type: 'Duration', id: 1 } } },
    DebugInfo: { fields: { detail: { type: 'string', id: 2 } } },
    Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'Any', id: 3 } } },
  },
});
const Status = root.lookupType('Status');
const RetryInfo = root.lookupType('RetryInfo');
const DebugInfo = root.lookupType('DebugInfo');

function status(details: { typeUrl: string; value: Uint8Array }[]): Uint8Array {
  return Status.encode(Status.create({ code: 8, message: 'quota exceeded', details })).finish();
}
function retryInfo(seconds: number | protobuf.Long, nanos: number): { typeUrl: string; value: Uint8Array } {
  return { typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: RetryInfo.encode(RetryInfo.create({ retryDelay: { seconds, nanos } })).finish() };
}
const debugInfo = { typeUrl: 'type.googleapis.com/google.rpc.DebugInfo', value: DebugInfo.encode(DebugInfo.create({ detail: 'x'.repeat(300) })).finish() };

describe('decodeRetryDelay', () => {
  it('reads RetryInfo.retry_delay in ms, after other details', () => {
    expect(decodeRetryDelay(status([retryInfo(2, 500_000_000)]))).toBe(2500);
    expect(decodeRetryDelay(status([debugInfo, retryInfo(0, 7_000_000)]))).toBe(7);
    expect(decodeRetryDelay(status([retryInfo(86_400 * 365, 0)]))).toBe(86_400 * 365 * 1000);
  });

  it('treats a RetryInfo without a delay as "retry now" and a negative delay as 0', () => {
    const empty = { typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: new Uint8Array() };
    expect(decodeRetryDelay(status([empty]))).toBe(0);
    expect(decodeRetryDelay(status([retryInfo(-5, 0)]))).toBe(0);
  });

  it('returns undefined without RetryInfo or for malformed bytes, never throws', () => {
    expect(decodeRetryDelay(undefined)).toBeUndefined();
    expect(decodeRetryDelay(new Uint8Array())).toBeUndefined();
    expect(decodeRetryDelay(status([debugInfo]))).toBeUndefined();
    const good = status([retryInfo(1, 0)]);
    for (let cut = 1; cut < good.length; cut++) {
      expect(() => decodeRetryDelay(good.subarray(0, cut))).not.toThrow();
      expect(decodeRetryDelay(good.subarray(0, cut))).not.toBe(1000);
    }
    expect(decodeRetryDelay(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
    expect(decodeRetryDelay(new Uint8Array([0x1a, 0x7f, 0x01]))).toBeUndefined(); // length past the end
    expect(decodeRetryDelay(new Uint8Array([0x0b]))).toBeUndefined(); // wire type 3 (groups) is not accepted
  });
});

describe('classifyGrpcStatus', () => {
  it('follows the OTLP retryable table', () => {
    const retryable = ['CANCELLED', 'DEADLINE_EXCEEDED', 'ABORTED', 'OUT_OF_RANGE', 'UNAVAILABLE', 'DATA_LOSS'];
    for (let code = 1; code <= 16; code++) {
      expect([grpcStatusName(code), classifyGrpcStatus(code).retryable]).toEqual([grpcStatusName(code), retryable.includes(grpcStatusName(code))]);
    }
    expect(classifyGrpcStatus(99).retryable).toBe(false);
  });

  it('retries RESOURCE_EXHAUSTED only with RetryInfo, with its delay', () => {
    expect(classifyGrpcStatus(GrpcStatusCode.RESOURCE_EXHAUSTED)).toEqual({ retryable: false, retryAfterMs: undefined });
    expect(classifyGrpcStatus(GrpcStatusCode.RESOURCE_EXHAUSTED, status([debugInfo]))).toEqual({ retryable: false, retryAfterMs: undefined });
    expect(classifyGrpcStatus(GrpcStatusCode.RESOURCE_EXHAUSTED, status([retryInfo(1, 0)]))).toEqual({ retryable: true, retryAfterMs: 1000 });
    // A non-retryable status stays non-retryable whatever the server asks.
    expect(classifyGrpcStatus(GrpcStatusCode.INVALID_ARGUMENT, status([retryInfo(1, 0)]))).toEqual({ retryable: false, retryAfterMs: undefined });
  });

  it('names statuses', () => {
    expect(grpcStatusName(0)).toBe('OK');
    expect(grpcStatusName(14)).toBe('UNAVAILABLE');
    expect(grpcStatusName(42)).toBe('STATUS_42');
  });
});
