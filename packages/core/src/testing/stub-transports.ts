// Stub transports for unit tests of
// exporter logic. Real transports are tested against real servers.
import { type Result, ok } from '../result.js';
import {
  type GrpcRequest,
  type GrpcResponse,
  type GrpcTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  TransportError,
  type TransportStatistics,
  createTransportStatistics,
  snapshotTransportStatistics,
} from '../transport.js';

type Awaitable<T> = T | Promise<T>;

/** Records every request and answers with a handler (default: 200, empty body). */
export class StubHttpTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  private handler: (request: HttpRequest) => Awaitable<HttpResponse | TransportError> = () => ({ status: 200, headers: {}, body: new Uint8Array() });
  private simulateSuccess = true;
  private readonly statistics = createTransportStatistics();

  /** Sets the answer to every request: a response, or a `TransportError` for no response. */
  setResponseHandler(handler: (request: HttpRequest) => Awaitable<HttpResponse | TransportError>): void {
    this.handler = handler;
  }

  /** `false`: every request fails with a retryable connection error. */
  setSimulateSuccess(success: boolean): void {
    this.simulateSuccess = success;
  }

  async send(request: HttpRequest): Promise<Result<HttpResponse, TransportError>> {
    this.requests.push(request);
    this.statistics.requestsSent++;
    this.statistics.bytesSent += typeof request.body === 'string' ? Buffer.byteLength(request.body) : (request.body?.length ?? 0);
    if (request.signal?.aborted) return this.failure(new TransportError('aborted', 'request was aborted', true));
    if (!this.simulateSuccess) return this.failure(new TransportError('connection', 'simulated connection failure', true));
    const answer = await this.handler(request);
    if (answer instanceof TransportError) return this.failure(answer);
    const key = String(answer.status);
    this.statistics.statusCounts[key] = (this.statistics.statusCounts[key] ?? 0) + 1;
    return ok(answer);
  }

  getStatistics(): TransportStatistics {
    return snapshotTransportStatistics(this.statistics);
  }

  async close(): Promise<void> {}

  private failure(error: TransportError): Result<HttpResponse, TransportError> {
    this.statistics.sendFailures++;
    this.statistics.lastError = error.message;
    return { ok: false, error };
  }
}

/** Records every call and answers with a handler (default: OK, empty message). */
export class StubGrpcTransport implements GrpcTransport {
  readonly requests: GrpcRequest[] = [];
  target: { host: string; port: number } | undefined;
  private handler: (request: GrpcRequest) => Awaitable<GrpcResponse | TransportError> = () => ({ body: new Uint8Array() });
  private simulateSuccess = true;
  private readonly statistics = createTransportStatistics();

  connect(host: string, port: number): Result {
    this.target = { host, port };
    return ok();
  }

  setResponseHandler(handler: (request: GrpcRequest) => Awaitable<GrpcResponse | TransportError>): void {
    this.handler = handler;
  }

  setSimulateSuccess(success: boolean): void {
    this.simulateSuccess = success;
  }

  async send(request: GrpcRequest): Promise<Result<GrpcResponse, TransportError>> {
    this.requests.push(request);
    this.statistics.requestsSent++;
    this.statistics.bytesSent += request.body.length;
    const answer = this.simulateSuccess ? await this.handler(request) : new TransportError('grpc-status', 'simulated UNAVAILABLE', true, { grpcCode: 14 });
    if (answer instanceof TransportError) {
      this.statistics.sendFailures++;
      this.statistics.lastError = answer.message;
      return { ok: false, error: answer };
    }
    this.statistics.statusCounts.OK = (this.statistics.statusCounts.OK ?? 0) + 1;
    return ok(answer);
  }

  getStatistics(): TransportStatistics {
    return snapshotTransportStatistics(this.statistics);
  }

  async close(): Promise<void> {}
}

/** A {@link StubHttpTransport}. */
export function createStubTransport(): StubHttpTransport {
  return new StubHttpTransport();
}

/** A {@link StubGrpcTransport}. */
export function createStubGrpcTransport(): StubGrpcTransport {
  return new StubGrpcTransport();
}
