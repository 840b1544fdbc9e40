import { type GrpcTransport, TransportError } from '@trace/core';
import { classifyTransportError } from '@trace/core/encoding';
import { createStubGrpcTransport } from '@trace/transport-grpc/testing';

// A tiny piece of "exporter logic" written against the GrpcTransport interface: the kind of code
// the stub exists to test without a server.
async function exportOnce(transport: GrpcTransport, body: Uint8Array): Promise<string> {
  const result = await transport.send({ service: 'opentelemetry.proto.collector.trace.v1.TraceService', method: 'Export', body, timeoutMs: 1000 });
  if (result.ok) return 'sent';
  return classifyTransportError(result.error).ok ? 'sent' : result.error.retryable ? 'retry' : 'drop';
}

describe('createStubGrpcTransport from @trace/transport-grpc/testing', () => {
  it('records calls and answers with the handler', async () => {
    const stub = createStubGrpcTransport();
    stub.connect('collector', 4317);
    expect(await exportOnce(stub, new Uint8Array([1, 2]))).toBe('sent');
    stub.setResponseHandler(() => new TransportError('grpc-status', 'INVALID_ARGUMENT', false, { grpcCode: 3 }));
    expect(await exportOnce(stub, new Uint8Array([3]))).toBe('drop');
    stub.setSimulateSuccess(false);
    expect(await exportOnce(stub, new Uint8Array([4]))).toBe('retry');
    expect(stub.target).toEqual({ host: 'collector', port: 4317 });
    expect(stub.requests.map((request) => request.method)).toEqual(['Export', 'Export', 'Export']);
    expect(stub.getStatistics()).toMatchObject({ requestsSent: 3, bytesSent: 4, sendFailures: 2 });
  });
});
