// Real servers the tests start on 127.0.0.1: a grpc-js server with a raw-bytes echo service and
// the standard health service, a TCP proxy that counts connections and bytes, and a silent TCP
// listener that never speaks HTTP/2. Every helper returns a close function the test must call.
import { type AddressInfo, type Server as NetServer, type Socket, connect, createServer } from 'node:net';
import { type ServerCredentials, type ServerUnaryCall, type sendUnaryData, Server, ServerCredentials as Credentials } from '@grpc/grpc-js';

export type UnaryHandler = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => void;

/** What the echo server saw, for assertions. */
export interface ReceivedCall {
  path: string;
  body: Buffer;
  metadata: Record<string, string>;
}

export interface TestGrpcServer {
  port: number;
  target: string;
  received: ReceivedCall[];
  /** Answer of `/test.Echo/Call`; default: echo the body. */
  handler: UnaryHandler;
  /** Health per service name ('' = whole server); a missing name answers NOT_FOUND. */
  health: Map<string, number>;
  /** Calls the server saw cancelled by the client. */
  cancelled: number;
  stop(): Promise<void>;
}

const identity = (value: Buffer): Buffer => value;

export interface StartOptions {
  port?: number;
  credentials?: ServerCredentials;
  withHealth?: boolean;
}

/** Starts a grpc-js server on 127.0.0.1 (port 0 unless given). */
export async function startGrpcServer(options: StartOptions = {}): Promise<TestGrpcServer> {
  const server = new Server();
  const state: TestGrpcServer = {
    port: 0,
    target: '',
    received: [],
    handler: (call, callback) => callback(null, call.request),
    health: new Map([['', 1]]),
    cancelled: 0,
    stop: async () => {
      server.forceShutdown();
    },
  };
  const record = (call: ServerUnaryCall<Buffer, Buffer>): void => {
    const metadata: Record<string, string> = {};
    const map = call.metadata.getMap();
    for (const key in map) metadata[key] = String(map[key]);
    state.received.push({ path: call.getPath(), body: call.request, metadata });
    call.on('cancelled', () => {
      state.cancelled++;
    });
  };
  server.register<Buffer, Buffer>(
    '/test.Echo/Call',
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      record(call);
      state.handler(call, callback);
    },
    identity,
    identity,
    'unary',
  );
  if (options.withHealth !== false) {
    server.register<Buffer, Buffer>(
      '/grpc.health.v1.Health/Check',
      (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        record(call);
        // HealthCheckRequest: field 1 (service) is the only field; decode it by its tag 0x0a.
        const request = call.request;
        const service = request.length > 2 && request[0] === 0x0a ? request.subarray(2, 2 + (request[1] ?? 0)).toString('utf8') : '';
        const status = state.health.get(service);
        if (status === undefined) {
          callback({ code: 5, details: `unknown service ${service}` });
          return;
        }
        // HealthCheckResponse: field 1 varint (tag 0x08); proto3 omits status 0.
        callback(null, status === 0 ? Buffer.alloc(0) : Buffer.from([0x08, status]));
      },
      identity,
      identity,
      'unary',
    );
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, options.credentials ?? Credentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  state.port = port;
  state.target = `127.0.0.1:${port}`;
  return state;
}

export interface CountingProxy {
  port: number;
  connections: number;
  bytesFromClient: number;
  close(): Promise<void>;
}

/** A TCP proxy to `127.0.0.1:targetPort` counting client connections and client→server bytes. */
export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const proxy: CountingProxy = { port: 0, connections: 0, bytesFromClient: 0, close: async () => {} };
  const server: NetServer = createServer((client) => {
    proxy.connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    // No Nagle delay on either leg, or every small gRPC frame waits for a delayed ACK.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      proxy.bytesFromClient += chunk.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

/** A TCP listener that accepts connections and never answers: a connection that never becomes HTTP/2. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then released. */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
