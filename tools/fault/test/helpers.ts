// Faulty OTLP backends on 127.0.0.1 (node:http and @grpc/grpc-js), decoding with the official
// protos, span production at a steady rate, and the exact-accounting check every case makes.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { type ExportSettings, type ExportStats, Tracer } from '@trace/core';
import { OtlpExporter } from '@trace/exporter-otlp';
import { createServiceResource } from '@trace/otel-adapter';
import { otlpTraceRequestType } from '@trace-tools/test-kit';

interface DecodedRequest {
  resourceSpans?: { scopeSpans?: { spans?: { spanId: Uint8Array }[] }[] }[];
}

/** Span ids (hex) in an ExportTraceServiceRequest body, decoded with protobufjs and the official protos. */
export function decodeSpanIds(body: Uint8Array): string[] {
  const message = otlpTraceRequestType().decode(body) as unknown as DecodedRequest;
  const ids: string[] = [];
  for (const resource of message.resourceSpans ?? [])
    for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) ids.push(Buffer.from(span.spanId).toString('hex'));
  return ids;
}

/** What a backend received and accepted (answered 2xx / OK), by span id. */
export class Received {
  readonly counts = new Map<string, number>();
  requests = 0;

  accept(body: Uint8Array): void {
    for (const id of decodeSpanIds(body)) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  get unique(): number {
    return this.counts.size;
  }

  get duplicates(): number {
    let extra = 0;
    for (const count of this.counts.values()) extra += count - 1;
    return extra;
  }
}

/** How the HTTP backend answers one request (0-based index over all requests). */
export type HttpBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'trickle'; durationMs: number }
  | { kind: 'oversized'; bytes: number };

export interface HttpBackend {
  /** `http://127.0.0.1:port` */
  readonly url: string;
  readonly received: Received;
  /** Stops listening and cuts every connection (an outage: connections are refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A real OTLP/HTTP receiver; `behave` decides each answer. Accepted spans are decoded and counted. */
export async function startHttpBackend(behave: (index: number) => HttpBehaviour = () => ({ kind: 'ok' })): Promise<HttpBackend> {
  const received = new Received();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = received.requests++;
      const behaviour = behave(index);
      const body = Buffer.concat(chunks);
      switch (behaviour.kind) {
        case 'ok':
          received.accept(body);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' });
          res.end();
          return;
        case 'status':
          if (behaviour.status >= 200 && behaviour.status < 300) received.accept(body);
          res.writeHead(behaviour.status, behaviour.headers ?? {});
          res.end(behaviour.body);
          return;
        case 'slow': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (res.destroyed) return;
            received.accept(body);
            res.writeHead(200, { 'content-type': 'application/x-protobuf' });
            res.end();
          }, behaviour.delayMs);
          timers.add(timer);
          return;
        }
        case 'hang':
          return; // never answers; the socket is cut when the client gives up or the server closes
        case 'reset':
          req.socket.destroy();
          return;
        case 'trickle': {
          // 200 at once (the spans are accepted), then the body one byte at a time.
          received.accept(body);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' });
          const end = Date.now() + behaviour.durationMs;
          const timer = setInterval(() => {
            if (Date.now() >= end || res.destroyed) {
              clearInterval(timer);
              timers.delete(timer);
              if (!res.destroyed) res.end();
              return;
            }
            res.write(Buffer.from([0]));
          }, 100);
          timers.add(timer);
          return;
        }
        case 'oversized': {
          received.accept(body);
          res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': String(behaviour.bytes) });
          const chunk = Buffer.alloc(1024 * 1024);
          let left = behaviour.bytes;
          const pump = () => {
            while (left > 0 && !res.destroyed) {
              const size = Math.min(left, chunk.length);
              left -= size;
              if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void res.once('drain', pump);
            }
            if (!res.destroyed) res.end();
          };
          pump();
          return;
        }
      }
    });
  };
  const server: Server = createServer(onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop,
    restart: () => listen(port),
    close: stop,
  };
}

/** How the gRPC backend answers one call. */
export type GrpcBehaviour = { kind: 'ok' } | { kind: 'status'; code: grpc.status; details: string } | { kind: 'delay'; ms: number };

export interface GrpcBackend {
  /** `127.0.0.1:port` */
  readonly endpoint: string;
  readonly received: Received;
  close(): Promise<void>;
}

const identity = (value: Buffer) => value;

/** A real @grpc/grpc-js server implementing OTLP TraceService/Export with raw bytes. */
export async function startGrpcBackend(behave: (index: number) => GrpcBehaviour = () => ({ kind: 'ok' })): Promise<GrpcBackend> {
  const received = new Received();
  const server = new grpc.Server();
  const timers = new Set<NodeJS.Timeout>();
  const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    const behaviour = behave(received.requests++);
    if (behaviour.kind === 'ok') {
      received.accept(call.request);
      callback(null, Buffer.alloc(0));
    } else if (behaviour.kind === 'status') {
      callback({ code: behaviour.code, details: behaviour.details });
    } else {
      // Answers after the client's deadline: the client sees DEADLINE_EXCEEDED; the late answer is not an acceptance.
      const timer = setTimeout(() => {
        timers.delete(timer);
        callback({ code: grpc.status.UNAVAILABLE, details: 'too late' });
      }, behaviour.ms);
      timers.add(timer);
    }
  };
  const definition = {
    Export: {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  server.addService(definition, { Export: handler });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.forceShutdown();
        resolve();
      }),
  };
}

/** A tracer exporting OTLP to `endpoint` as a user would set it up, with `settings` over the defaults. */
export function otlpTracer(
  endpoint: string,
  format: 'otlp_http_protobuf' | 'otlp_grpc' = 'otlp_http_protobuf',
  settings: Partial<ExportSettings> = {},
  exporterOptions: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Tracer {
  const exporter = new OtlpExporter({ endpoint, format, ...exporterOptions, resource: createServiceResource('fault-suite', '1.0.0') });
  return new Tracer({ serviceName: 'fault-suite', exporters: [exporter], exportSettings: settings });
}

/** Finishes `count` root spans now. */
export function produce(tracer: Tracer, count: number): number {
  for (let i = 0; i < count; i++) tracer.startSpan('work', { parent: null, tags: { index: i } }).end();
  return count;
}

/** Finishes spans at `perSecond` for `durationMs` (10 ms ticks, exact total); calls `onTick` with the elapsed ms. */
export function produceAtRate(tracer: Tracer, perSecond: number, durationMs: number, onTick?: (elapsedMs: number) => void): Promise<number> {
  const total = Math.round((perSecond * durationMs) / 1000);
  const started = Date.now();
  let produced = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Date.now() - started;
      const due = Math.min(total, Math.floor((perSecond * elapsed) / 1000));
      if (due > produced) produced += produce(tracer, due - produced);
      onTick?.(elapsed);
      if (produced >= total) {
        clearInterval(timer);
        resolve(produced);
      }
    }, 10);
  });
}

/** The one exporter's figures. */
export function statsOf(tracer: Tracer): ExportStats {
  return tracer.getExportStats()[0] as ExportStats;
}

/**
 * The identity every case asserts once the pipeline is idle: produced = exported + dropped +
 * failed, and what the backend accepted = exported, each span once.
 */
export function expectExactAccounting(stats: ExportStats, produced: number, received: Received): void {
  expect(stats.queuedSpans).toBe(0);
  expect(stats.finishedSpans).toBe(produced);
  expect(stats.exportedSpans + stats.droppedSpans + stats.failedSpans).toBe(produced);
  expect(received.unique).toBe(stats.exportedSpans);
  expect(received.duplicates).toBe(0);
}

/** Figures printed at the end of a run (the README's fault table is made of them). */
export function figures(name: string, stats: ExportStats, received: Received, extra = ''): string {
  const lost = Object.entries(stats.lost)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return `${name}: finished ${stats.finishedSpans}, exported ${stats.exportedSpans}, dropped ${stats.droppedSpans}, failed ${stats.failedSpans}${lost ? ` (${lost})` : ''}, retries ${stats.retries}, received ${received.unique}, duplicates ${received.duplicates}${extra}`;
}
