// startViewer: the store, the three receivers and the page, each on its own port.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@trace/core';
import { createApiHandler } from './api-server.js';
import { type GrpcReceiver, type GrpcReceiverName, startGrpcReceiver } from './grpc-receivers.js';
import { type ReceiverName, type ReceiverStats, createReceiverHandler } from './receivers.js';
import { TraceStore } from './trace-store.js';
import { ViewerExporter, type ViewerExporterOptions } from './viewer-exporter.js';

/** The default ports: those the exporters send to by default, and Jaeger UI's for the page. */
export const DEFAULT_PORTS = Object.freeze({ ui: 16686, otlp: 4318, zipkin: 9411, jaeger: 14268, otlpGrpc: 4317, jaegerGrpc: 14250 });

/** The largest request body a receiver takes by default (after decompression): 20 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** Options of {@link startViewer}. */
export interface ViewerOptions {
  /** Address every port listens on. Default `127.0.0.1`: other machines cannot reach it unless you say so. */
  host?: string;
  /** Port of the page and the JSON API. Default 16686; 0 picks a free one. */
  port?: number;
  /** OTLP/HTTP receiver port, or `false` for none. Default 4318. */
  otlpPort?: number | false;
  /** Zipkin receiver port, or `false` for none. Default 9411. */
  zipkinPort?: number | false;
  /** Jaeger Thrift/HTTP receiver port, or `false` for none. Default 14268. */
  jaegerPort?: number | false;
  /** OTLP/gRPC receiver port (4317 is the usual one), or `false`. Default off: it needs the optional `@grpc/grpc-js`. */
  otlpGrpcPort?: number | false;
  /** Jaeger gRPC receiver port (14250 is the usual one), or `false`. Default off: it needs the optional `@grpc/grpc-js`. */
  jaegerGrpcPort?: number | false;
  /** Most spans kept (oldest traces go first). Default 100,000. */
  maxSpans?: number;
  /** Most bytes of spans kept. Default 256 MiB. */
  maxBytes?: number;
  /** Largest request body a receiver takes, before and after gunzip; larger ones get 413. Default 20 MiB. */
  maxBodyBytes?: number;
  /** Use this store (e.g. one a {@link ViewerExporter} already feeds) instead of a new one. */
  store?: TraceStore;
}

/** The ports a running viewer listens on (`undefined` for a receiver that was turned off). */
export interface ViewerPorts {
  ui: number;
  otlp: number | undefined;
  zipkin: number | undefined;
  jaeger: number | undefined;
  otlpGrpc: number | undefined;
  jaegerGrpc: number | undefined;
}

/** A running viewer. */
export interface ViewerHandle {
  /** The page's address, e.g. `http://127.0.0.1:16686/`. */
  readonly url: string;
  readonly ports: ViewerPorts;
  /** Each receiver's OTLP/Zipkin/Jaeger endpoint URL, for exporter configuration. */
  readonly endpoints: {
    otlp: string | undefined;
    zipkin: string | undefined;
    jaeger: string | undefined;
    /** `host:port`, as gRPC exporters take it. */
    otlpGrpc: string | undefined;
    jaegerGrpc: string | undefined;
  };
  readonly store: TraceStore;
  /** An in-process exporter feeding this viewer (no ports involved). */
  createExporter(options?: ViewerExporterOptions): ViewerExporter;
  /** Closes every port. Safe to call twice. */
  stop(): Promise<void>;
}

function checkPort(name: string, port: unknown): void {
  if (port === false || port === undefined) return;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535 or false, got ${String(port)}`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a viewer: OTLP/HTTP on 4318, Zipkin on 9411, Jaeger on 14268 and the page on 16686 by
 * default, all on 127.0.0.1. Rejects (and closes what it opened) when a port is taken; throws a
 * `ConfigError` for invalid options.
 */
export async function startViewer(options: ViewerOptions = {}): Promise<ViewerHandle> {
  const host = options.host ?? '127.0.0.1';
  checkPort('port', options.port);
  checkPort('otlpPort', options.otlpPort);
  checkPort('zipkinPort', options.zipkinPort);
  checkPort('jaegerPort', options.jaegerPort);
  checkPort('otlpGrpcPort', options.otlpGrpcPort);
  checkPort('jaegerGrpcPort', options.jaegerGrpcPort);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) throw new ConfigError(`maxBodyBytes must be a positive integer, got ${options.maxBodyBytes}`);
  const store = options.store ?? new TraceStore({ maxSpans: options.maxSpans, maxBytes: options.maxBytes });

  const wanted: [ReceiverName, number | false][] = [
    ['otlp', options.otlpPort ?? DEFAULT_PORTS.otlp],
    ['zipkin', options.zipkinPort ?? DEFAULT_PORTS.zipkin],
    ['jaeger', options.jaegerPort ?? DEFAULT_PORTS.jaeger],
  ];
  const servers: Server[] = [];
  const grpcReceivers: GrpcReceiver[] = [];
  const receivers: Partial<Record<ReceiverName | GrpcReceiverName, { port: number; stats: ReceiverStats }>> = {};
  const ports: ViewerPorts = { ui: 0, otlp: undefined, zipkin: undefined, jaeger: undefined, otlpGrpc: undefined, jaegerGrpc: undefined };
  const stopAll = () => Promise.all([...servers.map(close), ...grpcReceivers.map((receiver) => receiver.stop())]).then(() => undefined);
  try {
    for (const [name, port] of wanted) {
      if (port === false) continue;
      const stats: ReceiverStats = { acceptedRequests: 0, acceptedSpans: 0, rejectedRequests: {} };
      const server = createServer(createReceiverHandler(name, store, maxBodyBytes, stats));
      servers.push(server);
      const bound = await listen(server, port, host);
      ports[name] = bound;
      receivers[name] = { port: bound, stats };
    }
    const grpcWanted: [GrpcReceiverName, number | false][] = [
      ['otlpGrpc', options.otlpGrpcPort ?? false],
      ['jaegerGrpc', options.jaegerGrpcPort ?? false],
    ];
    for (const [name, port] of grpcWanted) {
      if (port === false) continue;
      const stats: ReceiverStats = { acceptedRequests: 0, acceptedSpans: 0, rejectedRequests: {} };
      const receiver = await startGrpcReceiver(name, host, port, store, maxBodyBytes, stats);
      grpcReceivers.push(receiver);
      ports[name] = receiver.port;
      receivers[name] = { port: receiver.port, stats };
    }
    const ui = createServer(createApiHandler({ store, receivers }));
    servers.push(ui);
    ports.ui = await listen(ui, options.port ?? DEFAULT_PORTS.ui, host);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const base = `http://${urlHost(host)}`;
  let stopped: Promise<void> | undefined;
  return {
    url: `${base}:${ports.ui}/`,
    ports,
    endpoints: {
      otlp: ports.otlp === undefined ? undefined : `${base}:${ports.otlp}/v1/traces`,
      zipkin: ports.zipkin === undefined ? undefined : `${base}:${ports.zipkin}/api/v2/spans`,
      jaeger: ports.jaeger === undefined ? undefined : `${base}:${ports.jaeger}/api/traces`,
      otlpGrpc: ports.otlpGrpc === undefined ? undefined : `${urlHost(host)}:${ports.otlpGrpc}`,
      jaegerGrpc: ports.jaegerGrpc === undefined ? undefined : `${urlHost(host)}:${ports.jaegerGrpc}`,
    },
    store,
    createExporter: (exporterOptions) => new ViewerExporter(store, exporterOptions),
    stop() {
      stopped ??= stopAll();
      return stopped;
    },
  };
}
