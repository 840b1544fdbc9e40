// The stub transport from `@trace/transport-http/testing`, used the way an exporter's unit tests
// use it: no sockets, scripted answers, every request recorded.
import { type ExportResult, type HttpTransport, TransportError } from '@trace/core';
import { classifyHttpResult, retryOnOtlpStatuses } from '@trace/core/encoding';
import * as main from '@trace/transport-http';
import { StubHttpTransport, createStubTransport } from '@trace/transport-http/testing';

// A stand-in for an exporter's send step: the logic under test, written against the interface.
async function sendBatch(transport: HttpTransport, payload: Uint8Array): Promise<ExportResult> {
  const result = await transport.send({
    url: 'http://collector.test:4318/v1/traces',
    headers: { 'content-type': 'application/x-protobuf' },
    body: payload,
    compression: 'gzip',
  });
  return classifyHttpResult(result, retryOnOtlpStatuses);
}

describe('@trace/transport-http/testing', () => {
  test('the stub records requests and answers with the scripted response', async () => {
    const stub = createStubTransport();
    stub.setResponseHandler((request) => ({ status: request.compression === 'gzip' ? 200 : 415, headers: {}, body: new Uint8Array() }));
    const outcome = await sendBatch(stub, Uint8Array.from([1, 2, 3]));

    expect(outcome.ok).toBe(true);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.headers?.['content-type']).toBe('application/x-protobuf');
    expect(stub.getStatistics()).toMatchObject({ requestsSent: 1, bytesSent: 3, statusCounts: { '200': 1 } });
  });

  test('a 503 with Retry-After becomes a retryable failure carrying the delay', async () => {
    const stub = createStubTransport();
    stub.setResponseHandler(() => ({ status: 503, headers: { 'retry-after': '2' }, body: new Uint8Array() }));
    const outcome = await sendBatch(stub, new Uint8Array(8));

    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.retryable).toBe(true);
      expect(outcome.error.retryAfterMs).toBe(2000);
    }
  });

  test('setSimulateSuccess(false) and transport errors are classified without a response', async () => {
    const stub = createStubTransport();
    stub.setSimulateSuccess(false);
    const down = await sendBatch(stub, new Uint8Array(1));
    expect(!down.ok && down.error.retryable).toBe(true);

    stub.setSimulateSuccess(true);
    stub.setResponseHandler(() => new TransportError('tls', 'certificate not trusted', false));
    const tls = await sendBatch(stub, new Uint8Array(1));
    expect(!tls.ok && tls.error.retryable).toBe(false);
    expect(stub.getStatistics()).toMatchObject({ requestsSent: 2, sendFailures: 2, lastError: 'certificate not trusted' });
  });

  test('the main entry ships no test code', () => {
    expect(createStubTransport()).toBeInstanceOf(StubHttpTransport);
    expect(Object.keys(main).sort()).toEqual([
      'DEFAULT_MAX_RESPONSE_BYTES',
      'DEFAULT_RESPONSE_BODY_TIMEOUT_MS',
      'DEFAULT_USER_AGENT',
      'createDefaultTransport',
    ]);
  });
});
