// Real servers on 127.0.0.1 for the transport tests. Each records what it received (bodies
// gunzipped when the client said so) and counts connections, so tests can assert reuse.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Bytes as they came off the wire. */
  rawBody: Buffer;
  /** `rawBody`, gunzipped when `content-encoding: gzip`. */
  body: Buffer;
  socket: Socket;
}

export type Handler = (request: ReceivedRequest, response: http.ServerResponse) => void;

export interface TestServer {
  readonly origin: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Sockets closed so far. */
  closedSockets: number;
  /** Resolves when the next socket closes (or at once if `closedSockets > after`). */
  socketClosed(after: number): Promise<void>;
  close(): Promise<void>;
}

function wire(server: http.Server | https.Server, origin: string, handler: Handler): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const closeWaiters: Array<{ after: number; resolve: () => void }> = [];
  const state: TestServer = {
    origin,
    port: 0,
    requests,
    connections: 0,
    closedSockets: 0,
    socketClosed(after: number): Promise<void> {
      if (state.closedSockets > after) return Promise.resolve();
      return new Promise((resolve) => closeWaiters.push({ after, resolve }));
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const onConnection = (socket: Socket): void => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      state.closedSockets++;
      for (let i = closeWaiters.length - 1; i >= 0; i--) {
        const waiter = closeWaiters[i];
        if (waiter !== undefined && state.closedSockets > waiter.after) {
          closeWaiters.splice(i, 1);
          waiter.resolve();
        }
      }
    });
  };
  server.on(server instanceof https.Server ? 'secureConnection' : 'connection', onConnection);
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(rawBody) : rawBody;
      const received: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody, body, socket: req.socket };
      requests.push(received);
      handler(received, res);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      Object.assign(state, { port, origin: `${origin}://127.0.0.1:${port}` });
      resolve(state);
    });
  });
}

/** A `node:http` server on 127.0.0.1, random port. */
export function startHttpServer(handler: Handler): Promise<TestServer> {
  return wire(http.createServer(), 'http', handler);
}

/** A `node:https` server on 127.0.0.1, random port. */
export function startHttpsServer(options: https.ServerOptions, handler: Handler): Promise<TestServer> {
  return wire(https.createServer(options), 'https', handler);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
