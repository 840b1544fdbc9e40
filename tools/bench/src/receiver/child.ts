// The loopback receiver, run as its own process so that what it spends parsing requests and
// counting spans never lands on the bench's clock or its core. It takes orders over IPC: open a
// listener for a wire format, report (and reset) what a listener received, close everything.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { SPAN_COUNTERS, type WireFormat } from './span-counts.js';

export type ReceiverRequest = { id: number; op: 'open'; format: WireFormat } | { id: number; op: 'take'; port: number } | { id: number; op: 'close' };
export interface ReceiverReply {
  id: number;
  port?: number;
  spans?: number;
  bodies?: number;
  bytes?: number;
  errors?: number;
  error?: string;
}

interface Sink {
  server: Server;
  spans: number;
  bodies: number;
  bytes: number;
  errors: number;
}

const sinks = new Map<number, Sink>();

function open(format: WireFormat): Promise<number> {
  const count = SPAN_COUNTERS[format];
  const sink: Sink = { server: createServer(), spans: 0, bodies: 0, bytes: 0, errors: 0 };
  sink.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        sink.spans += count(body);
        sink.bodies++;
        sink.bytes += raw.length;
      } catch {
        sink.errors++;
        response.writeHead(400).end();
        return;
      }
      if (format === 'otlp-protobuf') response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else response.writeHead(202).end();
    });
  });
  sink.server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    sink.server.once('error', reject);
    sink.server.listen(0, '127.0.0.1', () => {
      const { port } = sink.server.address() as AddressInfo;
      sinks.set(port, sink);
      resolve(port);
    });
  });
}

function closeAll(): Promise<void> {
  const closing = [...sinks.values()].map(
    (sink) =>
      new Promise<void>((resolve) => {
        sink.server.closeAllConnections();
        sink.server.close(() => resolve());
      }),
  );
  sinks.clear();
  return Promise.all(closing).then(() => undefined);
}

async function handle(request: ReceiverRequest): Promise<ReceiverReply> {
  if (request.op === 'open') return { id: request.id, port: await open(request.format) };
  if (request.op === 'take') {
    const sink = sinks.get(request.port);
    if (sink === undefined) return { id: request.id, error: `no listener on port ${request.port}` };
    const reply = { id: request.id, spans: sink.spans, bodies: sink.bodies, bytes: sink.bytes, errors: sink.errors };
    sink.spans = 0;
    sink.bodies = 0;
    sink.bytes = 0;
    sink.errors = 0;
    return reply;
  }
  await closeAll();
  return { id: request.id };
}

process.on('message', (message: ReceiverRequest) => {
  handle(message).then(
    (reply) => {
      process.send?.(reply);
      if (message.op === 'close') process.disconnect();
    },
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The bench went away: nothing is left to receive for.
process.on('disconnect', () => {
  void closeAll().then(() => process.exit(0));
});
