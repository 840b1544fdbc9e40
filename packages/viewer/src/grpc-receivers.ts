// The optional gRPC receivers: OTLP TraceService/Export (4317) and Jaeger CollectorService/PostSpans
// (14250). They need @grpc/grpc-js, an optional peer loaded only when a gRPC port is asked for.
// Messages stay raw bytes through grpc-js (identity serializers) and go to our own decoders.
import type * as GrpcJs from '@grpc/grpc-js';
import { ConfigError, loadOptionalPackage } from '@trace/core';
import { decodeJaegerProtobuf } from './jaeger-proto-decoder.js';
import type { ViewerSpan } from './model.js';
import { decodeOtlpProtobuf } from './otlp-decoder.js';
import type { ReceiverStats } from './receivers.js';
import type { TraceStore } from './trace-store.js';

const GRPC_PACKAGE = '@grpc/grpc-js';

/** The two gRPC receivers. */
export type GrpcReceiverName = 'otlpGrpc' | 'jaegerGrpc';

const METHODS: Record<GrpcReceiverName, { path: string; decode: (body: Uint8Array) => ViewerSpan[] }> = {
  otlpGrpc: { path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', decode: decodeOtlpProtobuf },
  jaegerGrpc: { path: '/jaeger.api_v2.CollectorService/PostSpans', decode: decodeJaegerProtobuf },
};

async function loadGrpc(): Promise<typeof GrpcJs> {
  // Core's loader tells a missing package from one that is installed but fails to load.
  const loaded = await loadOptionalPackage(
    GRPC_PACKAGE,
    async (): Promise<typeof GrpcJs> => (typeof require === 'function' ? require(GRPC_PACKAGE) : await import(GRPC_PACKAGE)),
  );
  if (!loaded.ok) throw new ConfigError(`the gRPC receivers need the optional package ${GRPC_PACKAGE}: ${loaded.error.message}`);
  return loaded.value;
}

const identity = (value: Buffer): Buffer => value;

/** A running gRPC server and how to stop it. */
export interface GrpcReceiver {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts one gRPC receiver on `host:port`. A message that does not decode is answered
 * INVALID_ARGUMENT; one over `maxMessageBytes` RESOURCE_EXHAUSTED (by grpc-js); a good one an empty
 * response message (full success).
 */
export async function startGrpcReceiver(
  name: GrpcReceiverName,
  host: string,
  port: number,
  store: TraceStore,
  maxMessageBytes: number,
  stats: ReceiverStats,
): Promise<GrpcReceiver> {
  const grpc = await loadGrpc();
  const method = METHODS[name];
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxMessageBytes });
  const definition: GrpcJs.ServiceDefinition = {
    Call: {
      path: method.path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  const handler: GrpcJs.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    let spans: ViewerSpan[];
    try {
      spans = method.decode(call.request);
    } catch (error) {
      stats.rejectedRequests.INVALID_ARGUMENT = (stats.rejectedRequests.INVALID_ARGUMENT ?? 0) + 1;
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `malformed request: ${error instanceof Error ? error.message : 'cannot decode'}` });
      return;
    }
    store.add(spans);
    stats.acceptedRequests++;
    stats.acceptedSpans += spans.length;
    callback(null, Buffer.alloc(0));
  };
  server.addService(definition, { Call: handler as GrpcJs.UntypedHandleCall });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error === null ? resolve(boundPort) : reject(error)));
  });
  return {
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // calls still open after a moment are cut: stop() must not hang on a client that never ends
        setTimeout(() => server.forceShutdown(), 500).unref();
      }),
  };
}
